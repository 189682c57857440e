import type { Delivery } from '@mousetrap/job_queue';
import type { Stage, StageOutcome, Store } from '@mousetrap/store';

/**
 * How long a stage's work runs before its start is written, by default: a stage that ends sooner
 * is recorded once, by the write that ends it, so a fast job may go from `queued` to `done`.
 */
export const STAGE_START_AFTER_MS = 250;

/** What `runStage` came to: the work's value, or why the job is not this stage's to work on. */
export type StageRun<T> =
  | {
      ran: true;
      value: T;
      /** When the work began. */
      startedAt: Date;
      /** What writing the start found, or undefined when the work ended before it was written. */
      start: 'started' | 'repeat' | undefined;
    }
  | { ran: false; start: 'passed' | 'unknown' };

/** How `runStage` runs a job's stage. */
export interface StageRunOptions {
  store: Store;
  jobId: string;
  stage: Stage;
  /**
   * The message's delivery: a retry or a redelivery writes the start before the work, as it needs
   * the job's state (a repeat counted, a job past the stage recognised) before working again.
   */
  delivery: Delivery;
  /** Write the start before the work on a first delivery too (a re-drive). @default false */
  eager?: boolean;
  /** On a first delivery, how long the work runs before its start is written. @default STAGE_START_AFTER_MS */
  startAfterMs?: number | undefined;
}

const isStopping = (outcome: StageOutcome): outcome is 'passed' | 'unknown' =>
  outcome === 'passed' || outcome === 'unknown';

/**
 * Runs a job's stage and records its start. On a retry (a final try put off and made again is
 * one), a redelivery or when `eager`, the start is written first and the work runs only when the
 * job is at or before this stage; a put-off try that finds the job at the stage already is not
 * progress of it, so that a try put off without end leaves its job to the sweeper. On a first
 * delivery the work starts at once, and its start is written only if it outlasts `startAfterMs`:
 * a first delivery that is done sooner costs no write of its own, and the stage's time is written
 * by what ends the job; a try that fails sooner writes it before rejecting, so that every failed
 * try is counted. A job found past the stage or unknown once the start is written is not worked on
 * (the work, begun, is left to end and its value dropped). Rejects when the work or the write fails.
 */
export async function runStage<T>(options: StageRunOptions, work: () => Promise<T>): Promise<StageRun<T>> {
  const { store, jobId, stage, delivery } = options;
  const startedAt = new Date();
  if (options.eager || delivery.attempt > 1 || delivery.redeliveries > 0) {
    const start = await store.startStage(jobId, stage, undefined, { putOff: delivery.putOff ?? false });
    if (isStopping(start)) return { ran: false, start };
    return { ran: true, value: await work(), startedAt, start };
  }
  let start: Promise<StageOutcome> | undefined;
  const timer = setTimeout(() => {
    start = store.startStage(jobId, stage, startedAt);
    // Awaited below once the work ends; a work that fails first leaves this rejection unheard.
    start.catch(() => undefined);
  }, options.startAfterMs ?? STAGE_START_AFTER_MS);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    // A failed try is recorded as one (its attempt counted, its stage shown) before it is retried,
    // as far as the database allows: the work's error is what the caller hears.
    if (start === undefined) await store.startStage(jobId, stage, startedAt).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const outcome = await start;
  if (outcome !== undefined && isStopping(outcome)) return { ran: false, start: outcome };
  return { ran: true, value, startedAt, start: outcome };
}
