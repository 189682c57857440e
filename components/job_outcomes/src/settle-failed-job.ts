import type { HandlerResult } from '@mousetrap/job_queue';
import { type Store, StoreError } from '@mousetrap/store';

/**
 * The fate of a message whose job failed its final attempt, in the shape a job_queue handler
 * answers: dead-lettered once the job is recorded as failed, or tried again later when the
 * database is what failed, so that an outage never fails a job, nor leaves one unfinished behind
 * a dead letter.
 */
export type FailedJobSettlement = Exclude<HandlerResult, undefined>;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** True for a store call that failed because the database is away or too slow, not because of the job. */
const isOutage = (error: unknown) =>
  error instanceof StoreError && (error.code === 'unavailable' || error.code === 'timeout');

/**
 * Settles a final attempt that failed with `error`: when the database is away (the error is a
 * StoreError `unavailable` or `timeout`, or marking the job failed fails too), the message is to
 * be tried again later; otherwise the job is marked failed with `${what}: <error>` (unless done or
 * failed already) and the message dead-lettered.
 */
export async function settleFailedJob(
  store: Store,
  jobId: string,
  what: string,
  error: unknown,
): Promise<FailedJobSettlement> {
  if (isOutage(error)) return { retryLater: `the database is unavailable: ${describe(error)}` };
  const reason = `${what}: ${describe(error)}`;
  try {
    await store.failJob(jobId, reason);
    return { deadLetter: reason };
  } catch (storeError) {
    return { retryLater: `cannot mark the job failed: ${describe(storeError)}` };
  }
}
