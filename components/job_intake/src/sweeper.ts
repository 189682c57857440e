import { type JobQueue, QUEUE_NAMES, type QueueName } from '@mousetrap/job_queue';
import type { Job, UnfinishedStatus } from '@mousetrap/store';
import { currentTraceparent, inSpan, openSpan } from '@mousetrap/tracing';
import { type IntakeDependencies, startMessage } from './submit-job.ts';

/** A stage's time budget unless told otherwise: five minutes, well past the default retry delays. */
export const DEFAULT_STAGE_TIMEOUT_MS = 300_000;

/** Options of {@link startSweeper}. */
export interface SweeperOptions {
  /**
   * A stage's time budget: a handed-off job that made no progress (published, a stage started or
   * started again, unless by a try that was put off, re-driven) for this long is stalled; three
   * times as long while a queue holds a backlog being worked. Longer than the longest retry delay
   * plus a stage's work, or jobs that are only waiting for a retry are re-driven. @default 300000
   */
  stageTimeoutMs?: number;
  /** Re-drives of a stalled job before it is failed. @default 3 */
  maxRedrives?: number;
  /** Time between two sweeps. @default 5000 */
  intervalMs?: number;
  /** Jobs claimed at a time; a sweep goes on while it finds full batches. @default 100 */
  batchSize?: number;
  /** How long a sweep holds the jobs it claimed before another sweeper may take them. @default 10000 */
  claimMs?: number;
  /** Hears of each stalled job re-driven or failed, for metrics. @default undefined */
  onStalled?: (outcome: 'redriven' | 'failed') => void;
}

/** What one sweep did. */
export interface SweepResult {
  redriven: number;
  failed: number;
}

