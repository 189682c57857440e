import type { QueueStats } from '@mousetrap/job_queue';
import type { Job, JobResult } from '@mousetrap/store';

/** A job as the store returns it; every field can be overridden. */
export function job(fields: Partial<Job> = {}): Job {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    status: 'queued',
    correlation_id: 'corr',
    idempotency_key: null,
    attempts: 0,
    redrives: 0,
    error: null,
    created_at: '2026-11-23T10:00:00.000Z',
    published_at: null,
    fetching_at: null,
    processing_at: null,
    done_at: null,
    failed_at: null,
    last_failed_at: null,
    trace_parent: null,
    ...fields,
  };
}

/** A result of three places, Oslo the most northerly. */
export const RESULT: JobResult = {
  job_id: '11111111-2222-4333-8444-555555555555',
  centroid: [45.5, 5.25],
  most_northerly: ['59.91667', '10.75000', 'Oslo', 'NO', 'Europe/Oslo'],
  places: [
    ['48.86667', '2.33333', 'Paris', 'FR', 'Europe/Paris'],
    ['59.91667', '10.75000', 'Oslo', 'NO', 'Europe/Oslo'],
    ['-33.86667', '151.21667', 'Sydney', 'AU', 'Australia/Sydney'],
  ],
  created_at: '2026-11-23T10:00:03.000Z',
};

/** Queue counts with dead letters on the fetch queue. */
export const QUEUES: QueueStats[] = [
  { queue: 'start_fetch', messages: 3, consumers: 1, deadLetters: 2 },
  { queue: 'data_processing', messages: 0, consumers: 2, deadLetters: 0 },
];
