import type { Place, Summary } from '@mousetrap/process_data';
import type * as v from 'valibot';
import type { StoreError } from './errors.ts';
import type { JOB_STATUSES, JobSchema } from './job-schema.ts';

/** Where a job is: `queued → fetching → processing → done | failed`. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The statuses of a job that has not ended yet. */
export type UnfinishedStatus = Exclude<JobStatus, 'done' | 'failed'>;

/**
 * What `startStage` found: `started` (moved forward now), `repeat` (already at this stage: a
 * redelivery after a crash, to be done again), `passed` (at a later stage, done or failed) or
 * `unknown` (no such job).
 */
export type StageOutcome = 'started' | 'repeat' | 'passed' | 'unknown';

/** A job as the API shows it; timestamps are ISO 8601 strings, null until the job got there. */
export type Job = v.InferOutput<typeof JobSchema>;

/** A stored result: the summary (`centroid`, `most_northerly`, the seed's shape) plus the places it came from. */
export interface JobResult extends Summary {
  job_id: string;
  places: Place[];
  created_at: string;
}

/** What the processing worker stores when a job is done: the summary and the places it came from. */
export interface ResultInput extends Summary {
  places: readonly Place[];
}

/** A job's stages, the workers move it into. */
export type Stage = 'fetching' | 'processing';

/**
 * When a job's stages began, as the workers saw them: given when the job is done, for the stages
 * whose start was never written (their work ended before it was due).
 */
export type StageStarts = Partial<Record<Stage, Date>>;

/** Jobs that ended in one minute: `minute` is its start (ISO 8601), the counts by `done_at` and `failed_at`. */
export interface MinuteActivity {
  minute: string;
  done: number;
  failed: number;
}

/** The unfinished jobs at one instant: how many, since when the oldest waits, how many stalled. */
export interface UnfinishedSummary {
  /** Jobs queued, fetching or processing. */
  unfinished: number;
  /** When the oldest unfinished job was accepted (ISO 8601), or null when none is unfinished. */
  oldestCreatedAt: string | null;
  /** Handed-off unfinished jobs with no progress within the budget asked about. */
  stalled: number;
}

/** Options of `createStore`. */
export interface StoreOptions {
  /** A PostgreSQL connection URL, of one host or of a primary and its standbys (`postgres://u@h1:5432,h2:5432/db`). */
  url: string;
  /** The schema holding the tables; created if missing. Test runs use their own. @default 'public' */
  schema?: string;
  /** Connections in the pool (1 for PGlite). @default 10 */
  max?: number;
  /** Server-side limit on one statement, in ms. @default 5000 */
  statementTimeoutMs?: number;
  /**
   * Client-side limit on one call, in ms; a call that takes longer fails with code 'timeout'. For
   * the batched calls it bounds their statement, which a call may first wait behind. @default 8000
   */
  callTimeoutMs?: number;
  /** Limit on opening a connection, in seconds. @default 5 */
  connectTimeoutSeconds?: number;
  /** How long `createStore` keeps retrying an unreachable database before it gives up, in ms. @default 30000 */
  startTimeoutMs?: number;
  /** Told about each failed start attempt before the wait for the next one, so the caller can log it. @default undefined */
  onRetry?: (attempt: number, delayMs: number, error: StoreError) => void;
  /** Abandons the start: once aborted, `createStore` stops waiting and rejects with the signal's reason. @default undefined */
  signal?: AbortSignal;
}

