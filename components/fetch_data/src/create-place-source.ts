import type { Place } from '@mousetrap/process_data';
import { fetchPlacesOverHttp } from './http-source.ts';
import { type FetchOptions, normaliseOptions } from './options.ts';
import { PLACES } from './places-data.ts';
import { simulatePlaces } from './simulated-source.ts';

/** Fetches one batch of places; the signal lets a stopping worker give up waiting. */
export type FetchPlaces = (signal?: AbortSignal) => Promise<Place[]>;

/**
 * Makes the "external service" the fetch worker calls: by default a simulation returning 2-8 real
 * places after a delay, or, with `url`, an HTTP source. Throws `FetchError` `invalid_options` at once.
 */
export function createPlaceSource(options: FetchOptions = {}): FetchPlaces {
  const valid = normaliseOptions(options, PLACES.length);
  const { url, timeoutMs } = valid;
  if (url !== undefined) return (signal) => fetchPlacesOverHttp({ url, timeoutMs }, signal);
  const simulation = { ...valid, places: PLACES };
  return (signal) => simulatePlaces(simulation, signal);
}
