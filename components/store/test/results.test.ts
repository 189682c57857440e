import { randomUUID } from 'node:crypto';
import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import { createStore } from '../src/create-store.ts';
import type { ResultInput, Store } from '../src/types.ts';
import { sampleResult } from './fixtures.ts';

const second: ResultInput = {
  centroid: [-33.9, 18.4],
  most_northerly: ['-33.9', '18.4', 'Cape Town', 'ZA', 'Africa/Johannesburg'],
  places: [['-33.9', '18.4', 'Cape Town', 'ZA', 'Africa/Johannesburg']],
};

describeWithServices('store results', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('store');
  let store: Store;

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
  });

  afterAll(async () => {
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  // Runs first: the schema is fresh and holds no result yet.
  test('latestResult: with no result stored, resolves undefined', async () => {
    expect(await store.latestResult()).toBeUndefined();
  });

  test('completeJob: stores the result, marks the job done and answers true', async () => {
    const { job } = await store.createJob({ correlationId: 'r-1' });
    await store.startStage(job.id, 'processing');
    expect(await store.completeJob(job.id, sampleResult)).toBe(true);
    expect(await store.getJob(job.id)).toMatchObject({
      status: 'done',
      error: null,
      done_at: expect.any(String),
    });
    expect(await store.latestResult()).toEqual({
      job_id: job.id,
      centroid: [50.5, 10.25],
      most_northerly: sampleResult.most_northerly,
      places: sampleResult.places,
      created_at: expect.stringMatching(/Z$/),
    });
  });

  test('completeJob: writes the stage times given for stages never started, each an attempt, and keeps those written', async () => {
    const fetchingAt = new Date(Date.now() - 2000);
    const processingAt = new Date(Date.now() - 1000);
    const { job: queued } = await store.createJob({ correlationId: 'r-fast' });
    const { job: processing } = await store.createJob({ correlationId: 'r-slow' });
    await store.startStage(processing.id, 'processing');
    const written = (await store.getJob(processing.id))?.processing_at;

    for (const { id } of [queued, processing]) {
      expect(
        await store.completeJob(id, sampleResult, { fetching: fetchingAt, processing: processingAt }),
      ).toBe(true);
    }

    expect(await store.getJob(queued.id)).toMatchObject({
      status: 'done',
      attempts: 2,
      fetching_at: fetchingAt.toISOString(),
      processing_at: processingAt.toISOString(),
      published_at: expect.any(String),
    });
    expect(await store.getJob(processing.id)).toMatchObject({
      status: 'done',
      attempts: 2,
      fetching_at: fetchingAt.toISOString(),
      processing_at: written,
    });
  });

  test('getJobWithResult: answers the job as getJob does, with its own result once it has one', async () => {
    const { job } = await store.createJob({ correlationId: 'r-joined' });
    expect(await store.getJobWithResult(job.id)).toEqual({ job, result: undefined });
    await store.completeJob(job.id, second);
    await store.completeJob(
      (await store.createJob({ correlationId: 'r-joined-other' })).job.id,
      sampleResult,
    );
    expect(await store.getJobWithResult(job.id)).toEqual({
      job: await store.getJob(job.id),
      result: {
        job_id: job.id,
        centroid: second.centroid,
        most_northerly: second.most_northerly,
        places: second.places,
        created_at: expect.stringMatching(/Z$/),
      },
    });
    expect(await store.getJobWithResult(randomUUID())).toBeUndefined();
    expect(await store.getJobWithResult('not-a-uuid')).toBeUndefined();
  });

  test('completeJob: a duplicate answers false and leaves the stored result and the job unchanged', async () => {
    const { job } = await store.createJob({ correlationId: 'r-dup' });
    expect(await store.completeJob(job.id, sampleResult)).toBe(true);
    const stored = await store.latestResult();
    const done = await store.getJob(job.id);
    expect(await store.completeJob(job.id, second)).toBe(false);
    expect(await store.latestResult()).toEqual(stored);
    expect(await store.getJob(job.id)).toEqual(done);
  });

  test('completeJob: concurrent duplicates store one result and exactly one answers true', async () => {
    const { job } = await store.createJob({ correlationId: 'r-race' });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => store.completeJob(job.id, sampleResult)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  test('completeJob: for an unknown or malformed job id, answers false and stores nothing', async () => {
    const before = await store.latestResult();
    expect(await store.completeJob(randomUUID(), second)).toBe(false);
    expect(await store.completeJob('not-a-uuid', second)).toBe(false);
    expect(await store.latestResult()).toEqual(before);
  });

  test('completeJob: for a failed job, answers false, stores nothing and leaves it failed', async () => {
    const { job } = await store.createJob({ correlationId: 'r-failed' });
    await store.failJob(job.id, 'no progress in processing');
    const failed = await store.getJob(job.id);
    expect(await store.completeJob(job.id, second)).toBe(false);
    expect(await store.getJobWithResult(job.id)).toEqual({ job: failed, result: undefined });
  });

  test('latestResult: after two jobs complete, is the newer one', async () => {
    const older = (await store.createJob({ correlationId: 'r-older' })).job;
    const newer = (await store.createJob({ correlationId: 'r-newer' })).job;
    await store.completeJob(older.id, sampleResult);
    await store.completeJob(newer.id, second);
    expect(await store.latestResult()).toMatchObject({ job_id: newer.id, centroid: [-33.9, 18.4] });
  });
});