/** Jobs and results in PostgreSQL. Every method fails with a `StoreError`. */
export interface Store {
  /**
   * Records a new queued job. With an idempotency key that is already taken, returns that job
   * and `created: false` instead of recording a second one.
   */
  createJob(input: {
    correlationId: string;
    idempotencyKey?: string;
    /** The W3C traceparent the job's trace continues from, when it is traced. */
    traceParent?: string | undefined;
  }): Promise<{ job: Job; created: boolean }>;
  /** Notes that the job's start message was confirmed by the broker. */
  markPublished(jobId: string): Promise<void>;
  /**
   * Moves a job forward to `fetching` or `processing`, or finds it there already, and counts an
   * attempt. Never moves a job back: changes nothing when it is `passed` or `unknown`. The stage's
   * time is `startedAt` (when its work began, if before now), unless the stage has one already.
   * Moving a job, or finding it at the stage again, is progress (the sweeper leaves it alone for a
   * stage budget), except for a try that was `putOff`: found at the stage again, it is not.
   */
  startStage(
    jobId: string,
    stage: Stage,
    startedAt?: Date,
    options?: { putOff?: boolean },
  ): Promise<StageOutcome>;
  /**
   * In one transaction, stores the job's result and marks it done. `started` gives the stages'
   * start times for those not written yet, each counted as an attempt. Returns false and changes
   * nothing when the job already has a result (a duplicate delivery), is failed, or is unknown.
   */
  completeJob(jobId: string, result: ResultInput, started?: StageStarts): Promise<boolean>;
  /**
   * Marks a job failed with a reason, unless it is already done or failed, or `sentAt` (when the
   * run of the message that fails it began, as its start says) is at or before the failure its
   * last retry undid: a message of the run that failed cannot fail the run after it. Returns
   * whether it did.
   */
  failJob(jobId: string, error: string, sentAt?: string): Promise<boolean>;
  /**
   * Gives a failed job another go: back to `queued`, its error and stage times cleared (the time it
   * failed kept aside, see `failJob`), its hand-off unconfirmed, so the outbox relay publishes it
   * again. Returns false (changing nothing) unless the job exists and is `failed`.
   */
  reopenJob(jobId: string): Promise<boolean>;
  /** The job, or undefined when there is none with that id. */
  getJob(jobId: string): Promise<Job | undefined>;
  /** The newest result, or undefined when there is none yet. */
  latestResult(): Promise<JobResult | undefined>;
  /** The job and its result (undefined until it has one) in one round trip; undefined when there is no such job. */
  getJobWithResult(jobId: string): Promise<{ job: Job; result: JobResult | undefined } | undefined>;
  /**
   * Claims up to `limit` jobs recorded more than `olderThanMs` ago whose start message was never
   * confirmed, oldest first, for `claimMs`: until then no other call (another API's relay) gets
   * them, and jobs claimed by another call right now are skipped rather than waited for.
   */
  claimUnpublishedJobs(olderThanMs: number, limit: number, claimMs: number): Promise<Job[]>;
  /**
   * Claims up to `limit` unfinished jobs that were handed off and made no progress (published, a
   * stage started, a re-drive) for `stalledForMs`, least recent progress first, for `claimMs`, as
   * `claimUnpublishedJobs` claims: for the sweeper, to re-drive or fail each. Only jobs at one of
   * `stages` are taken.
   */
  claimStalledJobs(
    stalledForMs: number,
    limit: number,
    claimMs: number,
    stages: readonly UnfinishedStatus[],
  ): Promise<Job[]>;
  /**
   * Notes that a stalled job was re-driven (`redriven_at`): its stage's clock starts again (its
   * claim lapses in its own time) and one is added to its re-drives. Returns false, changing
   * nothing, unless the job is unfinished and still without progress for `stalledForMs`.
   */
  noteRedrive(jobId: string, stalledForMs: number): Promise<boolean>;
  /**
   * For a process that starts alone on its database with a transport that starts empty (npm
   * start's in-memory one): takes up to `limit` unfinished jobs with no progress since `cutoff`
   * (when undefined, the start of this call, on the database's clock: answered as `cutoff`, for
   * the pass's next calls, so that it never takes a job twice), handed off or not and whatever
   * their claim, and notes each re-driven now (its clock started, its hand-off recorded). When
   * `counted` (the run before died), one re-drive is counted against each job a worker held when
   * it died, as a broker counts a delivery that went back unsettled: one whose stage a worker
   * started after its last re-drive (a fast first delivery writes no start, and is not seen; a job
   * that waits in data_processing after a fetch that wrote its start is taken for held). A job
   * whose count reaches `suspectFrom` is claimed until `startRedriveClock`, for its re-drive
   * alone. Returns the jobs with their counts.
   */
  claimAtStart(
    cutoff: string | undefined,
    limit: number,
    options: { counted: boolean; suspectFrom: number },
  ): Promise<{ jobs: Job[]; cutoff: string | undefined }>;
  /**
   * Notes that a job claimed at a start is re-driven now (`redriven_at`), starts its clock and
   * ends its claim; false unless it is unfinished.
   */
  startRedriveClock(jobId: string): Promise<boolean>;
  /**
   * For a process alone on its database: notes that it runs, and answers whether the run before
   * stopped cleanly (`endAloneRun`), or never ran.
   */
  beginAloneRun(): Promise<boolean>;
  /** Notes that the process alone on its database stops cleanly. */
  endAloneRun(): Promise<void>;
  /**
   * Fails a stalled job with a reason, unless it made progress within `stalledForMs` meanwhile or
   * ended; returns whether it did.
   */
  failStalledJob(jobId: string, error: string, stalledForMs: number): Promise<boolean>;
  /** The unfinished jobs now, with those stalled for `stalledForMs`. */
  unfinishedSummary(stalledForMs: number): Promise<UnfinishedSummary>;
  /** The newest `limit` jobs, newest first. */
  recentJobs(limit: number): Promise<Job[]>;
  /**
   * How many jobs were done and failed in each of the last `minutes` minutes, oldest first; the
   * last entry is the current minute, so far.
   */
  activityByMinute(minutes: number): Promise<MinuteActivity[]>;
  /** Resolves when the database answers a trivial query; for readiness checks. */
  ping(): Promise<void>;
  /** Closes the pool, waiting briefly for running queries. */
  close(): Promise<void>;
}