/** A running sweeper. */
export interface Sweeper {
  /** Runs one sweep now. */
  sweep(): Promise<SweepResult>;
  /**
   * Re-drives every handed-off unfinished job at once: for a transport that starts empty (the
   * in-memory one), whose messages a restart lost. Each counts against the job's re-drives, as a
   * broker counts a message's deliveries, so that a job whose work stops the whole process is
   * failed after `maxRedrives` starts instead of stopping it at every start.
   */
  redriveUnfinished(): Promise<SweepResult>;
  /** Stops sweeping and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Why a job is swept: no progress within its budget, or unfinished when the process last stopped. */
type Why = 'stalled' | 'restarted';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Every unfinished stage: the sweeper looks at jobs at each. */
const UNFINISHED: readonly UnfinishedStatus[] = ['queued', 'fetching', 'processing'];

/**
 * How many stage budgets a job must have made no progress for to be swept while a queue holds a
 * backlog being worked: long enough for a job waiting its turn, short enough that a lost message
 * is still recovered under a load that never lets the backlog drain.
 */
const BACKLOG_BUDGETS = 3;

/**
 * The backstop behind every way a handed-off job can hang: a message dead-lettered by the broker,
 * dropped by an in-memory transport, sent to a queue nobody reads, or anything not yet thought
 * of. Each sweep claims jobs with no progress within `stageTimeoutMs` (`for update skip locked`,
 * so sweepers in several API processes share them out) and re-drives each: its start_fetch is
 * published again (the handlers are idempotent, so a duplicate is harmless) and its clock starts
 * again. After `maxRedrives` re-drives, a stalled job is failed with a reason naming its stage.
 */
export function startSweeper(deps: IntakeDependencies, options: SweeperOptions = {}): Sweeper {
  const stageTimeoutMs = options.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS;
  const maxRedrives = options.maxRedrives ?? 3;
  const batchSize = options.batchSize ?? 100;
  const claimMs = options.claimMs ?? 10_000;
  let running: Promise<SweepResult> | undefined;
  let stopped = false;
  // Whether the last sweep could not read the queues (the broker away, a queue unreadable).
  let unreadable = false;

  // When each pipeline queue last had a consumer, as the sweeps saw it: a queue counts as nobody's
  // only after a whole stage budget without one, not for the moment a worker restarts.
  const lastConsumed = new Map<QueueName, number>(QUEUE_NAMES.map((queue) => [queue, Date.now()]));

  /** Publishes the job's start again, counts it and starts its clock; false (logged) if the publish failed. */
  const redrive = async (job: Job, why: Why, stalledForMs: number): Promise<boolean> => {
    const log = deps.logger.child({ job_id: job.id, correlation_id: job.correlation_id });
    try {
      // A span of the job's own trace, linked to the sweep that found the job stalled.
      await inSpan(
        'redrive job',
        {
          parent: job.trace_parent,
          links: [currentTraceparent()],
          attributes: {
            'mousetrap.job_id': job.id,
            'mousetrap.stage': job.status,
            'mousetrap.redrive_reason': why,
          },
        },
        () => deps.queue.publish('start_fetch', startMessage(job, true)),
      );
      await deps.store.noteRedrive(job.id, stalledForMs);
    } catch (error) {
      log.warn('could not re-drive a stalled job; the next sweep tries again', { error: String(error) });
      return false;
    }
    if (why === 'stalled') {
      log.warn('stalled job re-driven', { stage: job.status, redrive: job.redrives + 1, of: maxRedrives });
      options.onStalled?.('redriven');
    }
    return true;
  };

  /** Fails the job, unless it moved meanwhile; answers whether it did. */
  const giveUp = async (job: Job, why: Why, stalledForMs: number): Promise<boolean> => {
    const reason =
      why === 'stalled'
        ? `no progress in ${job.status} for ${seconds(stageTimeoutMs)} after ${job.redrives} re-drives`
        : `unfinished in ${job.status} when the process stopped, again after ${job.redrives} re-drives: its work may be what stops the process`;
    if (!(await deps.store.failStalledJob(job.id, reason, stalledForMs))) return false;
    deps.logger.error(why === 'stalled' ? 'stalled job failed' : 'job unfinished at too many starts failed', {
      job_id: job.id,
      correlation_id: job.correlation_id,
      reason,
    });
    options.onStalled?.('failed');
    return true;
  };

  /** Claims and settles one batch; `full` when it may have left more behind. */
  const sweepBatch = async (stalledForMs: number, why: Why) => {
    // At a start, the claims of the run before are void: that process is gone.
    const jobs = await deps.store.claimStalledJobs(
      stalledForMs,
      batchSize,
      claimMs,
      UNFINISHED,
      why === 'restarted',
    );
    let redriven = 0;
    let failed = 0;
    if (jobs.length === 0) return { redriven, failed, full: false };
    // A sweep that found stalled jobs is a trace of its own, which each job's re-drive links to.
    const span = openSpan('sweep stalled jobs', { parent: null });
    try {
      for (const job of jobs) {
        if (stopped) break;
        if (job.redrives >= maxRedrives) {
          if (await giveUp(job, why, stalledForMs)) failed += 1;
        } else if (await span.run(() => redrive(job, why, stalledForMs))) redriven += 1;
        // The first failed publish means the broker is away: the rest wait for the next sweep.
        else return { redriven, failed, full: false };
      }
    } finally {
      span.end();
    }
    return { redriven, failed, full: jobs.length === batchSize };
  };

  /**
   * Sweeps batch after batch while they come full. `stalledFor` is the budget, read per batch: a
   * pass over every unfinished job uses the time since it began, so that it never takes again a
   * job it re-drove itself.
   */
  const sweepAll = async (stalledFor: () => number, why: Why): Promise<SweepResult> => {
    const total = { redriven: 0, failed: 0 };
    // Swept only while the broker takes messages: a re-drive claimed while it is away would be
    // counted without reaching a worker. Said when sweeping stops and when it resumes.
    const backlog = await backlogWorked(deps.queue, lastConsumed, stageTimeoutMs).then(
      (worked) => {
        if (unreadable) deps.logger.info('the sweeper reads the queues again; sweeping resumes');
        unreadable = false;
        return worked;
      },
      (error: unknown) => {
        if (!unreadable) {
          deps.logger.warn('the sweeper cannot read the queues; no stalled job is swept until it can', {
            error: String(error),
          });
        }
        unreadable = true;
        return undefined;
      },
    );
    if (backlog === undefined) return total;
    // Behind a backlog being worked, a job at any stage may be waiting its turn: only one stalled
    // for BACKLOG_BUDGETS budgets is taken for lost then.
    const budget = () => (backlog ? Math.max(stalledFor(), BACKLOG_BUDGETS * stageTimeoutMs) : stalledFor());
    for (let more = true; more && !stopped; ) {
      const batch = await sweepBatch(budget(), why);
      total.redriven += batch.redriven;
      total.failed += batch.failed;
      more = batch.full;
    }
    return total;
  };

  const sweep = () => {
    running ??= sweepAll(() => stageTimeoutMs, 'stalled').finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (running) return;
    sweep().catch((error: unknown) =>
      deps.logger.warn('sweep for stalled jobs failed; retrying next interval', { error: String(error) }),
    );
  }, options.intervalMs ?? 5000);
  timer.unref();

  return {
    sweep,
    async redriveUnfinished() {
      const began = Date.now();
      const result = await sweepAll(() => Date.now() - began, 'restarted');
      if (result.redriven > 0 || result.failed > 0) {
        deps.logger.info('re-drove the unfinished jobs of an earlier run', { ...result });
      }
      return result;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

/**
 * Whether a queue holds a backlog that consumers are working through: a job at any stage may be
 * waiting its turn in either queue, its clock running while it waits (a queued job in start_fetch,
 * or in data_processing when it was fetched before its fetch start was due to be written; a
 * fetching job in data_processing, or in start_fetch when a failed try's retry or a redelivery went
 * back to its tail; a processing job in data_processing when its retry went back there, or in
 * start_fetch once re-driven). A queue counts while it holds messages and has had a consumer
 * within the last stage budget (`lastConsumed`, updated here); one nobody has consumed for that
 * long is no backlog. Rejects while the broker is away.
 */
async function backlogWorked(
  queue: JobQueue,
  lastConsumed: Map<QueueName, number>,
  stageTimeoutMs: number,
): Promise<boolean> {
  await queue.check();
  const now = Date.now();
  const stats = await queue.stats();
  for (const entry of stats) if (entry.consumers > 0) lastConsumed.set(entry.queue, now);
  return QUEUE_NAMES.some(
    (name) =>
      stats.some((entry) => entry.queue === name && entry.messages > 0) &&
      now - (lastConsumed.get(name) ?? 0) < stageTimeoutMs,
  );
}
