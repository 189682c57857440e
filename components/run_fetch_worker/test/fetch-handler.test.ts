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
import {
  captureLogger,
  deleteQueues,
  describeWithServices,
  dropSchema,
  uniqueName,
  waitFor,
} from '@mousetrap/test_kit';
import * as v from 'valibot';
import { createFetchHandler } from '../src/fetch-handler.ts';

const logger = createLogger({ service: 'test', silent: true });
const PLACE: [string, string, string, string, string] = ['59.9', '10.7', 'Oslo', 'NO', 'Europe/Oslo'];

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
    const FIRST = { attempt: 1, redeliveries: 0, exhausted: false, final: false };
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

    test('a message for an unknown job is dead-lettered, counted and logged as an error naming the likely cause', async () => {
      const capturing = captureLogger();
      let unknown = 0;
      const handler = createFetchHandler({
        queue,
        store,
        fetchPlaces: createPlaceSource({ delayMs: 0 }),
        logger: capturing,
        onUnknownJob: () => {
          unknown += 1;
        },
      });

      const result = await handler(startMessage('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a'), FIRST);

      expect(result).toEqual({ deadLetter: expect.stringMatching(/^unknown job/) });
      expect(unknown).toBe(1);
      expect(capturing.lines).toContainEqual(
        expect.objectContaining({ level: 'error', message: expect.stringContaining('database and schema') }),
      );
    });

    test('a payload other than {} or a re-drive is poison: the job is failed with the reason and the message dead-lettered', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      expect(await handlerWith()(startMessage(job.id, { places: [] }), FIRST)).toEqual({
        deadLetter: expect.stringMatching(/^poison: start_fetch payload must be/),
      });
      expect(await store.getJob(job.id)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^poison: /),
      });
      expect(await waitingMessages()).toBe(0);
    });

    test('a re-drive of a job stalled in processing fetches again and hands the places on, leaving it processing', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      await store.startStage(job.id, 'processing');

      await expect(handlerWith()(startMessage(job.id, { redrive: true }), FIRST)).resolves.toBeUndefined();

      expect(await waitingMessages()).toBe(1);
      expect((await store.getJob(job.id))?.status).toBe('processing');
    });

    test('a re-drive of a job that is done changes nothing', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      await store.completeJob(job.id, { centroid: [1, 2], most_northerly: PLACE, places: [PLACE] });

      await expect(handlerWith()(startMessage(job.id, { redrive: true }), FIRST)).resolves.toBeUndefined();

      expect(await waitingMessages()).toBe(0);
      expect((await store.getJob(job.id))?.status).toBe('done');
    });

    test('an exhausted delivery fails the job ("delivery limit reached") without fetching', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      let fetched = 0;
      const counting: FetchPlaces = async () => {
        fetched += 1;
        return [PLACE, PLACE];
      };
      const exhausted = { attempt: 1, redeliveries: 5, exhausted: true, final: true };

      const result = await handlerWith(counting)(startMessage(job.id), exhausted);

      const reason = /^delivery limit reached: start_fetch delivered 6 times without being settled/;
      expect(result).toEqual({ deadLetter: expect.stringMatching(reason) });
      expect(fetched).toBe(0);
      expect(await store.getJob(job.id)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(reason),
      });
    });

    test('when the data source fails, throws so the message is delivered again', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const failing = createPlaceSource({ url: 'http://127.0.0.1:9/places', timeoutMs: 500 });
      await expect(handlerWith(failing)(startMessage(job.id), FIRST)).rejects.toMatchObject({
        name: 'FetchError',
        code: 'network',
      });
      expect(await waitingMessages()).toBe(0);
      expect((await store.getJob(job.id))?.status).toBe('fetching');
    });

    test('when the data source fails on the final attempt, marks the job failed and dead-letters the message', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const failing = createPlaceSource({ delayMs: 0, failureRate: 1 });
      const reason = /^fetch failed after 4 attempts: .*simulated source failed/;
      await expect(
        handlerWith(failing)(startMessage(job.id), {
          attempt: 4,
          redeliveries: 0,
          exhausted: false,
          final: true,
        }),
      ).resolves.toEqual({
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
      await expect(
        handler(startMessage(job.id), { attempt: 4, redeliveries: 0, exhausted: false, final: true }),
      ).resolves.toEqual({
        retryLater: expect.any(String),
      });
      expect((await store.getJob(job.id))?.status).toBe('queued');
    });

    test('before the final attempt, a database that is away makes the handler throw, for a retry', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const handler = await handlerOnClosedStore();
      await expect(handler(startMessage(job.id), FIRST)).rejects.toMatchObject({
        name: 'StoreError',
        code: 'unavailable',
      });
    });
  },
);
