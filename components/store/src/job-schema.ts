import * as v from 'valibot';

/**
 * Where a job can be, in the order it moves: `queued → fetching → processing → done | failed`. A
 * job may skip a stage's state (its start was not written), never go back.
 */
export const JOB_STATUSES = ['queued', 'fetching', 'processing', 'done', 'failed'] as const;

const instant = v.pipe(v.string(), v.isoTimestamp());
const reached = (when: string) =>
  v.pipe(v.nullable(instant), v.description(`When the job ${when}; null until then.`));

/**
 * A job as the store returns it and the API shows it; timestamps are ISO 8601 strings, null until
 * the job got there. The schema the HTTP contract (its OpenAPI document) is derived from.
 */
export const JobSchema = v.object({
  id: v.pipe(v.string(), v.uuid()),
  status: v.picklist(JOB_STATUSES),
  correlation_id: v.string(),
  idempotency_key: v.nullable(v.string()),
  attempts: v.pipe(v.number(), v.integer(), v.description('Stages started, repeats included.')),
  redrives: v.pipe(
    v.number(),
    v.integer(),
    v.description(
      'How often the job was re-driven after it made no progress within its stage’s time budget.',
    ),
  ),
  error: v.pipe(v.nullable(v.string()), v.description('Why the job failed.')),
  created_at: instant,
  published_at: v.pipe(
    v.nullable(instant),
    v.description(
      'When the hand-off of the job to the fetch worker was recorded: noted in the background after the broker confirmed its start message, or by the worker that started it, so it may come after `fetching_at`; null until then.',
    ),
  ),
  fetching_at: reached('started fetching'),
  processing_at: reached('started processing'),
  done_at: reached('finished'),
  failed_at: reached('failed'),
  last_failed_at: v.pipe(
    v.nullable(instant),
    v.description(
      'When the job last failed before a retry (`POST /jobs/{id}/retry`) ran it again; null if it never was.',
    ),
  ),
  trace_parent: v.pipe(
    v.nullable(v.string()),
    v.description(
      'The W3C traceparent of the request that started the job, when tracing was on; its trace id names the job’s trace.',
    ),
  ),
});
