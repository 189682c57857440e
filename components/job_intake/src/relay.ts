import { type IntakeDependencies, publishJob } from './submit-job.ts';

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** Time between two sweeps. @default 1000 */
  intervalMs?: number;
  /** A job is re-published only once it has waited this long unconfirmed. @default 5000 */
  olderThanMs?: number;
  /** Jobs re-published per sweep at most. @default 100 */
  batchSize?: number;
}

/** A running relay. */
export interface Relay {
  /** Runs one sweep now; resolves to the number of jobs it handed off. */
  sweep(): Promise<number>;
  /** Stops sweeping and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Re-publishes recorded jobs whose start message was never confirmed (the API died or the
 * broker was away between the commit and the publish). At least once: consumers are idempotent.
 */
export function startRelay(deps: IntakeDependencies, options: RelayOptions = {}): Relay {
  const intervalMs = options.intervalMs ?? 1000;
  const olderThanMs = options.olderThanMs ?? 5000;
  const batchSize = options.batchSize ?? 100;
  let running: Promise<number> | undefined;
  let stopped = false;

  const sweep = async (): Promise<number> => {
    const jobs = await deps.store.unpublishedJobs(olderThanMs, batchSize);
    let handedOff = 0;
    for (const job of jobs) {
      // The first failure means the broker is away: the rest would fail too, so wait for the next sweep.
      if (stopped || !(await publishJob(deps, job))) break;
      handedOff += 1;
    }
    if (handedOff > 0) deps.logger.info('relay handed off unpublished jobs', { count: handedOff });
    return handedOff;
  };

  const tick = () => {
    if (running) return;
    running = sweep()
      .catch((error: unknown) => {
        deps.logger.warn('relay sweep failed; retrying next interval', { error: String(error) });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  return {
    sweep: () => running ?? sweep(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
