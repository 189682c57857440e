import { randomUUID } from 'node:crypto';
import { createMemoryJobQueue, type Envelope, type JobQueue } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { retryJob } from '../src/retry-job.ts';
import { startMessage } from '../src/submit-job.ts';

const logger = createLogger({ service: 'test', silent: true });

describeWithServices('job_intake retryJob against PostgreSQL', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('retry');
  let store: Store;
  let queue: JobQueue;
  let sql: postgres.Sql;
  const received: Envelope[] = [];

  /** A job that went through fetching and failed there. */
  async function failedJob(correlationId: string): Promise<string> {
    const { job } = await store.createJob({ correlationId });
    await store.markPublished(job.id);
    await store.startStage(job.id, 'fetching');
    await store.failJob(job.id, 'the source failed');
    return job.id;
  }

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema, max: 2 });
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    queue = createMemoryJobQueue();
    await queue.consume('start_fetch', async (message) => {
      received.push(message);
      return undefined;
    });
  });
  afterAll(async () => {
    await queue.close();
    await sql.end({ timeout: 5 });
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  test('retryJob: a failed job is queued again, its error cleared, and handed to start_fetch at once', async () => {
    const jobId = await failedJob('retry-1');
    const retry = await retryJob({ store, queue, logger }, jobId);
    expect(retry).toMatchObject({
      outcome: 'retried',
      published: true,
      job: { id: jobId, status: 'queued', error: null, failed_at: null, fetching_at: null, attempts: 1 },
    });
    const message = await waitFor(() => received.find((m) => m.job_id === jobId), {
      what: 'the start message',
    });
    expect(message).toMatchObject({ type: 'start_fetch', correlation_id: 'retry-1' });
    // Noted before retryJob answers, so that the relay does not publish the reopened job again.
    expect((await store.getJob(jobId))?.published_at).not.toBeNull();
  });

  test('retryJob: its start is stamped with its run’s start on the database’s clock, so the run’s failures apply whatever the API’s clock says', async () => {
    const jobId = await failedJob('retry-clock');
    // PostgreSQL's clock an hour ahead of the API's when the job failed.
    await sql`update ${sql(schema)}.jobs set failed_at = now() + interval '1 hour' where id = ${jobId}`;
    const failedAt = (await store.getJob(jobId))?.failed_at ?? '';
    await retryJob({ store, queue, logger }, jobId);
    const message = await waitFor(() => received.find((m) => m.job_id === jobId), {
      what: 'the start message',
    });
    expect(Date.parse(message.occurred_at)).toBeGreaterThan(Date.parse(failedAt));
    // A message of the run that failed does not fail the new one; the new run's own failure does.
    expect(await store.failJob(jobId, 'the old run', new Date(Date.parse(failedAt) - 1).toISOString())).toBe(
      false,
    );
    expect(await store.failJob(jobId, 'the new run', message.occurred_at)).toBe(true);
    expect(await store.getJob(jobId)).toMatchObject({ status: 'failed', error: 'the new run' });
  });

  test('retryJob: a job that is not failed is left as it is and nothing is published', async () => {
    const { job } = await store.createJob({ correlationId: 'retry-2' });
    await store.startStage(job.id, 'fetching');
    const before = received.length;
    const retry = await retryJob({ store, queue, logger }, job.id);
    expect(retry).toEqual({ outcome: 'not_failed', job: await store.getJob(job.id) });
    expect(retry.outcome === 'not_failed' && retry.job.status).toBe('fetching');
    expect(received).toHaveLength(before);
  });

  test('retryJob: a second retry of the same job starts nothing', async () => {
    const jobId = await failedJob('retry-3');
    expect((await retryJob({ store, queue, logger }, jobId)).outcome).toBe('retried');
    expect((await retryJob({ store, queue, logger }, jobId)).outcome).toBe('not_failed');
  });

  test('retryJob: an unknown job answers unknown', async () => {
    expect(await retryJob({ store, queue, logger }, randomUUID())).toEqual({ outcome: 'unknown' });
  });

  test('retryJob: with the broker down, reopens the job and leaves the hand-off to the relay', async () => {
    const down = createMemoryJobQueue();
    await down.close();
    const jobId = await failedJob('retry-4');
    const failedAt = (await store.getJob(jobId))?.failed_at ?? '';
    const retry = await retryJob({ store, queue: down, logger }, jobId);
    expect(retry).toMatchObject({ outcome: 'retried', published: false, job: { status: 'queued' } });
    const claimed = (await store.claimUnpublishedJobs(0, 1000, 1)).find((job) => job.id === jobId);
    expect(claimed?.last_failed_at).toBe(failedAt);
    // The relay's start of it is one of the new run.
    expect(claimed && Date.parse(startMessage(claimed).occurred_at)).toBeGreaterThan(Date.parse(failedAt));
  });
});
