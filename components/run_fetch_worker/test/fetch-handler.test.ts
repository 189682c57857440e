import { createPlaceSource, type FetchPlaces } from '@mousetrap/fetch_data';
import {
  connectJobQueue,
  createEnvelope,
  type Envelope,
  type JobQueue,
  queueNames,
} from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { PlacesSchema } from '@mousetrap/process_data';
import { createStore, type Store } from '@mousetrap/store';
import { deleteQueues, describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import * as v from 'valibot';
import { createFetchHandler } from '../src/fetch-handler.ts';

const logger = createLogger({ service: 'test', silent: true });

describeWithServices(
  'createFetchHandler against RabbitMQ and PostgreSQL',
  ['rabbitmq', 'postgres'],
  (urls) => {
    const schema = uniqueName('fetchw');
    let prefix: string;
    let store: Store;
    let queue: JobQueue;

    beforeAll(async () => {
      store = await createStore({ url: urls.databaseUrl, schema, max: 2 });
    });
    afterAll(async () => {
      await store.close();
      await dropSchema(urls.databaseUrl, schema);
    });
    beforeEach(async () => {
      prefix = `${uniqueName('fetchw')}.`;
      queue = await connectJobQueue({ url: urls.rabbitmqUrl, prefix });
    });
    afterEach(async () => {
      await queue.close();
      await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
    });

    const handlerWith = (fetchPlaces: FetchPlaces = createPlaceSource({ delayMs: 0 })) =>
      createFetchHandler({ queue, store, fetchPlaces, logger });
    const startMessage = (jobId: string, payload: unknown = {}) =>
      createEnvelope({ type: 'start_fetch', jobId, correlationId: 'corr-1', payload });
    const FIRST = { attempt: 1, final: false };
    /** A handler whose database is away: its store is closed. */
    const handlerOnClosedStore = async () => {
      const away = await createStore({ url: urls.databaseUrl, schema, max: 1 });
      await away.close();
      return createFetchHandler({
        queue,
        store: away,
        fetchPlaces: createPlaceSource({ delayMs: 0 }),
        logger,
      });
    };
    const waitingMessages = async () =>
      (await queue.stats()).find((stats) => stats.queue === 'data_processing')?.messages;

    test('moves the job to fetching and hands 2–8 valid places to data_processing', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const received: Envelope[] = [];
      await queue.consume('data_processing', async (message) => void received.push(message));

      await expect(handlerWith()(startMessage(job.id), FIRST)).resolves.toBeUndefined();

      expect((await store.getJob(job.id))?.status).toBe('fetching');
      const [message] = await waitFor(() => received.length > 0 && received, {
        what: 'the data_processing message',
      });
      expect(message).toMatchObject({
        id: `${job.id}:data_processing`,
        type: 'data_processing',
        job_id: job.id,
        correlation_id: 'corr-1',
      });
      const places = v.parse(PlacesSchema, (message?.payload as { places?: unknown } | undefined)?.places);
      expect(places.length).toBeGreaterThanOrEqual(2);
      expect(places.length).toBeLessThanOrEqual(8);
    });

    test('consuming start_fetch through the broker publishes to data_processing', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const received: Envelope[] = [];
      await queue.consume('data_processing', async (message) => void received.push(message));
      await queue.consume('start_fetch', handlerWith());
      await queue.publish('start_fetch', startMessage(job.id));
      await waitFor(() => received.some((message) => message.job_id === job.id), { what: 'the hand-off' });
    });

    test('when the job is already past fetching, acknowledges without publishing again', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      await store.startStage(job.id, 'processing');
      await expect(handlerWith()(startMessage(job.id), FIRST)).resolves.toBeUndefined();
      expect(await waitingMessages()).toBe(0);
      expect((await store.getJob(job.id))?.status).toBe('processing');
    });

    test('when the job is already fetching (a redelivery), fetches and publishes again', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      await store.startStage(job.id, 'fetching');
      await handlerWith()(startMessage(job.id), FIRST);
      expect(await waitingMessages()).toBe(1);
    });

    test('a message for an unknown job is dead-lettered', async () => {
      const result = await handlerWith()(startMessage('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a'), FIRST);
      expect(result).toEqual({ deadLetter: 'no job with this id' });
    });

    test('a payload other than {} is dead-lettered without touching the job', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      expect(await handlerWith()(startMessage(job.id, { places: [] }), FIRST)).toEqual({
        deadLetter: 'start_fetch payload must be {}',
      });
      expect((await store.getJob(job.id))?.status).toBe('queued');
    });

    test('when the data source fails, throws so the message is delivered again', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const failing = createPlaceSource({ url: 'http://127.0.0.1:9/places', timeoutMs: 500 });
      await expect(handlerWith(failing)(startMessage(job.id), FIRST)).rejects.toThrow();
      expect(await waitingMessages()).toBe(0);
      expect((await store.getJob(job.id))?.status).toBe('fetching');
    });

    test('when the data source fails on the final attempt, marks the job failed and dead-letters the message', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const failing = createPlaceSource({ delayMs: 0, failureRate: 1 });
      const reason = /^fetch failed after 4 attempts: .*simulated source failed/;
      await expect(handlerWith(failing)(startMessage(job.id), { attempt: 4, final: true })).resolves.toEqual({
        deadLetter: expect.stringMatching(reason),
      });
      expect(await store.getJob(job.id)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(reason),
      });
      expect(await waitingMessages()).toBe(0);
    });

    test('when the database is away on the final attempt, the message is tried again later', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const handler = await handlerOnClosedStore();
      await expect(handler(startMessage(job.id), { attempt: 4, final: true })).resolves.toEqual({
        retryLater: expect.any(String),
      });
      expect((await store.getJob(job.id))?.status).toBe('queued');
    });

    test('before the final attempt, a database that is away makes the handler throw, for a retry', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const handler = await handlerOnClosedStore();
      await expect(handler(startMessage(job.id), FIRST)).rejects.toThrow();
    });
  },
);
