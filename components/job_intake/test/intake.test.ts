import { createEnvelope, createMemoryJobQueue, type Envelope, type JobQueue } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import { describeJob } from '../src/describe-job.ts';
import { startRelay } from '../src/relay.ts';
import { submitJob } from '../src/submit-job.ts';

const logger = createLogger({ service: 'test', silent: true });

/** A memory transport whose start_fetch messages are collected. */
async function collectingQueue(): Promise<{ queue: JobQueue; received: Envelope[] }> {
  const queue = createMemoryJobQueue();
  const received: Envelope[] = [];
  await queue.consume('start_fetch', async (message) => {
    received.push(message);
    return undefined;
  });
  return { queue, received };
}

const startMessage = (jobId: string) =>
  createEnvelope({ type: 'start_fetch', jobId, correlationId: jobId, payload: {} });

/** A transport that is down: closed, so every check and publish fails at once. */
async function downQueue(): Promise<JobQueue> {
  const queue = createMemoryJobQueue();
  await queue.close();
  return queue;
}

describeWithServices('job_intake against PostgreSQL', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('intake');
  let store: Store;
  const queues: JobQueue[] = [];
  /** Waits for a published job's note, which is written in the background. */
  const waitForNote = (jobId: string) =>
    waitFor(async () => (await store.getJob(jobId))?.published_at ?? undefined, {
      what: `job ${jobId} noted as published`,
    });

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema, max: 2 });
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  test('submitJob records the job, hands it to start_fetch and notes the hand-off', async () => {
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const submission = await submitJob({ store, queue, logger }, { correlationId: 'c-1' });
    expect(submission).toMatchObject({ created: true, published: true });
    const message = await waitFor(() => received[0], { what: 'the start_fetch message' });
    expect(message).toMatchObject({
      id: `${submission.job.id}:start_fetch`,
      job_id: submission.job.id,
      correlation_id: 'c-1',
      // Its run's start, on the database's clock.
      occurred_at: submission.job.created_at,
      payload: {},
    });
    await waitForNote(submission.job.id);
  });

  test('the same idempotency key gives the same job and publishes it once', async () => {
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const first = await submitJob(
      { store, queue, logger },
      { correlationId: 'c-2', idempotencyKey: 'key-2' },
    );
    await waitForNote(first.job.id);
    const second = await submitJob(
      { store, queue, logger },
      { correlationId: 'c-3', idempotencyKey: 'key-2' },
    );
    expect(second).toMatchObject({ created: false, published: true, job: { id: first.job.id } });
    await waitFor(() => received.length === 1, { what: 'one message' });
    expect(received).toHaveLength(1);
  });

  test('with the broker down, the job is still recorded, unpublished, and submitJob does not fail', async () => {
    const submission = await submitJob({ store, queue: await downQueue(), logger }, { correlationId: 'c-4' });
    expect(submission).toMatchObject({ created: true, published: false });
    expect(await store.getJob(submission.job.id)).toMatchObject({ status: 'queued', published_at: null });
  });

  test('with the publish window full, rejects with busy and records nothing', async () => {
    const queue = createMemoryJobQueue({ maxUnconfirmed: 1 });
    queues.push(queue);
    // Taken, and unconfirmed until a later turn of the event loop: the window is full meanwhile.
    const taken = queue.publish('start_fetch', startMessage('c-busy-0'));
    await expect(
      submitJob({ store, queue, logger }, { correlationId: 'c-busy-1', idempotencyKey: 'busy-1' }),
    ).rejects.toMatchObject({ code: 'busy' });
    await taken;
    // The key was never recorded: submitting it again creates the job.
    const retried = await submitJob(
      { store, queue, logger },
      { correlationId: 'c-busy-1', idempotencyKey: 'busy-1' },
    );
    expect(retried.created).toBe(true);
  });

  test('afterCommit sees the job recorded and not yet published, before the publish', async () => {
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const seen: Array<{ publishedAt: unknown; messages: number; stored: unknown }> = [];
    const afterCommit = (job: { id: string; published_at: unknown }) => {
      seen.push({ publishedAt: job.published_at, messages: received.length, stored: job.id });
    };
    const submission = await submitJob({ store, queue, logger, afterCommit }, { correlationId: 'c-hook' });
    expect(seen).toEqual([{ publishedAt: null, messages: 0, stored: submission.job.id }]);
    expect(submission.published).toBe(true);
  });

  test('the relay hands off a recorded job whose publish failed, once', async () => {
    const { job } = await submitJob({ store, queue: await downQueue(), logger }, { correlationId: 'c-5' });
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const relay = startRelay({ store, queue, logger }, { olderThanMs: 0, intervalMs: 60_000 });
    try {
      expect(await relay.sweep()).toBeGreaterThanOrEqual(1);
      expect(received.map((message) => message.job_id)).toContain(job.id);
      await waitForNote(job.id);
      expect(await relay.sweep()).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  test('after an outage, one sweep works off a backlog of several batches, not one batch a sweep', async () => {
    const down = { store, queue: await downQueue(), logger };
    const backlog: string[] = [];
    for (let i = 0; i < 25; i += 1) backlog.push((await submitJob(down, { correlationId: `b-${i}` })).job.id);
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const relay = startRelay({ store, queue, logger }, { olderThanMs: 0, intervalMs: 60_000, batchSize: 10 });
    try {
      expect(await relay.sweep()).toBeGreaterThanOrEqual(25);
      expect(received.map((message) => message.job_id)).toEqual(expect.arrayContaining(backlog));
    } finally {
      await relay.stop();
    }
  });

  test('two relays sweeping one backlog together publish each job once', async () => {
    const down = { store, queue: await downQueue(), logger };
    const backlog: string[] = [];
    for (let i = 0; i < 60; i += 1)
      backlog.push((await submitJob(down, { correlationId: `two-${i}` })).job.id);
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const options = { olderThanMs: 0, intervalMs: 60_000, batchSize: 10 };
    const relays = [
      startRelay({ store, queue, logger }, options),
      startRelay({ store, queue, logger }, options),
    ];
    try {
      await Promise.all(relays.map((relay) => relay.sweep()));
      await waitFor(() => backlog.every((id) => received.some((message) => message.job_id === id)), {
        what: 'every job of the backlog',
      });
      const published = received.map((message) => message.job_id).filter((id) => backlog.includes(id));
      expect(published).toHaveLength(backlog.length);
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }
  });

  test('the relay leaves jobs younger than olderThanMs to the request that is publishing them', async () => {
    const { job } = await submitJob({ store, queue: await downQueue(), logger }, { correlationId: 'c-6' });
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const relay = startRelay({ store, queue, logger }, { olderThanMs: 60_000, intervalMs: 60_000 });
    try {
      await relay.sweep();
      expect(received.map((message) => message.job_id)).not.toContain(job.id);
    } finally {
      await relay.stop();
    }
  });

  test('the relay sweeps on its own interval', async () => {
    const { job } = await submitJob({ store, queue: await downQueue(), logger }, { correlationId: 'c-7' });
    const { queue, received } = await collectingQueue();
    queues.push(queue);
    const relay = startRelay({ store, queue, logger }, { olderThanMs: 0, intervalMs: 20 });
    try {
      await waitFor(() => received.some((message) => message.job_id === job.id), {
        what: 'the relay to run',
      });
    } finally {
      await relay.stop();
    }
  });

  test('while the broker is down, a sweep hands off nothing and fails nothing', async () => {
    await submitJob({ store, queue: await downQueue(), logger }, { correlationId: 'c-8' });
    const relay = startRelay(
      { store, queue: await downQueue(), logger },
      { olderThanMs: 0, intervalMs: 60_000 },
    );
    try {
      expect(await relay.sweep()).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  test('describeJob adds the result to a done job only', async () => {
    const { queue } = await collectingQueue();
    queues.push(queue);
    const { job } = await submitJob({ store, queue, logger }, { correlationId: 'c-9' });
    expect(await describeJob(store, job.id)).not.toHaveProperty('result');
    const place = ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'] as [string, string, string, string, string];
    await store.completeJob(job.id, { centroid: [60, 11], most_northerly: place, places: [place] });
    expect(await describeJob(store, job.id)).toMatchObject({
      status: 'done',
      result: { centroid: [60, 11], most_northerly: place },
    });
    expect(await describeJob(store, '0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a')).toBeUndefined();
  });
});
