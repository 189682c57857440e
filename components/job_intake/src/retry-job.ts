import type { Job } from '@mousetrap/store';
import { currentTraceparent, inSpan } from '@mousetrap/tracing';
import { type IntakeDependencies, publishJob } from './submit-job.ts';

/**
 * The outcome of {@link retryJob}: `retried` (the job is queued again, handed off now or by the
 * relay later), `not_failed` (the job is queued, running or done: nothing changed) or `unknown`.
 */
export type Retry =
  | { outcome: 'retried'; job: Job; published: boolean }
  | { outcome: 'not_failed'; job: Job }
  | { outcome: 'unknown' };

/**
 * Gives a failed job another go: back to `queued` with its error cleared, then handed to the
 * fetch worker at once, as a new job is; if that publish fails, the relay hands it off later. Only
 * a failed job is reopened, so a second retry, or one of a running job, starts nothing. The hand-off
 * is a span of the job's own trace, linked to the caller's (the retry request).
 */
export async function retryJob(deps: IntakeDependencies, jobId: string): Promise<Retry> {
  if (!(await deps.store.reopenJob(jobId))) {
    const job = await deps.store.getJob(jobId);
    return job ? { outcome: 'not_failed', job } : { outcome: 'unknown' };
  }
  const job = await deps.store.getJob(jobId);
  // Jobs are never deleted, so the row just reopened is there.
  if (!job) throw new Error(`job ${jobId} vanished after it was reopened`);
  deps.logger.info('failed job reopened for a retry', { job_id: job.id, correlation_id: job.correlation_id });
  const published = await inSpan(
    'retry job',
    { parent: job.trace_parent, links: [currentTraceparent()], attributes: { 'mousetrap.job_id': job.id } },
    // A reopened job is old enough for the relay at once: noting the hand-off before answering
    // keeps the relay from publishing it a second time, as it would a new job's lost note.
    () => publishJob(deps, job, 'wait'),
  );
  return { outcome: 'retried', job, published };
}
