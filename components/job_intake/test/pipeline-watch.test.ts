import { createEnvelope, createMemoryJobQueue } from '@mousetrap/job_queue';
import { createStore, type Store } from '@mousetrap/store';
import { captureLogger, describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import { readPipelineHealth, startPipelineWatch } from '../src/pipeline-watch.ts';

describeWithServices('the pipeline watch', ['postgres'], ({ databaseUrl }) => {
  let schema = '';
  let store: Store;

  beforeEach(async () => {
    schema = uniqueName('watch');
    store = await createStore({ url: databaseUrl, schema, max: 2 });
  });

  afterEach(async () => {
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  const message = () =>
    createEnvelope({ type: 'start_fetch', jobId: crypto.randomUUID(), correlationId: 'watch', payload: {} });

  test('readPipelineHealth: unfinished jobs, the oldest one’s age, the queues, and those nobody consumes', async () => {
    const queue = createMemoryJobQueue();
    try {
      const { job } = await store.createJob({ correlationId: 'waiting' });
      await store.createJob({ correlationId: 'waiting too' });
      await queue.publish('start_fetch', message());
      await queue.consume('data_processing', async () => undefined);

      const health = await readPipelineHealth({ store, queue }, 60_000);

      expect(health).toMatchObject({ unfinished: 2, stalled: 0, unconsumed: ['start_fetch'] });
      expect(health.oldestUnfinishedSeconds).toBeGreaterThanOrEqual(0);
      expect(health.oldestUnfinishedSeconds).toBeLessThan(
        (Date.now() - Date.parse(job.created_at)) / 1000 + 1,
      );
      expect(health.queues).toEqual([
        { queue: 'start_fetch', messages: 1, consumers: 0, deadLetters: 0 },
        { queue: 'data_processing', messages: 0, consumers: 1, deadLetters: 0 },
      ]);
    } finally {
      await queue.close();
    }
  });

  test('readPipelineHealth: with the broker away, the queues are unknown and nothing is called unconsumed', async () => {
    const queue = createMemoryJobQueue();
    await queue.close();
    expect(await readPipelineHealth({ store, queue }, 60_000)).toMatchObject({
      queues: undefined,
      unconsumed: [],
    });
  });

  test('the watch warns once when messages wait with no consumer, and says when one reads them again', async () => {
    const queue = createMemoryJobQueue();
    const logger = captureLogger();
    const watch = startPipelineWatch(
      { store, queue, logger },
      { stageTimeoutMs: 60_000, intervalMs: 60_000 },
    );
    try {
      await queue.publish('start_fetch', message());
      await watch.look();
      await watch.look();
      const consumer = await queue.consume('start_fetch', async () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await watch.look();
      await consumer.cancel();

      const said = logger.lines.map((line) => [line.level, line.message]);
      expect(said).toEqual([
        [
          'warn',
          'start_fetch: messages wait and no consumer reads them; is a fetch worker running, with the same queue prefix as the API?',
        ],
        ['info', 'start_fetch: no longer waits for a consumer'],
      ]);
      expect(watch.latest()?.unconsumed).toEqual([]);
    } finally {
      await watch.stop();
      await queue.close();
    }
  });
});
