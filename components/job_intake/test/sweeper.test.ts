import {
  connectBroker,
  connectJobQueue,
  createMemoryJobQueue,
  type Envelope,
  type JobQueue,
  queueNames,
} from '@mousetrap/job_queue';
import { createStore, type Store } from '@mousetrap/store';
import {
  captureLogger,
  deleteQueues,
  describeWithServices,
  dropSchema,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';
import postgres from 'postgres';
import { type Sweeper, type SweeperOptions, startSweeper } from '../src/sweeper.ts';

describeWithServices('the sweeper of stalled jobs', ['postgres'], ({ databaseUrl }) => {
  let schema = '';
  let store: Store;
  let sql: postgres.Sql;
  const cleanups: (() => Promise<void>)[] = [];

  /** Makes a job's last progress `ageMs` old. */
  const idle = (jobId: string, ageMs: number) =>
    sql`update ${sql(schema)}.jobs set progress_at = now() - ${ageMs} * interval '1 millisecond' where id = ${jobId}`;
  const lapseClaim = (jobId: string) =>
    sql`update ${sql(schema)}.jobs set claimed_until = null where id = ${jobId}`;

  /** A job handed off and left at `stage` for a minute. */
  const stuckJob = async (stage: 'queued' | 'fetching' | 'processing') => {
    const { job } = await store.createJob({ correlationId: `stuck-${stage}` });
    await store.markPublished(job.id);
    if (stage !== 'queued') await store.startStage(job.id, stage);
    await idle(job.id, 60_000);
    return job.id;
  };

  /** As after a run of npm start that died, not stopped cleanly: the next start counts what a worker held. */
  const afterADeath = () => store.beginAloneRun();

  /** A memory transport whose start_fetch messages are collected, the consumer only when asked. */
  const collectingQueue = async (consume = true) => {
    const queue = createMemoryJobQueue();
    cleanups.push(() => queue.close());
    const received: Envelope[] = [];
    if (consume) await queue.consume('start_fetch', async (message) => void received.push(message));
    return { queue, received };
  };

  const sweeperOn = (queue: JobQueue, options: SweeperOptions = {}) => {
    const logger = captureLogger();
    const sweeper: Sweeper = startSweeper(
      { store, queue, logger },
      { stageTimeoutMs: 30_000, maxRedrives: 2, intervalMs: 60_000, ...options },
    );
    cleanups.push(() => sweeper.stop());
    return { sweeper, logger };
  };

  beforeEach(async () => {
    schema = uniqueName('sweep');
    store = await createStore({ url: databaseUrl, schema, max: 2 });
    sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    await sql.end({ timeout: 5 });
    await dropSchema(databaseUrl, schema);
  });

  test('a job stalled at each stage is re-driven: its start_fetch published again, marked a re-drive, its count up', async () => {
    const ids = [await stuckJob('queued'), await stuckJob('fetching'), await stuckJob('processing')];
    const { queue, received } = await collectingQueue();
    const { sweeper, logger } = sweeperOn(queue);

    expect(await sweeper.sweep()).toEqual({ redriven: 3, failed: 0 });

    await waitFor(() => received.length === 3, { what: 'three re-driven messages' });
    expect(received.map((message) => message.job_id).sort()).toEqual([...ids].sort());
    expect(received.every((message) => message.type === 'start_fetch')).toBe(true);
    expect(received.map((message) => message.payload)).toEqual([
      { redrive: true },
      { redrive: true },
      { redrive: true },
    ]);
    for (const id of ids) expect(await store.getJob(id)).toMatchObject({ redrives: 1 });
    expect(logger.lines.filter((line) => line.message === 'stalled job re-driven')).toHaveLength(3);
    // The clock started again: nothing is stalled until the budget runs out once more.
    expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 0 });
  });

  test('after maxRedrives re-drives, a stalled job is failed with a reason that names its stage', async () => {
    const jobId = await stuckJob('fetching');
    const { queue } = await collectingQueue();
    const stalled: string[] = [];
    const { sweeper } = sweeperOn(queue, { onStalled: (outcome) => stalled.push(outcome) });

    for (let round = 0; round < 2; round += 1) {
      expect(await sweeper.sweep()).toEqual({ redriven: 1, failed: 0 });
      await idle(jobId, 60_000);
      await lapseClaim(jobId);
    }
    expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 1 });

    expect(await store.getJob(jobId)).toMatchObject({
      status: 'failed',
      redrives: 2,
      error: 'no progress in fetching for 30 s after 2 re-drives',
    });
    expect(stalled).toEqual(['redriven', 'redriven', 'failed']);
  });

  test.each(['start_fetch', 'data_processing'] as const)(
    'jobs at every stage wait while %s has a backlog being consumed, for three budgets, and for one once nobody has consumed it for a budget',
    async (backlog) => {
      // A job at any stage may be waiting in either queue: a retry goes back to the tail of its
      // queue, a re-drive starts at start_fetch, a fast fetch leaves its job queued in data_processing.
      const stages = ['queued', 'fetching', 'processing'] as const;
      const waiting = await Promise.all(stages.map((stage) => stuckJob(stage)));
      // A budget of 2 s: idle 3 s, these wait behind the backlog; idle 7 s, that one is taken for lost.
      for (const id of waiting) await idle(id, 3000);
      const lost = await stuckJob('fetching');
      await idle(lost, 7000);
      const queue = createMemoryJobQueue({ prefetch: 1 });
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const consumer = await queue.consume(backlog, async () => {
        await held;
        return undefined;
      });
      cleanups.push(async () => {
        release();
        await queue.close();
      });
      // One message held by the consumer, one waiting behind it: a backlog being worked.
      for (const _ of [1, 2])
        await queue.publish(backlog, { ...backlogMessage, type: backlog, job_id: crypto.randomUUID() });
      // The second sweep must come within the budget of the first, a few queries later.
      const { sweeper } = sweeperOn(queue, { stageTimeoutMs: 2000 });

      expect(await sweeper.sweep()).toEqual({ redriven: 1, failed: 0 });
      expect(await store.getJob(lost)).toMatchObject({ redrives: 1 });

      // The consumer goes, its message back in the queue: the backlog stays, with nobody reading it.
      await consumer.cancel(20);
      release();
      // A consumer gone for a moment (a worker restarting) leaves the backlog alone...
      expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 0 });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      // ...one gone for a whole budget does not (the job re-driven just now is kept out).
      expect(await sweeper.sweep()).toEqual({ redriven: 3, failed: 0 });
      for (const id of waiting) expect(await store.getJob(id)).toMatchObject({ redrives: 1 });
    },
  );

  test('while the broker is away, nothing is claimed or counted', async () => {
    const jobId = await stuckJob('fetching');
    const { queue } = await collectingQueue();
    await queue.close();
    const { sweeper } = sweeperOn(queue);

    expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 0 });

    expect(await store.getJob(jobId)).toMatchObject({ status: 'fetching', redrives: 0 });
    expect(await store.claimStalledJobs(30_000, 10, 1000, ['fetching'])).toHaveLength(1);
  });

  test('a sweep that cannot read the queues says so once, however many sweeps it lasts', async () => {
    const jobId = await stuckJob('fetching');
    const { queue } = await collectingQueue();
    await queue.close();
    const { sweeper, logger } = sweeperOn(queue);

    for (const _ of [1, 2, 3]) expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 0 });

    expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'the sweeper cannot read the queues; no stalled job is swept until it can',
    ]);
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 0 });
  });

  test('redriveUnfinished: re-drives every unfinished job once, over several batches', async () => {
    const many = await Promise.all(Array.from({ length: 7 }, () => stuckJob('fetching')));
    const { queue, received } = await collectingQueue();
    const { sweeper } = sweeperOn(queue, { batchSize: 3 });

    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 7, failed: 0 });

    await waitFor(() => received.length === 7, { what: 'seven messages' });
    expect(received.map((message) => message.job_id).sort()).toEqual([...many].sort());
  });

  test('redriveUnfinished: takes every unfinished job, handed off, claimed or not, and counts only those a worker held', async () => {
    await afterADeath();
    const { job: fresh } = await store.createJob({ correlationId: 'fresh' });
    await store.markPublished(fresh.id);
    await store.startStage(fresh.id, 'processing');
    const queued = await stuckJob('queued');
    const claimed = await stuckJob('fetching');
    await store.claimStalledJobs(30_000, 100, 60_000, ['fetching']);
    const { job: unpublished } = await store.createJob({ correlationId: 'unpublished' });
    const { queue, received } = await collectingQueue();
    const { sweeper } = sweeperOn(queue);

    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 4, failed: 0 });

    await waitFor(() => received.length === 4, { what: 'four messages' });
    expect(received.map((message) => message.job_id).sort()).toEqual(
      [fresh.id, queued, claimed, unpublished.id].sort(),
    );
    // A worker had started the stages of these two; the others waited in a queue.
    expect(await store.getJob(fresh.id)).toMatchObject({ status: 'processing', redrives: 1 });
    expect(await store.getJob(claimed)).toMatchObject({ status: 'fetching', redrives: 1 });
    expect(await store.getJob(queued)).toMatchObject({ status: 'queued', redrives: 0 });
    const handedOff = await store.getJob(unpublished.id);
    expect(handedOff).toMatchObject({ status: 'queued', redrives: 0 });
    expect(handedOff?.published_at).not.toBeNull();
  });

  test('redriveUnfinished: a job counts again only if a worker started it after its last re-drive, however soon', async () => {
    await afterADeath();
    const jobId = await stuckJob('fetching');
    const queue = createMemoryJobQueue();
    cleanups.push(() => queue.close());
    // A re-drive's fetch writes its start before the work: here as soon as the message arrives,
    // which the in-memory transport does before the publish resolves.
    let eager = true;
    let started = 0;
    await queue.consume('start_fetch', async (message) => {
      if (!eager) return;
      await store.startStage(message.job_id, 'fetching');
      started += 1;
    });
    const { sweeper } = sweeperOn(queue);

    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 1, failed: 0 });
    await waitFor(() => started === 1, { what: 'the stage start' });
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 1 });
    // Held again when the process stopped: counted again.
    eager = false;
    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 1, failed: 0 });
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 2 });
    // Not started by a worker after that re-drive (it waited in the queue): not counted.
    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 1, failed: 0 });
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 2 });
  });

  test('redriveUnfinished: a job re-driven alone counts again if a worker started it, even before the publish was confirmed', async () => {
    await afterADeath();
    const jobId = await stuckJob('fetching');
    // Held at two stops, not started since its last re-drive: re-driven alone, not counted.
    await sql`update ${sql(schema)}.jobs set redrives = 2, redriven_at = now() where id = ${jobId}`;
    const memory = createMemoryJobQueue();
    cleanups.push(() => memory.close());
    let started = 0;
    await memory.consume('start_fetch', async (message) => {
      await store.startStage(message.job_id, 'fetching');
      started += 1;
    });
    // The confirm comes only once the worker has written the stage's start, as a broker's may.
    const queue: JobQueue = {
      ...memory,
      async publish(name, message) {
        const before = started;
        await memory.publish(name, message);
        await waitFor(() => started > before, { what: 'the stage start' });
      },
    };
    const { sweeper } = sweeperOn(queue);

    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 1, failed: 0 });
    // Its turn is over once it was published and its claim lifted.
    await waitFor(
      async () => {
        const [row] = await sql`select claimed_until from ${sql(schema)}.jobs where id = ${jobId}`;
        return started === 1 && row?.claimed_until === null;
      },
      { what: 'the re-drive alone' },
    );
    expect(await store.getJob(jobId)).toMatchObject({ redrives: 2 });
    // Held again when the process stopped: its third death, one more than maxRedrives allow.
    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 0, failed: 1 });
    expect(await store.getJob(jobId)).toMatchObject({ status: 'failed', redrives: 3 });
  });

  test('redriveUnfinished: jobs a worker held at two stops are re-driven one at a time, each once the one before ended', async () => {
    await afterADeath();
    const first = await stuckJob('fetching');
    await idle(first, 120_000);
    const second = await stuckJob('processing');
    await sql`update ${sql(schema)}.jobs set redrives = 1 where id in ${sql([first, second])}`;
    const { queue, received } = await collectingQueue();
    const { sweeper } = sweeperOn(queue, { maxRedrives: 3 });

    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 2, failed: 0 });

    await waitFor(() => received.length === 1, { what: 'the first re-drive' });
    expect(received[0]?.job_id).toBe(first);
    // Alone until it ends: the second waits, and no sweep takes it meanwhile, however idle.
    await idle(second, 120_000);
    expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toHaveLength(1);
    // Failed and retried while it waited: its turn re-drives it as one of its new run.
    await store.failJob(second, 'failed meanwhile');
    await store.reopenJob(second);
    const lastFailedAt = (await store.getJob(second))?.last_failed_at ?? '';
    await store.failJob(first, 'ended');
    await waitFor(() => received.length === 2, { what: 'the second re-drive' });
    expect(received[1]?.job_id).toBe(second);
    expect(Date.parse(received[1]?.occurred_at ?? '')).toBeGreaterThan(Date.parse(lastFailedAt));
  });

  test('redriveUnfinished: a job a worker held at more stops than maxRedrives allow is failed, with why', async () => {
    await afterADeath();
    const jobId = await stuckJob('fetching');
    await sql`update ${sql(schema)}.jobs set redrives = 2 where id = ${jobId}`;
    const { queue, received } = await collectingQueue();
    const { sweeper, logger } = sweeperOn(queue);

    expect(await sweeper.redriveUnfinished()).toEqual({ redriven: 0, failed: 1 });

    const failed = await store.getJob(jobId);
    expect(failed).toMatchObject({ status: 'failed', redrives: 3 });
    expect(failed?.error).toBe(
      'unfinished in fetching, in a worker, when the process stopped 3 times: its work may be what stops the process',
    );
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({
        message: 'job held at too many deaths failed',
        context: expect.objectContaining({ job_id: jobId }),
      }),
    ]);
    expect(received).toEqual([]);
  });
});

