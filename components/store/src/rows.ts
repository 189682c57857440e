import type { Place } from '@mousetrap/process_data';
import type { Job, JobResult, JobStatus } from './types.ts';

/** A `jobs` row as postgres.js reads it: timestamps arrive as Dates. */
export interface JobRow {
  id: string;
  status: JobStatus;
  correlation_id: string;
  idempotency_key: string | null;
  attempts: number;
  redrives: number;
  error: string | null;
  created_at: Date;
  published_at: Date | null;
  fetching_at: Date | null;
  processing_at: Date | null;
  done_at: Date | null;
  failed_at: Date | null;
  last_failed_at: Date | null;
  trace_parent: string | null;
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
  'redrives',
  'error',
  'created_at',
  'published_at',
  'fetching_at',
  'processing_at',
  'done_at',
  'failed_at',
  'last_failed_at',
  'trace_parent',
] as const satisfies readonly (keyof JobRow)[];

/**
 * A `jobs` row joined with its result's columns (`result_`-prefixed where a name would clash),
 * all null when it has none.
 */
export type JobWithResultRow = JobRow & {
  [Column in keyof ResultRow as Column extends 'job_id' | 'created_at' ? `result_${Column}` : Column]:
    | ResultRow[Column]
    | null;
};

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
    redrives: row.redrives,
    error: row.error,
    created_at: row.created_at.toISOString(),
    published_at: iso(row.published_at),
    fetching_at: iso(row.fetching_at),
    processing_at: iso(row.processing_at),
    done_at: iso(row.done_at),
    failed_at: iso(row.failed_at),
    last_failed_at: iso(row.last_failed_at),
    trace_parent: row.trace_parent,
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

/** The job of a joined row, and its result when it has one (every result column is NOT NULL). */
export function toJobWithResult(row: JobWithResultRow): { job: Job; result: JobResult | undefined } {
  const result =
    row.result_job_id === null
      ? undefined
      : toResult({
          job_id: row.result_job_id,
          centroid_lat: row.centroid_lat as number,
          centroid_lon: row.centroid_lon as number,
          most_northerly: row.most_northerly as Place,
          places: row.places as Place[],
          created_at: row.result_created_at as Date,
        });
  return { job: toJob(row), result };
}
