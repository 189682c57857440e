import { createMemoryJobQueue, type Envelope } from '@mousetrap/job_queue';
import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { type RunningApi, startApi } from '../src/server.ts';
import { memoryLogger } from './harness.ts';

describeWithServices('rest_api runs the sweeper and the pipeline watch', ['postgres'], ({ databaseUrl }) => {
  let schema = '';
  let store: Store;
  let sql: postgres.Sql;
  const queue = createMemoryJobQueue();
  const received: Envelope[] = [];
  let api: RunningApi | undefined;

  beforeAll(async () => {
    await queue.consume('start_fetch', async (message) => void received.push(message));
  });
  beforeEach(async () => {
    schema = uniqueName('api_sweep');
    store = await createStore({ url: databaseUrl, schema });
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    received.length = 0;
  });
  afterEach(async () => {
    await api?.stop();
    api = undefined;
    await store.close();
    await sql.end({ timeout: 5 });
    await dropSchema(databaseUrl, schema);
  });
  afterAll(() => queue.close());

  /** A job handed off and left fetching, idle for a minute. */
  const stalledJob = async () => {
    const { job } = await store.createJob({ correlationId: 'stalled' });
    await store.markPublished(job.id);
    await store.startStage(job.id, 'fetching');
    await sql`update ${sql(schema)}.jobs set progress_at = now() - interval '1 minute' where id = ${job.id}`;
    return job.id;
  };

  const start = (options: { redriveOnStart?: boolean; sweepIntervalMs?: number } = {}) =>
    startApi({
      store,
      queue,
      logger: memoryLogger().logger,
      port: 0,
      host: '127.0.0.1',
      graceMs: 1000,
      apiKey: 'a-key-of-16-char',
      stageTimeoutMs: 30_000,
      maxRedrives: 3,
      sweepIntervalMs: 100,
      ...options,
    });
  const metricsOf = async (running: RunningApi) =>
    (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();

  test('a stalled job is re-driven by the API’s sweeper, and /metrics counts it', async () => {
    const jobId = await stalledJob();
    api = await start();

    await waitFor(() => received.some((message) => message.job_id === jobId), { what: 'the re-drive' });
    expect(received.find((message) => message.job_id === jobId)?.payload).toEqual({ redrive: true });
    const running = api;
    await waitFor(
      async () => (await metricsOf(running)).includes('jobs_stalled_total{outcome="redriven"} 1'),
      {
        what: 'the re-drive counted',
      },
    );
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 1 });
  });

  test('/metrics shows the unfinished jobs, the oldest one’s age, the stalled ones and the queues', async () => {
    await stalledJob();
    await store.createJob({ correlationId: 'waiting' });
    // Budget and sweeps far off: the stalled job stays stalled while the watch looks.
    api = await start({ sweepIntervalMs: 60_000 });
    const running = api;
    const text = await waitFor(
      async () => {
        const metrics = await metricsOf(running);
        return metrics.includes('pipeline_unfinished_jobs 2') && metrics;
      },
      { what: 'the watch’s first look' },
    );
    expect(text).toMatch(/^pipeline_stalled_jobs 1$/m);
    const age = Number(/^pipeline_oldest_unfinished_job_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    expect(text).toMatch(/^queue_consumers\{queue="start_fetch"\} 1$/m);
    expect(text).toMatch(/^queue_dead_letters\{queue="data_processing"\} 0$/m);
    expect(text).toMatch(/^deliveries_in_flight 0$/m);
  });

  test('redriveOnStart: every unfinished job is re-driven at start; one no worker held is not counted', async () => {
    const { job } = await store.createJob({ correlationId: 'fresh' });
    await store.markPublished(job.id);
    api = await start({ redriveOnStart: true });

    await waitFor(() => received.some((message) => message.job_id === job.id), { what: 'the re-drive' });
    expect(await store.getJob(job.id)).toMatchObject({ redrives: 0 });
  });

  test('redriveOnStart: a job a worker held counts after a run that died, not after a clean stop', async () => {
    const jobId = await stalledJob();
    // The run before stopped cleanly: nothing counts.
    api = await start({ redriveOnStart: true });
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 0 });
    await store.startStage(jobId, 'fetching');
    await api.stop();
    api = await start({ redriveOnStart: true });
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 0 });
    // This run dies (it never stops): the next start counts the job a worker held.
    await store.startStage(jobId, 'fetching');
    const died = api;
    api = await start({ redriveOnStart: true });
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 1 });
    await died.stop();
  });
});
