import { randomUUID } from 'node:crypto';
import { describeWithServices, dropSchema, lockTable, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createStore } from '../src/create-store.ts';
import { StoreError } from '../src/errors.ts';
import type { ResultInput, Store } from '../src/types.ts';
import { sampleResult } from './fixtures.ts';

// Concurrent calls share statements; these check that each caller still gets what it would alone.
describeWithServices('store calls made at the same time', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('store');
  let store: Store;

  const newJobs = async (count: number) =>
    Promise.all(Array.from({ length: count }, (_, i) => store.createJob({ correlationId: `b-${i}` })));

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  test('createJob: 50 concurrent calls record 50 distinct queued jobs, each with its correlation id', async () => {
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.createJob({ correlationId: `many-${i}` })),
    );
    expect(new Set(created.map(({ job }) => job.id)).size).toBe(50);
    created.forEach(({ job, created: isNew }, i) => {
      expect(isNew).toBe(true);
      expect(job).toMatchObject({ status: 'queued', correlation_id: `many-${i}`, published_at: null });
    });
    expect(await store.getJob(created[7]?.job.id ?? '')).toEqual(created[7]?.job);
  });

  test('markPublished: concurrent calls mark every job', async () => {
    const jobs = (await newJobs(20)).map(({ job }) => job);
    await Promise.all(jobs.map((job) => store.markPublished(job.id)));
    for (const job of jobs) expect((await store.getJob(job.id))?.published_at).toEqual(expect.any(String));
  });

  test('startStage: concurrent calls on queued, fetching, done and unknown jobs answer as one at a time would', async () => {
    const queued = (await newJobs(10)).map(({ job }) => job.id);
    const fetching = (await newJobs(10)).map(({ job }) => job.id);
    const done = (await newJobs(10)).map(({ job }) => job.id);
    await Promise.all(fetching.map((id) => store.startStage(id, 'fetching')));
    await Promise.all(done.map((id) => store.completeJob(id, sampleResult)));
    const unknown = Array.from({ length: 10 }, () => randomUUID());

    const ids = [...queued, ...fetching, ...done, ...unknown, 'not-a-uuid'];
    const outcomes = await Promise.all(ids.map((id) => store.startStage(id, 'fetching')));

    expect(outcomes).toEqual([
      ...Array(10).fill('started'),
      ...Array(10).fill('repeat'),
      ...Array(10).fill('passed'),
      ...Array(11).fill('unknown'),
    ]);
    expect(await store.getJob(fetching[0] ?? '')).toMatchObject({ status: 'fetching', attempts: 2 });
    expect(await store.getJob(done[0] ?? '')).toMatchObject({ status: 'done', attempts: 0 });
  });

  test('startStage: the same job twice at once is started once and repeated once, counting two attempts', async () => {
    const { job } = await store.createJob({ correlationId: 'b-twice' });
    const outcomes = await Promise.all([
      store.startStage(job.id, 'processing'),
      store.startStage(job.id, 'processing'),
    ]);
    // Either call may come first, as with two deliveries of one message.
    expect(outcomes.sort()).toEqual(['repeat', 'started']);
    expect(await store.getJob(job.id)).toMatchObject({ status: 'processing', attempts: 2 });
  });

  test('completeJob: 30 concurrent jobs, each delivered twice, store one result each and answer true once', async () => {
    const ids = (await newJobs(30)).map(({ job }) => job.id);
    const answers = await Promise.all([...ids, ...ids].map((id) => store.completeJob(id, sampleResult)));
    // Of the two calls for a job, either may store the result; exactly one does.
    ids.forEach((_, i) => {
      expect([answers[i], answers[i + 30]].sort()).toEqual([false, true]);
    });
    for (const id of ids) {
      expect(await store.getJob(id)).toMatchObject({ status: 'done' });
      expect((await store.getJobWithResult(id))?.result).toMatchObject({
        job_id: id,
        centroid: sampleResult.centroid,
      });
    }
  });

  test('completeJob: a result that cannot be stored fails alone; the results called beside it are stored', async () => {
    const [bad, ...good] = (await newJobs(5)).map(({ job }) => job.id) as [string, ...string[]];
    // NaN has no JSON form: it arrives as null, which the not-null column refuses.
    const broken: ResultInput = { ...sampleResult, centroid: [Number.NaN, 0] };
    const outcomes = await Promise.allSettled([
      store.completeJob(bad, broken),
      ...good.map((id) => store.completeJob(id, sampleResult)),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.any(StoreError) });
    expect((outcomes[0] as PromiseRejectedResult).reason.code).toBe('query');
    expect(outcomes.slice(1)).toEqual(Array(4).fill({ status: 'fulfilled', value: true }));
    expect(await store.getJob(bad)).toMatchObject({ status: 'queued' });
    expect((await store.getJobWithResult(bad))?.result).toBeUndefined();
  });

  test('latestResult: a read made after completeJob resolved sees that result, though reads run beside it', async () => {
    const { job } = await store.createJob({ correlationId: 'b-latest' });
    const reading = Array.from({ length: 20 }, () => store.latestResult());
    await store.completeJob(job.id, { ...sampleResult, centroid: [1.5, 2.5] });
    const after = await Promise.all(Array.from({ length: 20 }, () => store.latestResult()));
    await Promise.all(reading);
    for (const latest of after) expect(latest).toMatchObject({ job_id: job.id, centroid: [1.5, 2.5] });
  });

  test('createJob: while the database holds every statement, a call queued behind the batches gives up in its time, and never runs', async () => {
    // Statements wait for the lock far longer than a call waits for them (300 ms).
    const slow = await createStore({
      url: databaseUrl,
      schema,
      callTimeoutMs: 300,
      statementTimeoutMs: 60_000,
    });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const held = await lockTable(databaseUrl, schema, 'jobs');
    try {
      // Two batches, each of one call made in a turn of its own, take both places; the third waits.
      const running = [slow.createJob({ correlationId: 'held-1' })];
      await nextTurn();
      running.push(slow.createJob({ correlationId: 'held-2' }));
      await nextTurn();
      const queued = slow.createJob({ correlationId: 'held-3' });
      for (const call of running) await expect(call).rejects.toMatchObject({ code: 'timeout' });
      await expect(queued).rejects.toMatchObject({
        code: 'timeout',
        message: expect.stringContaining('not run'),
      });
    } finally {
      await held.release();
    }
    // The two statements given up on still commit once the lock is gone; the third never ran.
    await slow.close();
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const rows = await sql`
      select correlation_id from ${sql(schema)}.jobs where correlation_id like 'held-%' order by 1
    `;
    await sql.end();
    expect(rows.map((row) => row.correlation_id)).toEqual(['held-1', 'held-2']);
  });
});
