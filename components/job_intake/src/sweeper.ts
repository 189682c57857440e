import { setTimeout as sleep } from 'node:timers/promises';
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
   * Re-drives every unfinished job at once, handed off or not: for a process alone on its
   * database with a transport that starts empty (npm start's in-memory one), whose messages the
   * stop lost. It notes that this process runs (`stop` notes its clean stop) and, when the run
   * before died rather than stopped cleanly, a job a worker held then has the re-drive counted, as
   * a broker counts a delivery that went back unsettled, and is failed instead once held at more
   * than `maxRedrives` deaths: a job whose work kills the whole process ends, and the process runs
   * on. Jobs held at two deaths or more are re-driven one at a
   * time after the pass, each once the one before ended or had a stage budget, so that a job whose
   * work kills the process is not held with the others it was held with before; the sweeps leave
   * them to it. No sweep runs during the pass.
   */
  redriveUnfinished(): Promise<SweepResult>;
  /** Stops sweeping, waits for a sweep in progress and, after `redriveUnfinished`, notes the clean stop. */
  stop(): Promise<void>;
}

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
 * From how many re-drives a job re-driven at a start is a suspect: one a worker held at two deaths
 * of the process or more. Suspects are re-driven one at a time, each once the one before has
 * ended or had a stage budget, so that the one whose work kills the process is not held with the
 * others when it does, and only its count runs out.
 */
const SUSPECT_FROM = 2;

