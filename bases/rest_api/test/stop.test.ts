import { createMemoryJobQueue, type JobQueue } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, uniqueName } from '@mousetrap/test_kit';
import { startApi } from '../src/server.ts';

describeWithServices('rest_api stop', ['postgres'], ({ databaseUrl }) => {
  const schema = uniqueName('api_stop');
  let store: Store;
  let queue: JobQueue;

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
    queue = createMemoryJobQueue();
  });

  afterAll(async () => {
    await queue.close();
    await store.close();
    await dropSchema(databaseUrl, schema);
  });

  test('stop: with clients posting job after job on kept-alive connections, returns long before the grace period', async () => {
    const logger = createLogger({ service: 'rest_api_test', level: 'error' });
    const api = await startApi({ store, queue, logger, port: 0, host: '127.0.0.1', graceMs: 10_000 });
    let stopped = false;
    const clients = Array.from({ length: 8 }, async () => {
      while (!stopped) {
        await fetch(`http://127.0.0.1:${api.port}/refresh`, { method: 'POST' })
          .then((response) => response.arrayBuffer())
          .catch(() => {});
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const started = Date.now();
    await api.stop();
    const stopMs = Date.now() - started;
    stopped = true;
    await Promise.all(clients);

    expect(stopMs).toBeLessThan(2000);
  });
});
