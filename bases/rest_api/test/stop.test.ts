import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryJobQueue, type JobQueue } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { createStore, type Store } from '@mousetrap/store';
import { describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
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

  test('stop: with clients posting job after job on kept-alive connections, answers what was in flight and returns without waiting out the grace period', async () => {
    const logger = createLogger({ service: 'rest_api_test', level: 'error' });
    // A grace period far longer than the stop may take: a stop that waited for the kept-alive
    // connections to go idle would run into the deadline below.
    const api = await startApi({ store, queue, logger, port: 0, host: '127.0.0.1', graceMs: 120_000 });
    let stopping = false;
    let clientsStop = false;
    // Answers that came after the stop began: requests the server held when it was told to stop.
    let answeredDuringStop = 0;
    const accepted: string[] = [];
    const clients = Array.from({ length: 8 }, async () => {
      while (!clientsStop) {
        await fetch(`http://127.0.0.1:${api.port}/refresh`, { method: 'POST' })
          .then(async (response) => {
            const body = (await response.json()) as { job_id?: string };
            if (stopping) answeredDuringStop += 1;
            if (response.status === 202 && body.job_id) accepted.push(body.job_id);
          })
          // Refused once the server has stopped: what the test is about.
          .catch(() => {});
      }
    });
    try {
      await waitFor(() => accepted.length >= 20, { what: '20 jobs accepted' });
      stopping = true;
      const deadline = new AbortController();
      await Promise.race([
        api.stop().finally(() => deadline.abort()),
        sleep(20_000, undefined, { signal: deadline.signal }).then(() => {
          throw new Error('stop did not return within 20 s');
        }),
      ]);
    } finally {
      clientsStop = true;
      await Promise.all(clients);
    }

    expect(answeredDuringStop).toBeGreaterThan(0);
    // Every job the API answered 202 for is recorded.
    for (const id of accepted) expect(await store.getJob(id)).toMatchObject({ id });
  }, 30_000);
});
