import postgres from 'postgres';
import { createActivityQueries } from './activity.ts';
import { createBatchedCalls } from './batched-calls.ts';
import { runCall, withTimeout } from './call.ts';
import { isReadOnly } from './errors.ts';
import { withHostsTurned } from './hosts.ts';
import { createJobQueries } from './jobs.ts';
import { migrate } from './migrations.ts';
import { connectionOptions, normaliseOptions, type ValidStoreOptions } from './options.ts';
import { createResultQueries } from './results.ts';
import { retryWhileUnavailable } from './retry.ts';
import { createStalledQueries } from './stalled.ts';
import { tablesIn } from './tables.ts';
import type { Store, StoreOptions } from './types.ts';

/** One pool and the queries over it. */
function openPool(url: string, valid: ValidStoreOptions) {
  const sql = postgres(url, connectionOptions(valid));
  const tables = tablesIn(sql, valid.schema);
  const results = createResultQueries(sql, tables);
  return {
    sql,
    jobs: createJobQueries(sql, tables),
    results,
    activity: createActivityQueries(sql, tables),
    stalled: createStalledQueries(sql, tables),
    batched: createBatchedCalls(sql, tables, results, valid.callTimeoutMs),
  };
}

type Pool = ReturnType<typeof openPool>;

/**
 * Connects to PostgreSQL and brings the schema up to date. While the database cannot be reached
 * it keeps trying, with backoff, for `startTimeoutMs`, then fails with StoreError `unavailable`;
 * a server that refuses the connection (wrong password, no such role or database) fails it at
 * once with StoreError `refused`; once `signal` is aborted it stops at once and rejects with the
 * signal's reason.
 *
 * The URL may list a primary and its standbys (`postgres://h1:5432,h2:5432/db?target_session_attrs=read-write`):
 * a write that lands on a standby fails with StoreError `unavailable`, and the pool is replaced
 * by one that tries the hosts from the next one on, so that the writes after it find the
 * primary, the one a failover promoted included.
 */
export async function createStore(options: StoreOptions): Promise<Store> {
  const valid = normaliseOptions(options);
  let turns = 0;
  let pool = openPool(valid.url, valid);
  const ending = new Set<Promise<void>>();
  // Calls under way on the old pool finish there (on a standby, with the same error).
  const replace = (failed: Pool) => {
    if (failed !== pool) return;
    turns += 1;
    pool = openPool(withHostsTurned(valid.url, turns), valid);
    const end = failed.sql.end({ timeout: 5 }).finally(() => ending.delete(end));
    ending.add(end);
  };
  const onPool = <T>(what: string, timeoutMs: number | undefined, query: (pool: Pool) => Promise<T>) => {
    const used = pool;
    return runCall(what, timeoutMs, () => query(used)).catch((error: unknown) => {
      if (isReadOnly(error)) replace(used);
      throw error;
    });
  };
  try {
    await retryWhileUnavailable(
      (remainingMs) =>
        onPool('migrate', Math.min(valid.callTimeoutMs, remainingMs), ({ sql }) =>
          migrate(sql, valid.schema),
        ),
      { deadlineMs: valid.startTimeoutMs, onRetry: valid.onRetry, signal: valid.signal },
    );
  } catch (error) {
    await Promise.all([pool.sql.end({ timeout: 0 }), ...ending]);
    throw error;
  }

  const call = <T>(what: string, query: (pool: Pool) => Promise<T>) =>
    onPool(what, valid.callTimeoutMs, query);
  // The batched calls' statements have the time limit; a call adds no timer of its own.
  const batchedCall = <T>(what: string, query: (batched: Pool['batched']) => Promise<T>) =>
    onPool(what, undefined, ({ batched }) => query(batched));

  return {
    createJob: ({ idempotencyKey, ...input }) =>
      idempotencyKey === undefined
        ? batchedCall('createJob', async (batched) => ({
            job: await batched.createJob(input),
            created: true,
          }))
        : call('createJob', ({ jobs }) => jobs.createKeyedJob({ ...input, idempotencyKey })),
    markPublished: (jobId) => batchedCall('markPublished', (batched) => batched.markPublished(jobId)),
    startStage: (jobId, stage, startedAt, options) =>
      batchedCall('startStage', (batched) =>
        batched.startStage(jobId, stage, startedAt, options?.putOff ?? false),
      ),
    completeJob: (jobId, result, started) =>
      batchedCall('completeJob', (batched) => batched.completeJob(jobId, result, started)),
    failJob: (jobId, error, sentAt) => call('failJob', ({ jobs }) => jobs.failJob(jobId, error, sentAt)),
    reopenJob: (jobId) => call('reopenJob', ({ jobs }) => jobs.reopenJob(jobId)),
    getJob: (jobId) => call('getJob', ({ jobs }) => jobs.getJob(jobId)),
    latestResult: () => batchedCall('latestResult', (batched) => batched.latestResult()),
    getJobWithResult: (jobId) => call('getJobWithResult', ({ jobs }) => jobs.getJobWithResult(jobId)),
    claimUnpublishedJobs: (olderThanMs, limit, claimMs) =>
      call('claimUnpublishedJobs', ({ jobs }) => jobs.claimUnpublishedJobs(olderThanMs, limit, claimMs)),
    claimStalledJobs: (stalledForMs, limit, claimMs, stages) =>
      call('claimStalledJobs', ({ stalled }) =>
        stalled.claimStalledJobs(stalledForMs, limit, claimMs, stages),
      ),
    noteRedrive: (jobId, stalledForMs) =>
      call('noteRedrive', ({ stalled }) => stalled.noteRedrive(jobId, stalledForMs)),
    failStalledJob: (jobId, error, stalledForMs) =>
      call('failStalledJob', ({ stalled }) => stalled.failStalledJob(jobId, error, stalledForMs)),
    claimAtStart: (cutoff, limit, options) =>
      call('claimAtStart', ({ stalled }) => stalled.claimAtStart(cutoff, limit, options)),
    startRedriveClock: (jobId) =>
      call('startRedriveClock', ({ stalled }) => stalled.startRedriveClock(jobId)),
    beginAloneRun: () => call('beginAloneRun', ({ stalled }) => stalled.beginAloneRun()),
    endAloneRun: () => call('endAloneRun', ({ stalled }) => stalled.endAloneRun()),
    unfinishedSummary: (stalledForMs) =>
      call('unfinishedSummary', ({ stalled }) => stalled.unfinishedSummary(stalledForMs)),
    recentJobs: (limit) => call('recentJobs', ({ activity }) => activity.recentJobs(limit)),
    activityByMinute: (minutes) =>
      call('activityByMinute', ({ activity }) => activity.activityByMinute(minutes)),
    ping: () =>
      call('ping', async ({ sql }) => {
        await sql`select 1`;
      }),
    close: async () => {
      // The marks still lingering are written first (a lost one would have the relay publish its
      // job again), for as long as a call may take: a database that is away does not hold the stop.
      await withTimeout(pool.batched.drain(), valid.callTimeoutMs, 'close').catch(() => undefined);
      await Promise.all([pool.sql.end({ timeout: 5 }), ...ending]);
    },
  };
}
