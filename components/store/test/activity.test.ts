import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createStore } from '../src/create-store.ts';
import type { Store } from '../src/types.ts';
import { sampleResult } from './fixtures.ts';

describeWithServices('store activity', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('store_activity');
  let store: Store;
  let sql: postgres.Sql;

  /** Moves a job's timestamps `minutesAgo` minutes into the past, as if it had run then. */
  const shift = (jobId: string, minutesAgo: number) =>
    sql`
      update ${sql(schema)}.jobs
      set created_at = created_at - ${minutesAgo} * interval '1 minute',
          done_at = done_at - ${minutesAgo} * interval '1 minute',
          failed_at = failed_at - ${minutesAgo} * interval '1 minute'
      where id = ${jobId}
    `;

  const doneJob = async () => {
    const { job } = await store.createJob({ correlationId: 'activity' });
    await store.completeJob(job.id, sampleResult);
    return job.id;
  };

  const failedJob = async () => {
    const { job } = await store.createJob({ correlationId: 'activity' });
    await store.failJob(job.id, 'the source failed');
    return job.id;
  };

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await store.close();
    await sql.end({ timeout: 5 });
    await dropSchema(databaseUrl, schema);
  });

  beforeEach(async () => {
    await sql`truncate ${sql(schema)}.results, ${sql(schema)}.jobs`;
  });

  test('recentJobs: returns the newest jobs first, at most limit of them', async () => {
    const ids: string[] = [];
    for (let minutesAgo = 4; minutesAgo >= 0; minutesAgo -= 1) {
      const { job } = await store.createJob({ correlationId: `recent-${minutesAgo}` });
      await shift(job.id, minutesAgo);
      ids.push(job.id);
    }
    const recent = await store.recentJobs(3);
    expect(recent.map((job) => job.id)).toEqual(ids.slice(-3).reverse());
    expect(recent[0]).toMatchObject({ status: 'queued', correlation_id: 'recent-0', attempts: 0 });
  });

  test('recentJobs: on an empty table, returns no jobs', async () => {
    expect(await store.recentJobs(10)).toEqual([]);
  });

  test('activityByMinute: counts done and failed jobs per minute, oldest minute first, zeros included', async () => {
    // The jobs must end in the minute the query runs in: start clear of a minute's end.
    const second = new Date().getUTCSeconds();
    if (second >= 57) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    await doneJob();
    await doneJob();
    await failedJob();
    await shift(await doneJob(), 2);
    await shift(await failedJob(), 10); // outside a 5-minute window

    const activity = await store.activityByMinute(5);

    expect(activity).toHaveLength(5);
    expect(activity.map(({ done, failed }) => [done, failed])).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 0],
      [2, 1],
    ]);
    const starts = activity.map((entry) => Date.parse(entry.minute));
    expect(starts.every((start, i) => i === 0 || start - (starts[i - 1] ?? 0) === 60_000)).toBe(true);
    expect(Date.now() - (starts.at(-1) ?? 0)).toBeLessThan(60_000 + 5_000);
  });
});
