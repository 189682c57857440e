import type { JobQueue, QueueStats } from '@mousetrap/job_queue';
import type { Job, JobResult, MinuteActivity, Store, UnfinishedSummary } from '@mousetrap/store';

/** How many of the newest jobs the dashboard lists. */
export const RECENT_JOBS = 20;

/** How many minutes of throughput the dashboard charts. */
export const ACTIVITY_MINUTES = 15;

/** Everything the dashboard shows at one moment. */
export interface DashboardSnapshot {
  /** When it was read; running stages are timed up to here. */
  now: Date;
  /** The newest jobs, newest first. */
  jobs: Job[];
  /** Jobs done and failed per minute, oldest first. */
  activity: MinuteActivity[];
  /** The broker's queue counts, or undefined when the broker did not answer. */
  queues: QueueStats[] | undefined;
  /** The newest result, if any. */
  latest: JobResult | undefined;
  /** The unfinished jobs, with those that made no progress within `stageTimeoutMs`. */
  unfinished: UnfinishedSummary;
  /** The stage budget the sweeper holds jobs to, in ms. */
  stageTimeoutMs: number;
}

/** What a snapshot is read from. */
export interface SnapshotSources {
  store: Pick<Store, 'recentJobs' | 'activityByMinute' | 'latestResult' | 'unfinishedSummary'>;
  queue: Pick<JobQueue, 'stats'>;
  /** The stage budget the sweeper holds jobs to, in ms. */
  stageTimeoutMs: number;
}

/**
 * Reads the dashboard's data, all at once. A store failure rejects (the page cannot say anything
 * useful without it); a broker that does not answer only blanks the queue counts.
 */
export async function readSnapshot(
  sources: SnapshotSources,
  now: () => Date = () => new Date(),
): Promise<DashboardSnapshot> {
  const [jobs, activity, latest, unfinished, queues] = await Promise.all([
    sources.store.recentJobs(RECENT_JOBS),
    sources.store.activityByMinute(ACTIVITY_MINUTES),
    sources.store.latestResult(),
    sources.store.unfinishedSummary(sources.stageTimeoutMs),
    sources.queue.stats().catch(() => undefined),
  ]);
  return { now: now(), jobs, activity, queues, latest, unfinished, stageTimeoutMs: sources.stageTimeoutMs };
}
