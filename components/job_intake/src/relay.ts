import { inTrace } from '@mousetrap/tracing';
import { type IntakeDependencies, publishJob } from './submit-job.ts';

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** Time between two sweeps. @default 1000 */
  intervalMs?: number;
  /** A job is re-published only once it has waited this long unconfirmed. @default 5000 */
  olderThanMs?: number;
  /** Jobs read and re-published at a time; a sweep goes on while it finds full batches. @default 100 */
  batchSize?: number;
  /**
   * How long a sweep holds the jobs it claimed before another relay may take them: longer than a
   * batch's publishes take, short enough that jobs left over (a relay that died, a publish that
   * failed mid-batch) wait little for the next sweep. @default 10000
   */
  claimMs?: number;
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
 * Safe to run in every API process: each sweep claims its batch (`for update skip locked`, for
 * `claimMs`), so relays running together share the backlog out instead of all publishing it.
 */
export function startRelay(deps: IntakeDependencies, options: RelayOptions = {}): Relay {
  const intervalMs = options.intervalMs ?? 1000;
  const olderThanMs = options.olderThanMs ?? 5000;
  const batchSize = options.batchSize ?? 100;
  const claimMs = options.claimMs ?? 10_000;
  let running: Promise<number> | undefined;
  let stopped = false;

  /** Hands off one batch; resolves to how many jobs it handed off and whether it stopped short. */
  const handOffBatch = async (): Promise<{ count: number; full: boolean }> => {
    // Claims only while the broker takes messages: a claim made while it is away would hold the
    // jobs back from the sweeps after its return.
    try {
      await deps.queue.check();
    } catch {
      return { count: 0, full: false };
    }
    const jobs = await deps.store.claimUnpublishedJobs(olderThanMs, batchSize, claimMs);
    let count = 0;
    for (const job of jobs) {
      // The first failure means the broker is away: the rest would fail too, so wait for the next sweep.
      // The publish goes on in the job's own trace, from the request that recorded it.
      if (stopped || !(await inTrace(job.trace_parent, () => publishJob(deps, job)))) {
        return { count, full: false };
      }
      count += 1;
    }
    return { count, full: jobs.length === batchSize };
  };

  const sweep = async (): Promise<number> => {
    let handedOff = 0;
    // A full batch handed off means more may wait (the backlog of an outage): take the next at once
    // rather than one batch a sweep, which would hold a backlog of thousands for minutes.
    for (let more = true; more && !stopped; ) {
      const batch = await handOffBatch();
      handedOff += batch.count;
      more = batch.full;
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
