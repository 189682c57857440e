import type postgres from 'postgres';
import {
  type BatchQueries,
  type Completion,
  createBatchQueries,
  type NewJob,
  type StageStart,
} from './batch-queries.ts';
import { createBatcher } from './batcher.ts';
import { withTimeout } from './call.ts';
import { StoreError, toStoreError } from './errors.ts';
import { isJobId } from './jobs.ts';
import type { ResultQueries } from './results.ts';
import type { Tables } from './tables.ts';
import type { Job, JobResult, ResultInput, Stage, StageOutcome, StageStarts } from './types.ts';

/** The hot path's calls, one job each, that share round trips with the calls made beside them. */
export interface BatchedCalls {
  createJob(input: NewJob): Promise<Job>;
  markPublished(jobId: string): Promise<void>;
  startStage(
    jobId: string,
    stage: Stage,
    startedAt: Date | undefined,
    putOff: boolean,
  ): Promise<StageOutcome>;
  completeJob(jobId: string, result: ResultInput, started?: StageStarts): Promise<boolean>;
  latestResult(): Promise<JobResult | undefined>;
  /** Runs the calls that wait (the lingering published marks) and waits for every batch under way. */
  drain(): Promise<void>;
}

// Enough to take a whole prefetch window, or a burst of requests, in one statement.
const MAX_BATCH = 100;
// Two batches at once: one on the wire while the next gathers, leaving the pool room for the rest.
const CONCURRENCY = 2;
// Published marks wait for each other this long: nobody waits on them (the API answers once the
// broker confirmed), and by the time they run most of their jobs have been started by a worker,
// which marked them already, so one statement ten times a second covers a whole burst.
const MARK_LINGER_MS = 100;
const MAX_MARK_BATCH = 1000;

// A query error may come from one item of a batch (a bad value): retried alone, it fails alone.
// A database that is down or slow would fail every retry too, so those fail the batch at once.
const isolate = (error: unknown) => toStoreError(error, 'batch').code === 'query';

/**
 * Serves each call through a batcher over {@link BatchQueries}: concurrent calls (a worker's
 * prefetch window, the API's requests in flight) become one statement, one commit, one round
 * trip. Each caller still resolves only once its own effect is committed. Each statement has
 * `timeoutMs` to answer, and a call waits at most `timeoutMs` for the batches ahead of it, so that
 * a call costs no timer of its own.
 */
export function createBatchedCalls(
  sql: postgres.Sql,
  tables: Tables,
  results: ResultQueries,
  timeoutMs: number,
): BatchedCalls {
  const batch: BatchQueries = createBatchQueries(sql, tables);
  const byJob = <I extends { jobId: string }>(item: I) => item.jobId;
  // Each kind of call's batches, with their time limits: the callers give up on a statement that
  // has not answered within timeoutMs, while the statement keeps its place until it ends; a call
  // that waited timeoutMs for a place gives up too, without having run.
  const options = (what: string) => ({
    maxSize: MAX_BATCH,
    concurrency: CONCURRENCY,
    isolate,
    bound: <T>(work: Promise<T>) => withTimeout(work, timeoutMs, what),
    waitLimit: {
      ms: timeoutMs,
      error: () =>
        new StoreError('timeout', `${what}: not run: waited ${timeoutMs} ms for the statements ahead of it`),
    },
  });

  const createJob = createBatcher<NewJob, Job>((jobs) => batch.createJobs(jobs), options('createJob'));
  const markPublished = createBatcher<{ jobId: string }, void>(
    async (items) => {
      await batch.markPublished(items.map(byJob));
      return items.map(() => undefined);
    },
    {
      ...options('markPublished'),
      maxSize: MAX_MARK_BATCH,
      concurrency: 1,
      keyOf: byJob,
      lingerMs: MARK_LINGER_MS,
    },
  );
  const startStageIn = (stage: Stage) =>
    createBatcher<StageStart, StageOutcome>((items) => batch.startStages(items, stage), {
      ...options('startStage'),
      keyOf: byJob,
    });
  const startStage = { fetching: startStageIn('fetching'), processing: startStageIn('processing') };
  const completeJob = createBatcher((items: Completion[]) => batch.completeJobs(items), {
    ...options('completeJob'),
    keyOf: byJob,
  });
  // Readers that arrive while a read runs share the next one, which starts after they arrived:
  // never an answer older than the request, and one query for a crowd of them.
  const latestResult = createBatcher<null, JobResult | undefined>(
    async (items) => {
      const latest = await results.latestResult();
      return items.map(() => latest);
    },
    { ...options('latestResult'), maxSize: Number.MAX_SAFE_INTEGER, concurrency: 1, isolate: () => false },
  );
  const batchers = [createJob, markPublished, startStage.fetching, startStage.processing, completeJob];

  return {
    createJob: ({ correlationId, traceParent }) => createJob({ correlationId, traceParent }),
    markPublished: async (jobId) => {
      if (isJobId(jobId)) await markPublished({ jobId });
    },
    startStage: async (jobId, stage, startedAt, putOff) =>
      isJobId(jobId) ? startStage[stage]({ jobId, startedAt, putOff }) : 'unknown',
    completeJob: async (jobId, result, started) =>
      isJobId(jobId) ? completeJob({ jobId, result, started }) : false,
    latestResult: () => latestResult(null),
    drain: async () => {
      await Promise.all(batchers.map((batcher) => batcher.drain()));
    },
  };
}
