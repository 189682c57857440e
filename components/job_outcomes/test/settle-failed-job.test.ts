import { JobQueueError } from '@mousetrap/job_queue';
import { createStore, StoreError } from '@mousetrap/store';
import { describeWithServices } from '@mousetrap/test_kit';
import { settleFailedJob } from '../src/settle-failed-job.ts';
import { useStore } from './store-fixture.ts';

describeWithServices('settleFailedJob', ['postgres'], ({ databaseUrl }) => {
  const { store, schema } = useStore(databaseUrl, 'settle');
  /** A message of the job, sent now. */
  const sentNow = (jobId: string) => ({ job_id: jobId, occurred_at: new Date().toISOString() });

  test('a failure of the job itself: marks it failed with the reason and asks for a dead letter', async () => {
    const { job } = await store().createJob({ correlationId: 'settle-1' });
    const settled = await settleFailedJob(
      store(),
      sentNow(job.id),
      'fetch failed after 4 attempts',
      new Error('HTTP 502'),
    );
    expect(settled).toEqual({ deadLetter: 'fetch failed after 4 attempts: HTTP 502' });
    expect(await store().getJob(job.id)).toMatchObject({
      status: 'failed',
      error: 'fetch failed after 4 attempts: HTTP 502',
    });
  });

  const outages: [string, Error, string][] = [
    ...(['unavailable', 'timeout'] as const).map((code): [string, Error, string] => [
      `a database ${code}`,
      new StoreError(code, 'connect ECONNREFUSED'),
      'the database is unavailable: connect ECONNREFUSED',
    ]),
    ...(['nacked', 'closed', 'timeout', 'unavailable', 'blocked', 'busy'] as const).map(
      (code): [string, Error, string] => [
        `a broker that answers ${code}`,
        new JobQueueError(code, 'the broker refused the message'),
        'the broker is unavailable: the broker refused the message',
      ],
    ),
  ];

  test.each(outages)('%s: leaves the job open and asks to try again later', async (what, error, reason) => {
    const { job } = await store().createJob({ correlationId: `settle-${what}` });
    const settled = await settleFailedJob(store(), sentNow(job.id), 'fetch failed after 4 attempts', error);
    expect(settled).toEqual({ retryLater: reason });
    expect((await store().getJob(job.id))?.status).toBe('queued');
  });

  const refusedForGood: [string, JobQueueError][] = [
    [
      'a queue the broker does not have',
      new JobQueueError('unroutable', 'queue x.data_processing does not exist'),
    ],
    ['a message that cannot be sent', new JobQueueError('invalid', 'the message cannot be sent: too long')],
  ];

  test.each(refusedForGood)('%s: fails the job, naming why', async (_what, error) => {
    const { job } = await store().createJob({ correlationId: `settle-${error.code}` });
    const settled = await settleFailedJob(store(), sentNow(job.id), 'fetch failed after 4 attempts', error);
    expect(settled).toEqual({ deadLetter: `fetch failed after 4 attempts: ${error.message}` });
    expect((await store().getJob(job.id))?.status).toBe('failed');
  });

  test('when the job cannot be marked failed either, asks to try again later', async () => {
    const { job } = await store().createJob({ correlationId: 'settle-closed' });
    const closed = await createStore({ url: databaseUrl, schema, max: 1 });
    await closed.close();
    const settled = await settleFailedJob(closed, sentNow(job.id), 'fetch failed', new Error('HTTP 502'));
    expect(settled).toEqual({ retryLater: expect.stringMatching(/^cannot mark the job failed: /) });
    expect((await store().getJob(job.id))?.status).toBe('queued');
  });

  test('a job already done stays done, and its message is dead-lettered', async () => {
    const { job } = await store().createJob({ correlationId: 'settle-done' });
    await store().completeJob(job.id, {
      centroid: [1, 2],
      most_northerly: ['3', '4', 'X', 'XX', 'Etc/UTC'],
      places: [['3', '4', 'X', 'XX', 'Etc/UTC']],
    });
    expect(await settleFailedJob(store(), sentNow(job.id), 'late', new Error('boom'))).toEqual({
      deadLetter: 'late: boom',
    });
    expect((await store().getJob(job.id))?.status).toBe('done');
  });

  test('after a retry, a message sent before the job failed does not fail it again; one sent after does', async () => {
    const { job } = await store().createJob({ correlationId: 'settle-retried' });
    await store().failJob(job.id, 'no progress in fetching');
    const failedAt = Date.parse((await store().getJob(job.id))?.failed_at ?? '');
    // Timestamps reach us to the millisecond: one either side of the failure.
    const sent = (ms: number) => ({ job_id: job.id, occurred_at: new Date(ms).toISOString() });
    expect(await store().reopenJob(job.id)).toBe(true);

    const settled = await settleFailedJob(store(), sent(failedAt - 1), 'fetch failed', new Error('HTTP 502'));

    // The message is done with; the job's new run goes on.
    expect(settled).toEqual({ deadLetter: 'fetch failed: HTTP 502' });
    expect(await store().getJob(job.id)).toMatchObject({ status: 'queued', error: null, failed_at: null });
    await settleFailedJob(store(), sent(failedAt + 1), 'fetch failed', new Error('HTTP 502'));
    expect(await store().getJob(job.id)).toMatchObject({ status: 'failed', error: 'fetch failed: HTTP 502' });
  });

  test('a message sent at a time PostgreSQL cannot hold fails its job as one sent at no known time', async () => {
    const { job } = await store().createJob({ correlationId: 'settle-year-0' });
    const message = { job_id: job.id, occurred_at: '0000-01-01T00:00:00.000Z' };

    expect(await settleFailedJob(store(), message, 'poison', new Error('bad'))).toEqual({
      deadLetter: 'poison: bad',
    });
    expect(await store().getJob(job.id)).toMatchObject({ status: 'failed', error: 'poison: bad' });
  });
});
