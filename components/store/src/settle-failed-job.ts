import type { Store } from './types.ts';

/**
 * The fate of a message whose job failed its final attempt, in the shape a job_queue handler
 * answers: dead-lettered once the job is recorded as failed, or tried again later when even that
 * cannot be recorded, so that no job is left unfinished behind a dead letter.
 */
export type FailedJobSettlement = { deadLetter: string } | { retryLater: string };

/** Marks the job failed with `reason` (if it is not done or failed already) and says what becomes of its message. */
export async function settleFailedJob(
  store: Store,
  jobId: string,
  reason: string,
): Promise<FailedJobSettlement> {
  try {
    await store.failJob(jobId, reason);
    return { deadLetter: reason };
  } catch (error) {
    return {
      retryLater: `cannot mark the job failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
