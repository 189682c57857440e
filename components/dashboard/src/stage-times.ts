import type { Job } from '@mousetrap/store';

/** Milliseconds a job spent waiting, fetching and processing, and in all; null for a stage it never reached. */
export interface StageTimes {
  queued: number | null;
  fetching: number | null;
  processing: number | null;
  total: number;
}

const ms = (iso: string) => Date.parse(iso);

/**
 * How long a job spent in each stage: a stage lasts from its timestamp to the next stage's, or to
 * the job's end (done or failed), or, while the job is still in it, to `now`.
 */
export function stageTimes(job: Job, now: Date): StageTimes {
  const end = job.done_at ?? job.failed_at ?? now.toISOString();
  const span = (start: string | null, later: readonly (string | null)[]) => {
    if (start === null) return null;
    const stop = later.find((time) => time !== null) ?? end;
    return Math.max(0, ms(stop) - ms(start));
  };
  return {
    queued: span(job.created_at, [job.fetching_at, job.processing_at]),
    fetching: span(job.fetching_at, [job.processing_at]),
    processing: span(job.processing_at, []),
    total: Math.max(0, ms(end) - ms(job.created_at)),
  };
}

/** A duration for people: `420 ms`, `4.2 s`, `3 min 12 s`, `2 h 5 min`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The time of day of an ISO 8601 instant, `HH:MM:SS` in UTC, the zone the logs use. */
export function timeOfDay(iso: string): string {
  return iso.slice(11, 19);
}
