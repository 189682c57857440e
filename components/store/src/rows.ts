import type { Place } from '@mousetrap/process_data';
import type { Job, JobResult, JobStatus } from './types.ts';

/** A `jobs` row as postgres.js reads it: timestamps arrive as Dates. */
export interface JobRow {
  id: string;
  status: JobStatus;
  correlation_id: string;
  idempotency_key: string | null;
  attempts: number;
  error: string | null;
  created_at: Date;
  published_at: Date | null;
  fetching_at: Date | null;
  processing_at: Date | null;
  done_at: Date | null;
  failed_at: Date | null;
}

/** A `results` row as postgres.js reads it: jsonb arrives parsed. */
export interface ResultRow {
  job_id: string;
  centroid_lat: number;
  centroid_lon: number;
  most_northerly: Place;
  places: Place[];
  created_at: Date;
}

/** The columns every job query selects or returns, in the order of `Job`. */
export const JOB_COLUMNS = [
  'id',
  'status',
  'correlation_id',
  'idempotency_key',
  'attempts',
  'error',
  'created_at',
  'published_at',
  'fetching_at',
  'processing_at',
  'done_at',
  'failed_at',
] as const satisfies readonly (keyof JobRow)[];

/**
 * A `jobs` row joined with its result's columns (`result_`-prefixed where a name would clash),
 * all null when it has none.
 */
export interface JobWithResultRow extends JobRow {
  result_job_id: string | null;
  centroid_lat: number | null;
  centroid_lon: number | null;
  most_northerly: Place | null;
  places: Place[] | null;
  result_created_at: Date | null;
}

/** The columns a result query selects. */
export const RESULT_COLUMNS = [
  'job_id',
  'centroid_lat',
  'centroid_lon',
  'most_northerly',
  'places',
  'created_at',
] as const satisfies readonly (keyof ResultRow)[];

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** A job row as the contract shows it: timestamps as ISO 8601 strings. */
export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    status: row.status,
    correlation_id: row.correlation_id,
    idempotency_key: row.idempotency_key,
    attempts: row.attempts,
    error: row.error,
    created_at: row.created_at.toISOString(),
    published_at: iso(row.published_at),
    fetching_at: iso(row.fetching_at),
    processing_at: iso(row.processing_at),
    done_at: iso(row.done_at),
    failed_at: iso(row.failed_at),
  };
}

/** A result row in the seed's shape: the centroid as `[lat, lon]`. */
export function toResult(row: ResultRow): JobResult {
  return {
    job_id: row.job_id,
    centroid: [row.centroid_lat, row.centroid_lon],
    most_northerly: row.most_northerly,
    places: row.places,
    created_at: row.created_at.toISOString(),
  };
}

/** The job of a joined row, and its result when it has one. */
export function toJobWithResult(row: JobWithResultRow): { job: Job; result: JobResult | undefined } {
  const { result_job_id, centroid_lat, centroid_lon, most_northerly, places, result_created_at } = row;
  const result =
    result_job_id === null ||
    centroid_lat === null ||
    centroid_lon === null ||
    most_northerly === null ||
    places === null ||
    result_created_at === null
      ? undefined
      : toResult({
          job_id: result_job_id,
          centroid_lat,
          centroid_lon,
          most_northerly,
          places,
          created_at: result_created_at,
        });
  return { job: toJob(row), result };
}
