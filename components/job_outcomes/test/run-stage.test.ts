import { setTimeout as sleep } from 'node:timers/promises';
import { createStore } from '@mousetrap/store';
import { describeWithServices } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { runStage, type StageRunOptions } from '../src/run-stage.ts';
import { useStore } from './store-fixture.ts';

const FIRST = { attempt: 1, redeliveries: 0, exhausted: false, final: false };

describeWithServices('runStage', ['postgres'], ({ databaseUrl }) => {
  const { store, schema } = useStore(databaseUrl, 'runstage');

  const newJob = async () => (await store().createJob({ correlationId: 'run-stage' })).job.id;
  const options = (jobId: string, more: Partial<StageRunOptions> = {}): StageRunOptions => ({
    store: store(),
    jobId,
    stage: 'fetching',
    delivery: FIRST,
    startAfterMs: 100,
    ...more,
  });
  /** Work that takes `ms` and answers `value`. */
  const takes =
    (ms: number, value = 'fetched') =>
    () =>
      sleep(ms, value);

  test('work done before the wait writes nothing and answers when it began', async () => {
    const jobId = await newJob();
    const before = Date.now();

    const run = await runStage(options(jobId), takes(0));

    expect(run).toEqual({ ran: true, value: 'fetched', startedAt: expect.any(Date), start: undefined });
    expect(run.ran && run.startedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await store().getJob(jobId)).toMatchObject({ status: 'queued', attempts: 0, fetching_at: null });
  });

  test('work that outlasts the wait has its start written, as of when it began', async () => {
    const jobId = await newJob();

    const run = await runStage(options(jobId), takes(250));

    expect(run).toMatchObject({ ran: true, value: 'fetched', start: 'started' });
    const job = await store().getJob(jobId);
    expect(job).toMatchObject({ status: 'fetching', attempts: 1 });
    expect(run.ran && Date.parse(job?.fetching_at ?? '')).toBe(run.ran && run.startedAt.getTime());
  });

  test.each([
    ['a redelivery', { delivery: { ...FIRST, redeliveries: 1 } }],
    ['a retry', { delivery: { ...FIRST, attempt: 2 } }],
    ['an eager call (a re-drive)', { eager: true }],
  ])('%s writes the start before the work', async (_, more) => {
    const jobId = await newJob();
    let status: string | undefined;

    const run = await runStage(options(jobId, more), async () => {
      status = (await store().getJob(jobId))?.status;
      return 'fetched';
    });

    expect(status).toBe('fetching');
    expect(run).toMatchObject({ ran: true, start: 'started' });
  });

  test('a put-off try that finds the job at its stage runs the work, and leaves the job stalled', async () => {
    const jobId = await newJob();
    await store().markPublished(jobId);
    await store().startStage(jobId, 'fetching');
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`update ${sql(schema)}.jobs set progress_at = now() - interval '1 minute' where id = ${jobId}`;
    } finally {
      await sql.end();
    }
    const putOff = { delivery: { ...FIRST, attempt: 3, final: true, putOff: true } };

    expect(await runStage(options(jobId, putOff), takes(0))).toMatchObject({ ran: true, start: 'repeat' });

    const stalled = await store().claimStalledJobs(30_000, 10, 1000, ['fetching']);
    expect(stalled.map((job) => job.id)).toEqual([jobId]);
  });

  test('a job found past the stage once the start is written is not worked on', async () => {
    const jobId = await newJob();
    await store().startStage(jobId, 'processing');

    expect(await runStage(options(jobId), takes(250))).toEqual({ ran: false, start: 'passed' });
    expect(await runStage(options(jobId, { eager: true }), takes(0))).toEqual({
      ran: false,
      start: 'passed',
    });
    expect((await store().getJob(jobId))?.status).toBe('processing');
  });

  test('a job the database does not have is reported unknown once the start is written', async () => {
    const unknown = '0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a';
    expect(await runStage(options(unknown), takes(250))).toEqual({ ran: false, start: 'unknown' });
  });

  test('work that fails before the wait records the try, then rejects with its error', async () => {
    const jobId = await newJob();

    await expect(
      runStage(options(jobId), async () => {
        throw new Error('HTTP 502');
      }),
    ).rejects.toThrow('HTTP 502');

    expect(await store().getJob(jobId)).toMatchObject({ status: 'fetching', attempts: 1 });
  });

  test('a start that cannot be written fails the run, though the work succeeded', async () => {
    const jobId = await newJob();
    // A store whose pool is closed: every call fails as with the database away.
    const failing = await createStore({ url: databaseUrl, schema, max: 1 });
    await failing.close();

    await expect(runStage(options(jobId, { store: failing }), takes(250))).rejects.toMatchObject({
      code: 'unavailable',
    });
    // Work done before the wait needs no write at all.
    await expect(runStage(options(jobId, { store: failing }), takes(0))).resolves.toMatchObject({
      ran: true,
    });
  });
});
