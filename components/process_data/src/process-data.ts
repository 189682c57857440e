import * as v from 'valibot';
import { ProcessDataError } from './errors.ts';
import { type Place, PlacesSchema } from './place.ts';
import type { Summary } from './summary.ts';

/**
 * Summarises a batch of places from an untrusted source: the centroid `[mean lat, mean lon]` and the
 * first place with the highest latitude. Throws `ProcessDataError` rather than returning NaN.
 */
export function processData(input: unknown): Summary {
  return summarise(parsePlaces(input));
}

/** Checks an untrusted batch of places; throws `ProcessDataError` naming what is wrong. */
export function parsePlaces(input: unknown): Place[] {
  const result = v.safeParse(PlacesSchema, input);
  if (result.success) return result.output;
  if (Array.isArray(input) && input.length === 0) throw emptyBatch();
  throw new ProcessDataError('invalid_places', describeIssues(result.issues), { cause: result.issues });
}

/** The summary of a batch already checked by {@link parsePlaces}: centroid and most northerly place. */
export function summarise(places: readonly Place[]): Summary {
  let latSum = 0;
  let lonSum = 0;
  let mostNortherly: Place | undefined;
  for (const place of places) {
    const lat = Number(place[0]);
    latSum += lat;
    lonSum += Number(place[1]);
    // Strictly greater, so that a tie keeps the place that came first.
    if (mostNortherly === undefined || lat > Number(mostNortherly[0])) mostNortherly = place;
  }
  // PlacesSchema already refuses an empty batch; this keeps a division by zero impossible here too.
  if (mostNortherly === undefined) throw emptyBatch();
  return { centroid: [latSum / places.length, lonSum / places.length], most_northerly: mostNortherly };
}

function emptyBatch(): ProcessDataError {
  return new ProcessDataError('empty_batch', 'cannot summarise an empty batch of places');
}

const FIELDS = ['lat', 'lon', 'place', 'country_code', 'time_zone'];

/** Names where each problem is (`place 3 (lat): latitude is not a number`), at most three of them. */
function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const [index, field] = (issue.path ?? []).map((item) => item.key);
    if (index === undefined) return issue.message;
    const where =
      field === undefined ? `place ${String(index)}` : `place ${String(index)} (${fieldName(field)})`;
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return `invalid places: ${shown.join('; ')}${more}`;
}

function fieldName(key: unknown): string {
  return typeof key === 'number' ? (FIELDS[key] ?? `item ${key}`) : String(key);
}