const backlogMessage: Envelope = {
  id: 'backlog:start_fetch',
  type: 'start_fetch',
  version: 1,
  job_id: '00000000-0000-4000-8000-000000000000',
  correlation_id: 'backlog',
  occurred_at: new Date(0).toISOString(),
  payload: {},
};

describeWithServices('the sweeper on RabbitMQ', ['rabbitmq', 'postgres'], ({ rabbitmqUrl, databaseUrl }) => {
  const schema = uniqueName('sweeprmq');
  const prefix = `${schema}.`;
  let store: Store;
  let queue: JobQueue;

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema, max: 2 });
    queue = await connectJobQueue({ url: rabbitmqUrl, prefix, logger: captureLogger() });
  });
  afterAll(async () => {
    await queue.close();
    await store.close();
    await dropSchema(databaseUrl, schema);
    await deleteQueues(rabbitmqUrl, queueNames(prefix));
  });

  test('a dead-letter queue deleted under the API is declared again, and the stalled jobs are swept', async () => {
    const { job } = await store.createJob({ correlationId: 'stuck-dead-queue' });
    await store.markPublished(job.id);
    await store.startStage(job.id, 'fetching');
    const broker = await connectBroker(rabbitmqUrl);
    try {
      const channel = await broker.createChannel();
      await channel.deleteQueue(`${prefix}start_fetch.dead`);
      await channel.close();
      const sweeper = startSweeper(
        { store, queue, logger: captureLogger() },
        { stageTimeoutMs: 1, maxRedrives: 0, intervalMs: 60_000 },
      );
      try {
        expect(await sweeper.sweep()).toEqual({ redriven: 0, failed: 1 });
      } finally {
        await sweeper.stop();
      }
      const check = await broker.createChannel();
      await expect(check.checkQueue(`${prefix}start_fetch.dead`)).resolves.toMatchObject({
        queue: `${prefix}start_fetch.dead`,
      });
      await check.close();
    } finally {
      await broker.close();
    }
    expect(await store.getJob(job.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^no progress in fetching/),
    });
  });
});
