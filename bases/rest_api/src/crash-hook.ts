import type { JobQueue } from '@mousetrap/job_queue';
import { dieNow } from '@mousetrap/lifecycle';
import type { Logger } from '@mousetrap/log';
import type { Job } from '@mousetrap/store';

/**
 * The fault suite's hook (TEST_CRASH_AFTER_COMMIT): with probability `rate`, kills the process
 * right after a job is recorded and before it is published, the gap the outbox relay must cover.
 * `crash` is how it dies: SIGKILL, so that nothing is flushed or closed on the way out, after a last
 * line that says what it had in flight: the job itself, and the publishes `queue` awaits a confirm for.
 * Undefined (no hook) when `rate` is 0.
 */
export function crashAfterCommit(
  rate: number,
  logger: Logger,
  queue: Pick<JobQueue, 'inFlight'>,
  crash: (lastLine: Record<string, unknown>) => void = dieNow,
  random: () => number = Math.random,
): ((job: Job) => void) | undefined {
  if (rate <= 0) return undefined;
  logger.warn('TEST_CRASH_AFTER_COMMIT is set: this process will kill itself between commit and publish', {
    rate,
  });
  return (job) => {
    if (random() >= rate) return;
    crash({
      level: 'warn',
      message: 'TEST_CRASH_AFTER_COMMIT: crashing after recording a job, before publishing it',
      job_id: job.id,
      publishes_unconfirmed: queue.inFlight().publishes,
    });
  };
}
