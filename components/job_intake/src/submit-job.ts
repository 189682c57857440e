import { createEnvelope, type Envelope, isOverloaded, type JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Job, Store } from '@mousetrap/store';
import { currentTraceparent, inSpan } from '@mousetrap/tracing';

/** What accepting a job needs. */
export interface IntakeDependencies {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  /**
   * Called after a new job is recorded and before it is published: a test hook, which the fault
   * suite uses to crash the API in exactly that gap. @default undefined
   */
  afterCommit?: ((job: Job) => void) | undefined;
}

/** The outcome of {@link submitJob}: the job, whether this call created it, whether it is handed off. */
export interface Submission {
  job: Job;
  created: boolean;
  /**
   * For a job this call created, whether the broker confirmed its start message; for one recorded
   * earlier (the same idempotency key), whether its hand-off is noted, which happens in the
   * background within a fraction of a second of the publish.
   */
  published: boolean;
}

/**
 * Records a job and hands it to the fetch worker. The job is durable once this resolves: a
 * failure to record it rejects (with the store's error), while a failure to publish is only
 * logged, because the relay publishes every recorded job whose hand-off was never confirmed.
 * An overloaded broker (blocking publishers, or the window of unconfirmed publishes full) rejects
 * with its JobQueueError (`blocked` or `busy`) before anything is recorded, so that callers are
 * told to come back rather than the backlog growing without bound. The job keeps the current
 * span's trace context (the request's), so that the relay and the re-drives continue its trace.
 */
export async function submitJob(
  deps: IntakeDependencies,
  input: { correlationId: string; idempotencyKey?: string },
): Promise<Submission> {
  await refuseWhenOverloaded(deps.queue);
  const traceParent = currentTraceparent();
  const { job, created } = await inSpan(
    'insert job',
    { attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'insert' } },
    () => deps.store.createJob({ ...input, traceParent }),
  );
  if (!created) return { job, created, published: job.published_at !== null };
  deps.afterCommit?.(job);
  const published = await publishJob(deps, job);
  return { job, created, published };
}

/** Rethrows the transport's check when it says overloaded; a broker that is away is the relay's business. */
async function refuseWhenOverloaded(queue: JobQueue): Promise<void> {
  try {
    await queue.check();
  } catch (error) {
    if (isOverloaded(error)) throw error;
  }
}

/**
 * Publishes a recorded job's start message; returns false (logged) if that failed. A broker known
 * to be away is not waited for: the relay hands the job off once it is back. The job is noted as
 * published in the background, many jobs a statement, and nobody waits for the note unless
 * `note` is `wait`: one that is lost (the database away, the API killed first) only has the relay
 * publish the job again, a duplicate the workers skip once the job is past their stage, or do
 * again and store nothing.
 */
export async function publishJob(
  deps: IntakeDependencies,
  job: Job,
  note: 'background' | 'wait' = 'background',
): Promise<boolean> {
  try {
    await deps.queue.check();
    await deps.queue.publish('start_fetch', startMessage(job));
  } catch (error) {
    deps.logger.warn('job recorded but not handed off yet; the relay will retry', {
      job_id: job.id,
      correlation_id: job.correlation_id,
      error: String(error),
    });
    return false;
  }
  // The note holds on to no more than the ids while it waits for its batch.
  const about = { job_id: job.id, correlation_id: job.correlation_id };
  const noted = deps.store.markPublished(job.id).catch((error: unknown) => {
    deps.logger.debug('could not note a job as published; the relay will publish it again', {
      ...about,
      error: String(error),
    });
  });
  if (note === 'wait') await noted;
  return true;
}

/**
 * A job's start_fetch message. A re-drive says so (`{ redrive: true }`), which lets the fetch
 * worker fetch again for a job stalled in processing, whose data_processing message carried the
 * places it has no other copy of. Its `occurred_at` is when the job's run began, on the database's
 * clock, whoever sends it (the API, the relay, a re-drive): the job's creation, or the millisecond
 * after the failure a retry undid. A failure applies only to a run begun after the job's last one
 * (`failJob`), so this holds whatever the sender's clock says.
 */
export function startMessage(job: Job, redrive = false): Envelope {
  return createEnvelope({
    type: 'start_fetch',
    jobId: job.id,
    correlationId: job.correlation_id,
    payload: redrive ? { redrive: true } : {},
    now:
      job.last_failed_at === null ? new Date(job.created_at) : new Date(Date.parse(job.last_failed_at) + 1),
  });
}
