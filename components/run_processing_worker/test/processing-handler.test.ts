import { createPlaceSource } from '@mousetrap/fetch_data';
import { connectJobQueue, createEnvelope, type Delivery, queueNames } from '@mousetrap/job_queue';
import { createLogger } from '@mousetrap/log';
import { type Place, processData } from '@mousetrap/process_data';
import { createStore, type Store } from '@mousetrap/store';
import { deleteQueues, describeWithServices, dropSchema, uniqueName, waitFor } from '@mousetrap/test_kit';
import postgres from 'postgres';
import { createProcessingHandler } from '../src/processing-handler.ts';

const logger = createLogger({ service: 'test', silent: true });
const places: Place[] = [
  ['54.84444', '38.16694', 'Kashira', 'RU', 'Europe/Moscow'],
  ['55.75583', '37.61778', 'Moscow', 'RU', 'Europe/Moscow'],
  ['42.50000', '1.51667', 'Andorra', 'AD', 'Europe/Andorra'],
];

describeWithServices('createProcessingHandler against PostgreSQL', ['postgres'], (urls) => {
  const schema = uniqueName('procw');
  let store: Store;

  beforeAll(async () => {
    store = await createStore({ url: urls.databaseUrl, schema, max: 2 });
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(urls.databaseUrl, schema);
  });

  const FIRST = { attempt: 1, redeliveries: 0, exhausted: false, final: false };
  const message = (jobId: string, payload: unknown) =>
    createEnvelope({ type: 'data_processing', jobId, correlationId: 'corr-2', payload });
  const handle = (jobId: string, payload: unknown, delivery: Delivery = FIRST) =>
    createProcessingHandler({ store, logger, delayMs: 0 })(message(jobId, payload), delivery);
  /**
   * Makes PostgreSQL refuse the result of one job (a trigger raising on its insert), as a database
   * that takes the connection but not the write does; resolves with the undoing of it.
   */
  const refuseResultOf = async (jobId: string): Promise<() => Promise<void>> => {
    const sql = postgres(urls.databaseUrl, { max: 1, onnotice: () => {} });
    const results = sql(`${schema}.results`);
    const refuse = sql(`${schema}.refuse_result`);
    await sql`
      create function ${refuse}() returns trigger language plpgsql as $$
      begin
        if new.job_id = ${sql.unsafe(`'${jobId}'`)} then raise exception 'result refused'; end if;
        return new;
      end $$
    `;
    await sql`create trigger refuse_result before insert on ${results} for each row execute function ${refuse}()`;
    return async () => {
      await sql`drop trigger refuse_result on ${results}`;
      await sql`drop function ${refuse}()`;
      await sql.end();
    };
  };

  test('stores the summary and the places and marks the job done', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    await expect(handle(job.id, { places })).resolves.toBeUndefined();
    expect((await store.getJob(job.id))?.status).toBe('done');
    const result = await store.latestResult();
    expect(result).toMatchObject({ job_id: job.id, ...processData(places), places });
  });

  test('a fast first delivery takes a queued job to done, its stage times and attempts written with the result', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const fetchingAt = new Date(Date.now() - 1000).toISOString();
    const before = Date.now();

    await expect(handle(job.id, { places, fetching_at: fetchingAt })).resolves.toBeUndefined();

    const done = await store.getJob(job.id);
    expect(done).toMatchObject({ status: 'done', fetching_at: fetchingAt, attempts: 2 });
    expect(Date.parse(done?.processing_at ?? '')).toBeGreaterThanOrEqual(before - 5);
    expect(Date.parse(done?.processing_at ?? '')).toBeLessThanOrEqual(Date.parse(done?.done_at ?? ''));
    expect(done?.published_at).not.toBeNull();
  });

  test('processing that outlasts the stage start wait moves the job to processing as of its start, then done', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const fetchingAt = new Date().toISOString();
    // Work of 1 s, so that the status the test looks for lasts long after the start is written.
    const handler = createProcessingHandler({ store, logger, delayMs: 1000, stageStartAfterMs: 150 });
    const before = Date.now();

    const handled = handler(message(job.id, { places, fetching_at: fetchingAt }), FIRST);
    const processing = await waitFor(
      async () => {
        const current = await store.getJob(job.id);
        return current?.status === 'processing' && current;
      },
      { what: 'the processing stage start' },
    );
    await expect(handled).resolves.toBeUndefined();

    const done = await store.getJob(job.id);
    expect(done).toMatchObject({ status: 'done', fetching_at: fetchingAt, attempts: 2 });
    expect(done?.processing_at).toBe(processing.processing_at);
    // Written 150 ms into the work, it holds when the work began.
    expect(Date.parse(processing.processing_at ?? '')).toBeLessThan(before + 150);
  });

  test('a batch of a re-drive writes its stage start before the work, however long the stage start wait', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-redrive' });
    const handler = createProcessingHandler({ store, logger, delayMs: 1000, stageStartAfterMs: 60_000 });

    const handled = handler(message(job.id, { places, redrive: true }), FIRST);
    await waitFor(async () => (await store.getJob(job.id))?.status === 'processing', {
      what: 'the processing stage start',
    });
    await expect(handled).resolves.toBeUndefined();
    expect(await store.getJob(job.id)).toMatchObject({ status: 'done' });
  });

  test('a stage time that is not a timestamp fails the job as an invalid batch', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    expect(await handle(job.id, { places, fetching_at: 'yesterday' })).toEqual({
      deadLetter: expect.stringMatching(/^invalid batch: not a batch: .*fetching_at/s),
    });
    expect((await store.getJob(job.id))?.status).toBe('failed');
  });

  test('a duplicate delivery is acknowledged and changes nothing', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    await handle(job.id, { places });
    const first = await store.getJob(job.id);
    const other = await createPlaceSource({ delayMs: 0 })();
    await expect(handle(job.id, { places: other })).resolves.toBeUndefined();
    expect(await store.getJob(job.id)).toEqual(first);
    expect((await store.latestResult())?.places).toEqual(places);
  });

  test('an invalid batch fails the job with the reason and is dead-lettered', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const result = await handle(job.id, { places: [['north', '0', 'Nowhere', 'XX', 'Etc/UTC']] });
    expect(result).toEqual({
      deadLetter: expect.stringMatching(/^invalid batch: .*latitude is not a number/),
    });
    const failed = await store.getJob(job.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('invalid batch');
  });

  test('after a retry, a batch fetched for a start sent before the job failed does not fail it, however late the batch', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-late-batch' });
    await store.failJob(job.id, 'no progress in fetching');
    const failedAt = Date.parse((await store.getJob(job.id))?.failed_at ?? '');
    await store.reopenJob(job.id);
    // The fetch of the old run's start ended after the failure: its batch was sent after it.
    const batch = createEnvelope({
      type: 'data_processing',
      jobId: job.id,
      correlationId: 'corr-late-batch',
      payload: {
        places: [['north', '0', 'Nowhere', 'XX', 'Etc/UTC']],
        start_sent_at: new Date(failedAt - 1).toISOString(),
      },
      now: new Date(failedAt + 60_000),
    });

    const result = await createProcessingHandler({ store, logger, delayMs: 0 })(batch, FIRST);

    expect(result).toEqual({ deadLetter: expect.stringMatching(/^invalid batch: /) });
    expect(await store.getJob(job.id)).toMatchObject({ status: 'queued' });
  });

  test('an empty batch or a missing places field is dead-lettered, never NaN', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    expect(await handle(job.id, { places: [] })).toEqual({ deadLetter: expect.any(String) });
    expect(await handle(job.id, {})).toEqual({ deadLetter: expect.any(String) });
    expect(await store.getJob(job.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('invalid batch'),
    });
    expect((await store.getJobWithResult(job.id))?.result).toBeUndefined();
  });

  test('when PostgreSQL refuses the result before the final attempt, throws and leaves the job for the retry', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const undo = await refuseResultOf(job.id);
    try {
      await expect(
        handle(job.id, { places }, { attempt: 2, redeliveries: 0, exhausted: false, final: false }),
      ).rejects.toThrow('result refused');
    } finally {
      await undo();
    }
    expect(await store.getJobWithResult(job.id)).toMatchObject({
      job: { status: 'processing' },
      result: undefined,
    });
  });

  test('when PostgreSQL refuses the result on the final attempt, marks the job failed with the reason and dead-letters the message', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const reason = /^processing failed after 4 attempts: .*result refused/;
    const undo = await refuseResultOf(job.id);
    try {
      await expect(
        handle(job.id, { places }, { attempt: 4, redeliveries: 0, exhausted: false, final: true }),
      ).resolves.toEqual({
        deadLetter: expect.stringMatching(reason),
      });
    } finally {
      await undo();
    }
    expect(await store.getJobWithResult(job.id)).toMatchObject({
      job: { status: 'failed', error: expect.stringMatching(reason) },
      result: undefined,
    });
  });

  test('when the database is away on the final attempt, the message is tried again later and the job left open', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const away = await createStore({ url: urls.databaseUrl, schema, max: 1 });
    await away.close();
    const handler = createProcessingHandler({ store: away, logger, delayMs: 0 });
    await expect(
      handler(message(job.id, { places }), { attempt: 4, redeliveries: 0, exhausted: false, final: true }),
    ).resolves.toEqual({
      retryLater: expect.any(String),
    });
    expect((await store.getJob(job.id))?.status).toBe('queued');
  });

  test('an exhausted delivery fails the job ("delivery limit reached") without processing it', async () => {
    const { job } = await store.createJob({ correlationId: 'corr-2' });
    const exhausted = { attempt: 2, redeliveries: 3, exhausted: true, final: true };

    const result = await createProcessingHandler({ store, logger, delayMs: 0 })(
      message(job.id, { places }),
      exhausted,
    );

    const reason = /^delivery limit reached: data_processing delivered 4 times without being settled/;
    expect(result).toEqual({ deadLetter: expect.stringMatching(reason) });
    expect(await store.getJobWithResult(job.id)).toMatchObject({
      job: { status: 'failed', error: expect.stringMatching(reason) },
      result: undefined,
    });
  });

  test.each([
    ['a first delivery, found where the job ends', FIRST],
    ['a redelivery, found by its stage start', { ...FIRST, redeliveries: 1 }],
  ])('a message for an unknown job is dead-lettered: %s', async (_, delivery) => {
    let unknown = 0;
    const handler = createProcessingHandler({
      store,
      logger,
      delayMs: 0,
      onUnknownJob: () => void unknown++,
    });
    expect(await handler(message('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a', { places }), delivery)).toEqual({
      deadLetter: expect.stringMatching(/^unknown job/),
    });
    expect(unknown).toBe(1);
  });
});

describeWithServices(
  'the processing handler behind a RabbitMQ consumer',
  ['rabbitmq', 'postgres'],
  (urls) => {
    test('a published data_processing message ends with the job done', async () => {
      const schema = uniqueName('procq');
      const prefix = `${schema}.`;
      const store = await createStore({ url: urls.databaseUrl, schema, max: 2 });
      const queue = await connectJobQueue({ url: urls.rabbitmqUrl, prefix });
      try {
        const { job } = await store.createJob({ correlationId: 'corr-3' });
        await queue.consume('data_processing', createProcessingHandler({ store, logger, delayMs: 0 }));
        await queue.publish(
          'data_processing',
          createEnvelope({
            type: 'data_processing',
            jobId: job.id,
            correlationId: 'corr-3',
            payload: { places },
          }),
        );
        const done = await waitFor(
          async () => {
            const current = await store.getJob(job.id);
            return current?.status === 'done' && current;
          },
          { what: 'the job to be done' },
        );
        expect(done.done_at).not.toBeNull();
      } finally {
        await queue.close();
        await store.close();
        await deleteQueues(urls.rabbitmqUrl, queueNames(prefix));
        await dropSchema(urls.databaseUrl, schema);
      }
    });
  },
);
