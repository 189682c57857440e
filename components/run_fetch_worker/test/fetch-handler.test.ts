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

    const handlerWith = (
      fetchPlaces: FetchPlaces = createPlaceSource({ delayMs: 0 }),
      stageStartAfterMs?: number,
    ) =>
      createFetchHandler({
        queue,
        store,
        fetchPlaces,
        logger,
        ...(stageStartAfterMs === undefined ? {} : { stageStartAfterMs }),
      });
    /** A handler whose fetch (300 ms) outlasts the wait before its stage start is written (200 ms). */
    const slowHandler = () => handlerWith(createPlaceSource({ delayMs: 300 }), 200);
    const startMessage = (jobId: string, payload: unknown = {}) =>
      createEnvelope({ type: 'start_fetch', jobId, correlationId: 'corr-1', payload });
    const FIRST = { attempt: 1, redeliveries: 0, exhausted: false, final: false };
    /** A delivery after a worker died on the message: its stage start is written before the fetch. */
    const REDELIVERED = { ...FIRST, redeliveries: 1 };
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

    const handedOn = async (handle: () => Promise<unknown>) => {
      const received: Envelope[] = [];
      await queue.consume('data_processing', async (message) => void received.push(message));
      await expect(handle()).resolves.toBeUndefined();
      const [message] = await waitFor(() => received.length > 0 && received, {
        what: 'the data_processing message',
      });
      return message as Envelope & { payload: { places?: unknown; fetching_at?: string } };
    };

    test('a fast first fetch hands 2–8 valid places and its start time to data_processing, writing nothing', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const before = Date.now();

      const message = await handedOn(() => handlerWith()(startMessage(job.id), FIRST));

      expect((await store.getJob(job.id))?.status).toBe('queued');
      expect(message).toMatchObject({
        id: `${job.id}:data_processing`,
        type: 'data_processing',
        job_id: job.id,
        correlation_id: 'corr-1',
      });
      const places = v.parse(PlacesSchema, message.payload.places);
      expect(places.length).toBeGreaterThanOrEqual(2);
      expect(places.length).toBeLessThanOrEqual(8);
      const fetchingAt = Date.parse(message.payload.fetching_at ?? '');
      expect(fetchingAt).toBeGreaterThanOrEqual(before);
      expect(fetchingAt).toBeLessThanOrEqual(Date.now());
    });

    test('a fetch that outlasts the stage start wait moves the job to fetching as of its start, and hands on the places alone', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      // Taken when the handler starts, not before handedOn sets up its consumer: declaring the
      // consumer's queues can take a good part of the 200 ms on a busy broker.
      let before = 0;
      const message = await handedOn(() => {
        before = Date.now();
        return slowHandler()(startMessage(job.id), FIRST);
      });

      const fetching = await store.getJob(job.id);
      expect(fetching).toMatchObject({ status: 'fetching', attempts: 1 });
      // Written 200 ms into the fetch, it holds when the fetch began.
      expect(Date.parse(fetching?.fetching_at ?? '')).toBeLessThan(before + 200);
      expect(message.payload.fetching_at).toBeUndefined();
      expect(v.parse(PlacesSchema, message.payload.places).length).toBeGreaterThanOrEqual(2);
    });

    test('a redelivery moves the job to fetching before it fetches', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      let status: string | undefined;
      const looking: FetchPlaces = async () => {
        status = (await store.getJob(job.id))?.status;
        return [PLACE, PLACE];
      };

      const message = await handedOn(() => handlerWith(looking)(startMessage(job.id), REDELIVERED));

      expect(status).toBe('fetching');
      expect(message.payload.fetching_at).toBeUndefined();
    });

    test('consuming start_fetch through the broker publishes to data_processing', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const received: Envelope[] = [];
      await queue.consume('data_processing', async (message) => void received.push(message));
      await queue.consume('start_fetch', handlerWith());
      await queue.publish('start_fetch', startMessage(job.id));
      await waitFor(() => received.some((message) => message.job_id === job.id), { what: 'the hand-off' });
    });

    test.each([
      ['a redelivery', handlerWith, REDELIVERED],
      ['a first delivery whose fetch outlasts the stage start wait', slowHandler, FIRST],
    ])(
      'when the job is already past fetching, %s is acknowledged without publishing again',
      async (_, handler, delivery) => {
        const { job } = await store.createJob({ correlationId: 'corr-1' });
        await store.startStage(job.id, 'processing');
        await expect(handler()(startMessage(job.id), delivery)).resolves.toBeUndefined();
        expect(await waitingMessages()).toBe(0);
        expect((await store.getJob(job.id))?.status).toBe('processing');
      },
    );

    test('when the job is already fetching (a redelivery), fetches and publishes again', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      await store.startStage(job.id, 'fetching');
      await handlerWith()(startMessage(job.id), REDELIVERED);
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

      // A fast first delivery writes nothing, so its unknown job is found where the job ends.
      const result = await handler(startMessage('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a'), REDELIVERED);

      expect(result).toEqual({ deadLetter: expect.stringMatching(/^unknown job/) });
      expect(unknown).toBe(1);
      expect(capturing.lines).toContainEqual(
        expect.objectContaining({ level: 'error', message: expect.stringContaining('database and schema') }),
      );
    });

    test('a fast first delivery needs no database: it hands the places on while the database is away', async () => {
      const { job } = await store.createJob({ correlationId: 'corr-1' });
      const handler = await handlerOnClosedStore();

      const message = await handedOn(() => handler(startMessage(job.id), FIRST));

      expect(message).toMatchObject({ job_id: job.id, payload: { fetching_at: expect.any(String) } });
    });

    test('a fast first delivery for a job the database does not have hands it on, to be found where it ends', async () => {
      let unknown = 0;
      const handler = createFetchHandler({
        queue,
        store,
        fetchPlaces: createPlaceSource({ delayMs: 0 }),
        logger,
        onUnknownJob: () => void unknown++,
      });
      const jobId = '0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a';

      const message = await handedOn(() => handler(startMessage(jobId), FIRST));

      expect(message.job_id).toBe(jobId);
      expect(unknown).toBe(0);
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
      // Failed before its stage start was due, the try is recorded all the same.
      expect(await store.getJob(job.id)).toMatchObject({ status: 'fetching', attempts: 1 });
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
      await expect(handler(startMessage(job.id), REDELIVERED)).rejects.toMatchObject({
        name: 'StoreError',
        code: 'unavailable',
      });
    });
  },
);
