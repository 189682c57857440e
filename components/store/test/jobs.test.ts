import { randomUUID } from 'node:crypto';
import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createStore } from '../src/create-store.ts';
import type { Store } from '../src/types.ts';
import { sampleResult } from './fixtures.ts';

describeWithServices('store jobs', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('store');
  let store: Store;
  let sql: postgres.Sql;

  /** Makes a job look `ageMs` old, as if it had been recorded that long ago. */
  const age = (jobId: string, ageMs: number) =>
    sql`update ${sql(schema)}.jobs set created_at = now() - ${ageMs} * interval '1 millisecond' where id = ${jobId}`;
  const expireClaim = (jobId: string) =>
    sql`update ${sql(schema)}.jobs set claimed_until = now() - interval '1 second' where id = ${jobId}`;

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await store.close();
    await sql.end({ timeout: 5 });
    await dropSchema(databaseUrl, schema);
  });

  test('createJob: records a queued job that getJob reads back unchanged', async () => {
    const { job, created } = await store.createJob({ correlationId: 'corr-1' });
    expect(created).toBe(true);
    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      correlation_id: 'corr-1',
      idempotency_key: null,
      attempts: 0,
      redrives: 0,
      error: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      published_at: null,
      fetching_at: null,
      processing_at: null,
      done_at: null,
      failed_at: null,
      last_failed_at: null,
      trace_parent: null,
    });
    expect(await store.getJob(job.id)).toEqual(job);
  });

  test('createJob: keeps the trace context it is given, with or without an idempotency key', async () => {
    const traceParent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const plain = await store.createJob({ correlationId: 'corr-t', traceParent });
    const keyed = await store.createJob({
      correlationId: 'corr-t',
      idempotencyKey: uniqueName('key'),
      traceParent,
    });
    expect(plain.job.trace_parent).toBe(traceParent);
    expect(keyed.job.trace_parent).toBe(traceParent);
    expect((await store.getJob(plain.job.id))?.trace_parent).toBe(traceParent);
    expect((await store.getJob(keyed.job.id))?.trace_parent).toBe(traceParent);
  });

  test('createJob: with an idempotency key already taken, returns that job and created false', async () => {
    const key = uniqueName('key');
    const first = await store.createJob({ correlationId: 'corr-a', idempotencyKey: key });
    const second = await store.createJob({ correlationId: 'corr-b', idempotencyKey: key });
    expect(first.created).toBe(true);
    expect(second).toEqual({ job: first.job, created: false });
  });

  test('createJob: 20 concurrent calls with one idempotency key create exactly one job', async () => {
    const key = uniqueName('key');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.createJob({ correlationId: `corr-${i}`, idempotencyKey: key }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.job.id)).size).toBe(1);
  });

  test('getJob: for an unknown id, resolves undefined', async () => {
    expect(await store.getJob(randomUUID())).toBeUndefined();
  });

  test('getJob: for a malformed id, resolves undefined instead of failing the uuid cast', async () => {
    expect(await store.getJob('not-a-uuid')).toBeUndefined();
  });

  test('markPublished: sets published_at, and a second call keeps the first time', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-p' });
    await store.markPublished(job.id);
    const published = await store.getJob(job.id);
    expect(published?.published_at).toEqual(expect.any(String));
    await store.markPublished(job.id);
    expect((await store.getJob(job.id))?.published_at).toBe(published?.published_at);
  });

  test('startStage: queued to fetching to processing starts each, sets its time and counts two attempts', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-s' });
    expect(await store.startStage(job.id, 'fetching')).toBe('started');
    expect(await store.startStage(job.id, 'processing')).toBe('started');
    const moved = await store.getJob(job.id);
    expect(moved).toMatchObject({ status: 'processing', attempts: 2 });
    expect(moved?.fetching_at).toEqual(expect.any(String));
    expect(moved?.processing_at).toEqual(expect.any(String));
  });

  test('startStage: an unpublished job a worker starts counts as handed off, so a stall of it is the sweeper’s', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-h' });
    expect(await store.startStage(job.id, 'fetching')).toBe('started');
    expect((await store.getJob(job.id))?.published_at).toEqual(expect.any(String));
    await sql`update ${sql(schema)}.jobs set progress_at = now() - interval '1 hour' where id = ${job.id}`;
    const stalled = await store.claimStalledJobs(60_000, 10, 1000, ['fetching']);
    expect(stalled.map((each) => each.id)).toEqual([job.id]);
  });

  test('startStage: processing back to fetching is passed and changes nothing', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-b' });
    await store.startStage(job.id, 'processing');
    const before = await store.getJob(job.id);
    expect(await store.startStage(job.id, 'fetching')).toBe('passed');
    expect(await store.getJob(job.id)).toEqual(before);
  });

  test('startStage: the same stage again is a repeat that counts an attempt and keeps the first time', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-r' });
    await store.startStage(job.id, 'fetching');
    const first = await store.getJob(job.id);
    expect(await store.startStage(job.id, 'fetching')).toBe('repeat');
    const again = await store.getJob(job.id);
    expect(again).toMatchObject({ status: 'fetching', attempts: 2, fetching_at: first?.fetching_at });
  });

  test('startStage: a done job is passed for both stages and keeps its status', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-d' });
    await store.completeJob(job.id, sampleResult);
    expect(await store.startStage(job.id, 'fetching')).toBe('passed');
    expect(await store.startStage(job.id, 'processing')).toBe('passed');
    expect(await store.getJob(job.id)).toMatchObject({ status: 'done', attempts: 0 });
  });

  test('startStage: for an unknown or malformed id, is unknown', async () => {
    expect(await store.startStage(randomUUID(), 'fetching')).toBe('unknown');
    expect(await store.startStage('nope', 'processing')).toBe('unknown');
  });

  test('failJob: marks a running job failed with the reason', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-f' });
    await store.startStage(job.id, 'fetching');
    expect(await store.failJob(job.id, 'source down')).toBe(true);
    const failed = await store.getJob(job.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'source down', failed_at: expect.any(String) });
    expect(await store.failJob(job.id, 'again')).toBe(false);
    expect((await store.getJob(job.id))?.error).toBe('source down');
  });

  test('failJob: does not touch a done job', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-fd' });
    await store.completeJob(job.id, sampleResult);
    const done = await store.getJob(job.id);
    expect(await store.failJob(job.id, 'too late')).toBe(false);
    expect(await store.getJob(job.id)).toEqual(done);
  });

  test('reopenJob: a failed job goes back to queued and unpublished, so the relay picks it up again', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-reopen' });
    await store.markPublished(job.id);
    await store.startStage(job.id, 'fetching');
    await store.noteRedrive(job.id, 0);
    await store.failJob(job.id, 'source down');
    const failedAt = (await store.getJob(job.id))?.failed_at;
    expect(await store.reopenJob(job.id)).toBe(true);
    expect(await store.getJob(job.id)).toMatchObject({
      status: 'queued',
      redrives: 0,
      error: null,
      failed_at: null,
      last_failed_at: failedAt,
      fetching_at: null,
      published_at: null,
      attempts: 1,
      created_at: job.created_at,
    });
    expect((await store.claimUnpublishedJobs(0, 1000, 1)).map((j) => j.id)).toContain(job.id);
    expect(await store.reopenJob(job.id)).toBe(false);
  });

  test('reopenJob: changes nothing for a job that is not failed, or unknown', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-reopen-done' });
    await store.completeJob(job.id, sampleResult);
    const done = await store.getJob(job.id);
    expect(await store.reopenJob(job.id)).toBe(false);
    expect(await store.getJob(job.id)).toEqual(done);
    expect(await store.reopenJob('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a')).toBe(false);
    expect(await store.reopenJob('not-a-uuid')).toBe(false);
  });

  test('claimUnpublishedJobs: finds only queued unpublished jobs older than the limit, oldest first', async () => {
    const oldest = (await store.createJob({ correlationId: 'u-oldest' })).job;
    const old = (await store.createJob({ correlationId: 'u-old' })).job;
    const fresh = (await store.createJob({ correlationId: 'u-fresh' })).job;
    const published = (await store.createJob({ correlationId: 'u-published' })).job;
    const started = (await store.createJob({ correlationId: 'u-started' })).job;
    await age(oldest.id, 600_000);
    await age(old.id, 300_000);
    await age(published.id, 300_000);
    await age(started.id, 300_000);
    await store.markPublished(published.id);
    await store.startStage(started.id, 'fetching');

    const found = await store.claimUnpublishedJobs(60_000, 100, 1);
    const ids = found.map((job) => job.id);
    expect(ids.indexOf(oldest.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(oldest.id)).toBeLessThan(ids.indexOf(old.id));
    expect(ids).not.toContain(fresh.id);
    expect(ids).not.toContain(published.id);
    expect(ids).not.toContain(started.id);
    expect(found.every((job) => job.status === 'queued' && job.published_at === null)).toBe(true);
  });

  test('claimUnpublishedJobs: returns at most limit jobs', async () => {
    for (let i = 0; i < 3; i += 1) {
      const { job } = await store.createJob({ correlationId: `u-limit-${i}` });
      await age(job.id, 120_000);
    }
    expect(await store.claimUnpublishedJobs(60_000, 2, 1)).toHaveLength(2);
  });

  test('claimUnpublishedJobs: concurrent claims share out the jobs, and a lapsed claim is taken again', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const { job } = await store.createJob({ correlationId: `u-claim-${i}` });
      await age(job.id, 3_600_000);
      ids.push(job.id);
    }
    // Two relays at once, each taking at most 30 (older tests' jobs may be among them): together
    // they get every job, none twice.
    const [first, second] = await Promise.all([
      store.claimUnpublishedJobs(60_000, 30, 60_000),
      store.claimUnpublishedJobs(60_000, 30, 60_000),
    ]);
    const claimed = [...(first ?? []), ...(second ?? [])]
      .map((job) => job.id)
      .filter((id) => ids.includes(id));
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual([...ids].sort());
    // While claimed, nobody else gets them.
    const during = await store.claimUnpublishedJobs(60_000, 1000, 60_000);
    expect(during.map((job) => job.id).filter((id) => ids.includes(id))).toEqual([]);
    // A claim that lapsed (its relay died) is taken up again.
    const lapsed = ids[0] ?? '';
    await expireClaim(lapsed);
    const again = await store.claimUnpublishedJobs(60_000, 1000, 60_000);
    expect(again.map((job) => job.id).filter((id) => ids.includes(id))).toEqual([lapsed]);
  });
});