/** How often a suspect re-driven alone is looked at to see whether it has ended. */
const SUSPECT_POLL_MS = 100;

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
  let isolating: Promise<void> | undefined;
  // Whether redriveUnfinished noted that this process, alone on its database, runs.
  let alone = false;
  // Aborted by stop: ends the passes and loops, and cuts their waits short.
  const stopping = new AbortController();
  const stopped = stopping.signal;
  // Whether the last sweep could not read the queues (the broker away, a queue unreadable).
  let unreadable = false;

  // When each pipeline queue last had a consumer, as the sweeps saw it: a queue counts as nobody's
  // only after a whole stage budget without one, not for the moment a worker restarts.
  const lastConsumed = new Map<QueueName, number>(QUEUE_NAMES.map((queue) => [queue, Date.now()]));

  /**
   * Publishes the job's start again; for a stalled job (`stalledForMs` given), starts its clock and
   * counts the re-drive (a re-drive at a start was noted as its job was claimed). False (logged)
   * if the publish failed.
   */
  const redrive = async (job: Job, stalledForMs?: number): Promise<boolean> => {
    const counted = stalledForMs !== undefined;
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
            'mousetrap.counted': counted,
          },
        },
        () => deps.queue.publish('start_fetch', startMessage(job, true)),
      );
      if (counted) await deps.store.noteRedrive(job.id, stalledForMs);
    } catch (error) {
      log.warn('could not re-drive a stalled job; the next sweep tries again', { error: String(error) });
      return false;
    }
    if (counted) {
      log.warn('stalled job re-driven', { stage: job.status, redrive: job.redrives + 1, of: maxRedrives });
      options.onStalled?.('redriven');
    }
    return true;
  };

  /** Fails the job, unless it moved meanwhile; answers whether it did. */
  const giveUp = async (job: Job): Promise<boolean> => {
    const reason = `no progress in ${job.status} for ${seconds(stageTimeoutMs)} after ${job.redrives} re-drives`;
    if (!(await deps.store.failStalledJob(job.id, reason, stageTimeoutMs))) return false;
    deps.logger.error('stalled job failed', { job_id: job.id, correlation_id: job.correlation_id, reason });
    options.onStalled?.('failed');
    return true;
  };

  /** Fails a job a worker held at more deaths than `maxRedrives` allow; answers whether it did. */
  const giveUpAtStart = async (job: Job): Promise<boolean> => {
    const reason = `unfinished in ${job.status}, in a worker, when the process stopped ${job.redrives} times: its work may be what stops the process`;
    if (!(await deps.store.failJob(job.id, reason))) return false;
    deps.logger.error('job held at too many deaths failed', {
      job_id: job.id,
      correlation_id: job.correlation_id,
      reason,
    });
    return true;
  };

  /**
   * Re-drives the suspects of a start one after the other, each once the one before has ended
   * (done or failed) or had a stage budget; ends when the sweeper stops.
   */
  const redriveOneAtATime = async (suspects: readonly Job[]): Promise<void> => {
    for (const job of suspects) {
      if (stopped.aborted) return;
      const now = await deps.store.getJob(job.id).catch(() => undefined);
      if (now?.status === 'done' || now?.status === 'failed') continue;
      // As it is now, retried perhaps since it was claimed: its start says which run it is of.
      const current = now ?? job;
      // Its turn: published, tried again while the transport refuses; its clock starts and the
      // sweeps may take it from here. The re-drive is noted before each try, so that a worker that
      // starts the job at once is seen to have held it, and no sweep takes it while a try is due.
      for (let sent = false; !sent && !stopped.aborted; ) {
        await deps.store.startRedriveClock(job.id).catch(() => false);
        sent = await redrive(current);
        if (!sent) await sleep(SUSPECT_POLL_MS * 10, undefined, { signal: stopped }).catch(() => {});
      }
      if (stopped.aborted) return;
      const deadline = Date.now() + stageTimeoutMs;
      while (!stopped.aborted && Date.now() < deadline) {
        const latest = await deps.store.getJob(job.id).catch(() => undefined);
        if (latest?.status === 'done' || latest?.status === 'failed') break;
        await sleep(SUSPECT_POLL_MS, undefined, { signal: stopped }).catch(() => {});
      }
    }
  };

  /** Claims and settles one batch; `full` when it may have left more behind. */
  const sweepBatch = async (stalledForMs: number) => {
    const jobs = await deps.store.claimStalledJobs(stalledForMs, batchSize, claimMs, UNFINISHED);
    let redriven = 0;
    let failed = 0;
    if (jobs.length === 0) return { redriven, failed, full: false };
    // A sweep that found stalled jobs is a trace of its own, which each job's re-drive links to.
    const span = openSpan('sweep stalled jobs', { parent: null });
    try {
      for (const job of jobs) {
        if (stopped.aborted) break;
        if (job.redrives >= maxRedrives) {
          if (await giveUp(job)) failed += 1;
        } else if (await span.run(() => redrive(job, stalledForMs))) redriven += 1;
        // The first failed publish means the broker is away: the rest wait for the next sweep.
        else return { redriven, failed, full: false };
      }
    } finally {
      span.end();
    }
    return { redriven, failed, full: jobs.length === batchSize };
  };

  /** Sweeps batch after batch while they come full. */
  const sweepAll = async (): Promise<SweepResult> => {
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
    const budget = backlog ? BACKLOG_BUDGETS * stageTimeoutMs : stageTimeoutMs;
    for (let more = true; more && !stopped.aborted; ) {
      const batch = await sweepBatch(budget);
      total.redriven += batch.redriven;
      total.failed += batch.failed;
      more = batch.full;
    }
    return total;
  };

  const sweep = () => {
    running ??= sweepAll().finally(() => {
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
    redriveUnfinished() {
      const pass = (async () => {
        // Counted only when the run before died: a clean stop's cut-off work is no job's fault.
        const counted = !(await deps.store.beginAloneRun());
        alone = true;
        const total = { redriven: 0, failed: 0 };
        const suspects: Job[] = [];
        // Batch after batch, each taking jobs with no progress since the pass began: never one it
        // re-drove itself.
        let cutoff: string | undefined;
        for (let more = true; more && !stopped.aborted; ) {
          const batch = await deps.store.claimAtStart(cutoff, batchSize, {
            counted,
            suspectFrom: SUSPECT_FROM,
          });
          cutoff = batch.cutoff;
          const { jobs } = batch;
          more = jobs.length === batchSize;
          if (jobs.length === 0) break;
          const span = openSpan('sweep stalled jobs', { parent: null });
          try {
            for (const job of jobs) {
              if (stopped.aborted) break;
              if (job.redrives > maxRedrives) {
                if (await giveUpAtStart(job)) total.failed += 1;
              } else if (job.redrives >= SUSPECT_FROM) suspects.push(job);
              else if (await span.run(() => redrive(job))) total.redriven += 1;
              // Their clocks started as they were claimed: the sweeps re-drive them after a budget.
              else more = false;
            }
          } finally {
            span.end();
          }
        }
        if (total.redriven > 0 || total.failed > 0 || suspects.length > 0) {
          deps.logger.info('re-drove the unfinished jobs of an earlier run', {
            ...total,
            one_at_a_time: suspects.length,
          });
        }
        if (suspects.length > 0) {
          const before = isolating;
          isolating = (async () => {
            await before;
            await redriveOneAtATime(suspects);
          })();
        }
        return { redriven: total.redriven + suspects.length, failed: total.failed };
      })();
      // The timer's sweeps wait for it.
      running = pass.finally(() => {
        running = undefined;
      });
      return running;
    },
    async stop() {
      stopping.abort();
      clearInterval(timer);
      await running?.catch(() => {});
      await isolating;
      if (alone) {
        await deps.store.endAloneRun().catch((error: unknown) =>
          deps.logger.warn('could not note the clean stop: the next start counts what it re-drives', {
            error: String(error),
          }),
        );
      }
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
