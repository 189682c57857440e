import { type Envelope, type HandlerResult, isBrokerOutage } from '@mousetrap/job_queue';
import { type Store, StoreError } from '@mousetrap/store';

/**
 * The fate of a message whose job failed its final attempt, in the shape a job_queue handler
 * answers: dead-lettered once the job is recorded as failed, or tried again later when the
 * database or the broker is what failed, so that an outage never fails a job, nor leaves one
 * unfinished behind a dead letter.
 */
export type FailedJobSettlement = Exclude<HandlerResult, undefined>;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What was away when a call failed because of an outage, not because of the job; undefined otherwise. */
function outageOf(error: unknown): 'database' | 'broker' | undefined {
  if (error instanceof StoreError && (error.code === 'unavailable' || error.code === 'timeout')) {
    return 'database';
  }
  // A queue that does not exist (`unroutable`) is a misconfiguration: the job fails, and says so.
  if (isBrokerOutage(error)) return 'broker';
  return undefined;
}

/**
 * Settles a final attempt of `message` that failed with `error`: when the database or the broker
 * is away (the error is a StoreError `unavailable` or `timeout`, a JobQueueError of a broker away
 * or refusing for now, or marking the job failed fails too), the message is to be tried again
 * later; otherwise the job is marked failed with `${what}: <error>` (unless done or failed
 * already, or retried after the run the message belongs to failed) and the message dead-lettered.
 * Its `occurred_at` is taken for when its run began (a handler whose messages come of a start
 * gives that start's, which says so).
 */
export async function settleFailedJob(
  store: Store,
  message: Pick<Envelope, 'job_id' | 'occurred_at'>,
  what: string,
  error: unknown,
): Promise<FailedJobSettlement> {
  const outage = outageOf(error);
  if (outage) return { retryLater: `the ${outage} is unavailable: ${describe(error)}` };
  const reason = `${what}: ${describe(error)}`;
  try {
    await store.failJob(message.job_id, reason, message.occurred_at);
    return { deadLetter: reason };
  } catch (storeError) {
    return { retryLater: `cannot mark the job failed: ${describe(storeError)}` };
  }
}
