import postgres from 'postgres';
import { createActivityQueries } from './activity.ts';
import { createBatchedCalls } from './batched-calls.ts';
import { runCall } from './call.ts';
import { createJobQueries } from './jobs.ts';
import { migrate } from './migrations.ts';
import { connectionOptions, normaliseOptions } from './options.ts';
import { createResultQueries } from './results.ts';
import { retryWhileUnavailable } from './retry.ts';
import { createStalledQueries } from './stalled.ts';
import { tablesIn } from './tables.ts';
import type { Store, StoreOptions } from './types.ts';

/**
 * Connects to PostgreSQL and brings the schema up to date. While the database cannot be reached
 * it keeps trying, with backoff, for `startTimeoutMs`, then fails with StoreError `unavailable`;
 * a server that refuses the connection (wrong password, no such role or database) fails it at
 * once with StoreError `refused`; once `signal` is aborted it stops at once and rejects with the
 * signal's reason.
 */
export async function createStore(options: StoreOptions): Promise<Store> {
  const valid = normaliseOptions(options);
  const sql = postgres(valid.url, connectionOptions(valid));
  try {
    await retryWhileUnavailable(
      (remainingMs) =>
        runCall('migrate', Math.min(valid.callTimeoutMs, remainingMs), () => migrate(sql, valid.schema)),
      { deadlineMs: valid.startTimeoutMs, onRetry: valid.onRetry, signal: valid.signal },
    );
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw error;
  }

  const tables = tablesIn(sql, valid.schema);
  const jobs = createJobQueries(sql, tables);
  const results = createResultQueries(sql, tables);
  const activity = createActivityQueries(sql, tables);
  const stalled = createStalledQueries(sql, tables);
  const batched = createBatchedCalls(sql, tables, results);
  const call = <T>(what: string, query: () => Promise<T>) => runCall(what, valid.callTimeoutMs, query);

  return {
    createJob: (input) =>
      call('createJob', async () =>
        input.idempotencyKey === undefined
          ? { job: await batched.createJob(input.correlationId), created: true }
          : jobs.createKeyedJob({ ...input, idempotencyKey: input.idempotencyKey }),
      ),
    markPublished: (jobId) => call('markPublished', () => batched.markPublished(jobId)),
    startStage: (jobId, stage) => call('startStage', () => batched.startStage(jobId, stage)),
    completeJob: (jobId, result) => call('completeJob', () => batched.completeJob(jobId, result)),
    failJob: (jobId, error) => call('failJob', () => jobs.failJob(jobId, error)),
    reopenJob: (jobId) => call('reopenJob', () => jobs.reopenJob(jobId)),
    getJob: (jobId) => call('getJob', () => jobs.getJob(jobId)),
    latestResult: () => call('latestResult', () => batched.latestResult()),
    getJobWithResult: (jobId) => call('getJobWithResult', () => jobs.getJobWithResult(jobId)),
    claimUnpublishedJobs: (olderThanMs, limit, claimMs) =>
      call('claimUnpublishedJobs', () => jobs.claimUnpublishedJobs(olderThanMs, limit, claimMs)),
    claimStalledJobs: (stalledForMs, limit, claimMs, stages) =>
      call('claimStalledJobs', () => stalled.claimStalledJobs(stalledForMs, limit, claimMs, stages)),
    noteRedrive: (jobId, counted, stalledForMs) =>
      call('noteRedrive', () => stalled.noteRedrive(jobId, counted, stalledForMs)),
    failStalledJob: (jobId, error, stalledForMs) =>
      call('failStalledJob', () => stalled.failStalledJob(jobId, error, stalledForMs)),
    unfinishedSummary: (stalledForMs) =>
      call('unfinishedSummary', () => stalled.unfinishedSummary(stalledForMs)),
    recentJobs: (limit) => call('recentJobs', () => activity.recentJobs(limit)),
    activityByMinute: (minutes) => call('activityByMinute', () => activity.activityByMinute(minutes)),
    ping: () =>
      call('ping', async () => {
        await sql`select 1`;
      }),
    close: () => sql.end({ timeout: 5 }),
  };
}
