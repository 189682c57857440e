import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createStore } from '../src/create-store.ts';
import type { Store } from '../src/types.ts';
import { sampleResult } from './fixtures.ts';

const ALL = ['queued', 'fetching', 'processing'] as const;
const AT_START = { counted: true, suspectFrom: 2 };

describeWithServices('store stalled jobs', ['postgres'], ({ databaseUrl }) => {
  let schema = '';
  let store: Store;
  let sql: postgres.Sql;

  /** Makes a job's last progress `ageMs` old, as if nothing had happened to it since. */
  const idle = (jobId: string, ageMs: number) =>
    sql`update ${sql(schema)}.jobs set progress_at = now() - ${ageMs} * interval '1 millisecond' where id = ${jobId}`;
  const expireClaim = (jobId: string) =>
    sql`update ${sql(schema)}.jobs set claimed_until = now() - interval '1 second' where id = ${jobId}`;
  const ids = (jobs: { id: string }[]) => jobs.map((job) => job.id).sort();

  /** A job handed off and left at `stage`, idle for `ageMs`. */
  const stuckJob = async (stage: 'queued' | 'fetching' | 'processing', ageMs: number) => {
    const { job } = await store.createJob({ correlationId: `stuck-${stage}` });
    await store.markPublished(job.id);
    if (stage !== 'queued') await store.startStage(job.id, stage);
    await idle(job.id, ageMs);
    return job.id;
  };

  // A schema per test: claims look at every job of the schema.
  beforeEach(async () => {
    schema = uniqueName('stalled');
    store = await createStore({ url: databaseUrl, schema });
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });

  afterEach(async () => {
    await store.close();
    await sql.end({ timeout: 5 });
    await dropSchema(databaseUrl, schema);
  });

  test('claimStalledJobs: takes handed-off unfinished jobs idle past the budget at any stage, least recent first', async () => {
    const queued = await stuckJob('queued', 60_000);
    const fetching = await stuckJob('fetching', 50_000);
    const processing = await stuckJob('processing', 40_000);
    await stuckJob('fetching', 1000);
    const { job: unpublished } = await store.createJob({ correlationId: 'unpublished' });
    await idle(unpublished.id, 60_000);
    const done = await stuckJob('processing', 60_000);
    await store.completeJob(done, sampleResult);
    await idle(done, 60_000);
    const failed = await stuckJob('fetching', 60_000);
    await store.failJob(failed, 'gave up');

    const claimed = await store.claimStalledJobs(30_000, 100, 10_000, ALL);

    expect(claimed.map((job) => job.id)).toEqual([queued, fetching, processing]);
    expect(claimed.map((job) => job.status)).toEqual(['queued', 'fetching', 'processing']);
  });

  test('claimStalledJobs: takes only jobs at the stages asked for', async () => {
    await stuckJob('queued', 60_000);
    const fetching = await stuckJob('fetching', 60_000);

    expect(ids(await store.claimStalledJobs(30_000, 100, 10_000, ['fetching', 'processing']))).toEqual([
      fetching,
    ]);
    expect(await store.claimStalledJobs(30_000, 100, 10_000, [])).toEqual([]);
  });

  test('claimStalledJobs: a claimed job is not claimed again until its claim lapses; concurrent claims share the jobs out', async () => {
    const stuck = await Promise.all([1, 2, 3, 4, 5, 6].map(() => stuckJob('fetching', 60_000)));

    const [a, b] = await Promise.all([
      store.claimStalledJobs(30_000, 3, 10_000, ALL),
      store.claimStalledJobs(30_000, 3, 10_000, ALL),
    ]);

    expect(ids([...a, ...b])).toEqual([...stuck].sort());
    expect(await store.claimStalledJobs(30_000, 100, 10_000, ALL)).toEqual([]);
    await expireClaim(stuck[0] ?? '');
    expect(ids(await store.claimStalledJobs(30_000, 100, 10_000, ALL))).toEqual([stuck[0]]);
  });

  test('noteRedrive: starts the clock again and counts a re-drive', async () => {
    const jobId = await stuckJob('processing', 60_000);
    await store.claimStalledJobs(30_000, 100, 10_000, ALL);

    expect(await store.noteRedrive(jobId, 30_000)).toBe(true);
    expect(await store.getJob(jobId)).toMatchObject({ status: 'processing', redrives: 1 });
    await expireClaim(jobId);
    expect(await store.claimStalledJobs(30_000, 100, 10_000, ALL)).toEqual([]);
    await idle(jobId, 60_000);
    expect(ids(await store.claimStalledJobs(30_000, 100, 10_000, ALL))).toEqual([jobId]);
    expect(await store.noteRedrive(jobId, 30_000)).toBe(true);
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 2 });
  });

  test('noteRedrive: changes nothing for a finished, unknown or malformed job', async () => {
    const jobId = await stuckJob('processing', 60_000);
    await store.completeJob(jobId, sampleResult);
    const done = await store.getJob(jobId);

    expect(await store.noteRedrive(jobId, 30_000)).toBe(false);
    expect(await store.getJob(jobId)).toEqual(done);
    expect(await store.noteRedrive('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a', 0)).toBe(false);
    expect(await store.noteRedrive('not-a-uuid', 0)).toBe(false);
  });

  test('a job that moved after it was claimed is neither counted as re-driven nor failed', async () => {
    const redriveJob = await stuckJob('fetching', 60_000);
    const failJob = await stuckJob('fetching', 60_000);
    await sql`update ${sql(schema)}.jobs set redrives = 2 where id = ${failJob}`;
    const claimed = await store.claimStalledJobs(30_000, 10, 10_000, ['fetching']);
    expect(claimed).toHaveLength(2);
    // Both move on (their workers were only slow) before the sweeper settles them.
    await store.startStage(redriveJob, 'fetching');
    await store.startStage(failJob, 'fetching');

    expect(await store.noteRedrive(redriveJob, 30_000)).toBe(false);
    expect(await store.failStalledJob(failJob, 'no progress', 30_000)).toBe(false);
    expect(await store.getJob(redriveJob)).toMatchObject({ status: 'fetching', redrives: 0 });
    expect(await store.getJob(failJob)).toMatchObject({ status: 'fetching', redrives: 2 });
  });

  test('failStalledJob: fails a job still stalled, with the reason, and not one that ended', async () => {
    const stalled = await stuckJob('processing', 60_000);
    const done = await stuckJob('processing', 60_000);
    await store.completeJob(done, sampleResult);

    expect(await store.failStalledJob(stalled, 'no progress in processing', 30_000)).toBe(true);
    expect(await store.failStalledJob(done, 'no progress in processing', 30_000)).toBe(false);
    expect(await store.getJob(stalled)).toMatchObject({
      status: 'failed',
      error: 'no progress in processing',
    });
    expect(await store.getJob(done)).toMatchObject({ status: 'done', error: null });
    expect(await store.failStalledJob('not-a-uuid', 'x', 0)).toBe(false);
  });

  test('startStage: progress, including a repeat of the stage, keeps a job from being stalled', async () => {
    const jobId = await stuckJob('fetching', 60_000);

    await store.startStage(jobId, 'fetching');

    expect(await store.claimStalledJobs(30_000, 100, 10_000, ALL)).toEqual([]);
  });

  test('startStage: a put-off try that finds the job at its stage is no progress; one that moves it forward is', async () => {
    const stillFetching = await stuckJob('fetching', 60_000);
    const movedOn = await stuckJob('fetching', 60_000);

    expect(await store.startStage(stillFetching, 'fetching', undefined, { putOff: true })).toBe('repeat');
    expect(await store.startStage(movedOn, 'processing', undefined, { putOff: true })).toBe('started');

    expect(ids(await store.claimStalledJobs(30_000, 100, 10_000, ALL))).toEqual([stillFetching]);
    // The try is still counted: two starts of fetching.
    expect(await store.getJob(stillFetching)).toMatchObject({ status: 'fetching', attempts: 2 });
  });

  test('claimAtStart: takes every unfinished job, handed off, claimed or not, never a finished one, once a pass', async () => {
    const queued = await stuckJob('queued', 60_000);
    const claimed = await stuckJob('fetching', 60_000);
    await store.claimStalledJobs(30_000, 100, 60_000, ALL);
    const { job: unpublished } = await store.createJob({ correlationId: 'unpublished' });
    const done = await stuckJob('processing', 60_000);
    await store.completeJob(done, sampleResult);

    const { jobs, cutoff } = await store.claimAtStart(undefined, 100, AT_START);

    expect(ids(jobs)).toEqual([queued, claimed, unpublished.id].sort());
    expect((await store.getJob(unpublished.id))?.published_at).not.toBeNull();
    // The pass's next calls take nothing it took, nor a job that moved after it began.
    const { job: later } = await store.createJob({ correlationId: 'later' });
    expect(await store.claimAtStart(cutoff, 100, AT_START)).toEqual({ jobs: [], cutoff });
    expect(ids((await store.claimAtStart(undefined, 100, AT_START)).jobs)).toEqual(
      [queued, claimed, unpublished.id, later.id].sort(),
    );
  });

  test('claimAtStart: counts a job a worker started after its last re-drive, once per start', async () => {
    const started = await stuckJob('processing', 60_000);
    const waiting = await stuckJob('queued', 60_000);
    // Re-driven by a sweep since a worker started it: that re-drive is its count, not a hold.
    const swept = await stuckJob('fetching', 60_000);
    await store.claimStalledJobs(30_000, 100, 10_000, ['fetching']);
    await store.noteRedrive(swept, 30_000);
    const counts = async () =>
      Object.fromEntries(
        (await store.claimAtStart(undefined, 100, AT_START)).jobs.map((job) => [job.id, job.redrives]),
      );

    expect(await counts()).toEqual({ [started]: 1, [waiting]: 0, [swept]: 1 });
    // They waited in a queue through the next stop: none counts.
    expect(await counts()).toEqual({ [started]: 1, [waiting]: 0, [swept]: 1 });
    // A worker started both again (a re-drive writes its start at once), then the process stopped.
    await store.startStage(started, 'processing');
    await store.startStage(waiting, 'fetching');
    expect(await counts()).toEqual({ [started]: 2, [waiting]: 1, [swept]: 1 });
  });

  test('claimAtStart: a stage start after the re-drive counts even on a clock that has not moved on since', async () => {
    const jobId = await stuckJob('fetching', 60_000);
    await store.claimAtStart(undefined, 100, AT_START);
    // The re-drive noted at a time the clock has not passed when the worker starts the job: the
    // same millisecond on a clock that keeps only milliseconds (PGlite's), or a clock stepped back.
    await sql`update ${sql(schema)}.jobs set redriven_at = now() + interval '200 milliseconds' where id = ${jobId}`;
    await store.startStage(jobId, 'fetching');
    // The next start comes once the clock has passed it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { jobs } = await store.claimAtStart(undefined, 100, AT_START);
    expect(jobs.map((job) => job.redrives)).toEqual([2]);
  });

  test('claimAtStart: after a clean stop nothing is counted; a suspect is claimed until its clock starts', async () => {
    const jobId = await stuckJob('processing', 60_000);
    await sql`update ${sql(schema)}.jobs set redrives = 1 where id = ${jobId}`;

    const clean = await store.claimAtStart(undefined, 100, { counted: false, suspectFrom: 2 });
    expect(clean.jobs.map((job) => job.redrives)).toEqual([1]);
    await store.startStage(jobId, 'processing');
    const died = await store.claimAtStart(undefined, 100, AT_START);
    expect(died.jobs.map((job) => job.redrives)).toEqual([2]);

    // Held for its turn: no sweep takes it, however long it waits.
    await idle(jobId, 60_000);
    expect(await store.claimStalledJobs(30_000, 100, 10_000, ALL)).toEqual([]);
    expect(await store.startRedriveClock(jobId)).toBe(true);
    expect(await store.claimStalledJobs(30_000, 100, 10_000, ALL)).toEqual([]);
    await idle(jobId, 60_000);
    expect(ids(await store.claimStalledJobs(30_000, 100, 10_000, ALL))).toEqual([jobId]);
  });

  test('beginAloneRun: answers whether the run before stopped cleanly (endAloneRun), or never ran', async () => {
    expect(await store.beginAloneRun()).toBe(true);
    expect(await store.beginAloneRun()).toBe(false);
    await store.endAloneRun();
    expect(await store.beginAloneRun()).toBe(true);
  });

  test('unfinishedSummary: counts unfinished jobs, the oldest one, and those stalled past the budget', async () => {
    expect(await store.unfinishedSummary(30_000)).toEqual({
      unfinished: 0,
      oldestCreatedAt: null,
      stalled: 0,
    });
    const { job: first } = await store.createJob({ correlationId: 'first' });
    await stuckJob('fetching', 60_000);
    await stuckJob('processing', 1000);
    const finished = await stuckJob('processing', 60_000);
    await store.completeJob(finished, sampleResult);

    expect(await store.unfinishedSummary(30_000)).toEqual({
      unfinished: 3,
      oldestCreatedAt: first.created_at,
      stalled: 1,
    });
  });
});
