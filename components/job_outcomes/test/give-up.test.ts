import { createEnvelope, type Delivery } from '@mousetrap/job_queue';
import { createStore } from '@mousetrap/store';
import { captureLogger, describeWithServices } from '@mousetrap/test_kit';
import { failPoison, giveUpOnDelivery } from '../src/give-up.ts';
import { unknownJob } from '../src/unknown-job.ts';
import { useStore } from './store-fixture.ts';

const exhausted: Delivery = { attempt: 2, redeliveries: 4, exhausted: true, final: true };
const messageFor = (jobId: string) =>
  createEnvelope({ type: 'data_processing', jobId, correlationId: 'outcomes', payload: {} });

describeWithServices('job outcomes', ['postgres'], ({ databaseUrl }) => {
  const { store, schema } = useStore(databaseUrl, 'outcomes');

  test('giveUpOnDelivery: fails the job with "delivery limit reached", counting the deliveries, and asks for a dead letter', async () => {
    const { job } = await store().createJob({ correlationId: 'outcomes' });
    const reason = 'delivery limit reached: data_processing delivered 5 times without being settled';

    const settled = await giveUpOnDelivery(store(), messageFor(job.id), exhausted);

    expect(settled).toEqual({ deadLetter: expect.stringContaining(reason) });
    expect(await store().getJob(job.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining(reason),
    });
  });

  test('giveUpOnDelivery: with the database away, asks to try again later and leaves the job open', async () => {
    const { job } = await store().createJob({ correlationId: 'outcomes' });
    const away = await createStore({ url: databaseUrl, schema, max: 1 });
    await away.close();

    expect(await giveUpOnDelivery(away, messageFor(job.id), exhausted)).toEqual({
      retryLater: expect.stringMatching(/^cannot mark the job failed/),
    });
    expect((await store().getJob(job.id))?.status).toBe('queued');
  });

  test('failPoison: fails the job with "poison: " and the reason, and asks for a dead letter', async () => {
    const { job } = await store().createJob({ correlationId: 'outcomes' });

    expect(await failPoison(store(), messageFor(job.id), 'payload must be {}')).toEqual({
      deadLetter: 'poison: payload must be {}',
    });
    expect(await store().getJob(job.id)).toMatchObject({
      status: 'failed',
      error: 'poison: payload must be {}',
    });
  });
});

describe('unknownJob', () => {
  test('unknownJob: logs an error naming the likely cause, tells the counter, and asks for a dead letter', () => {
    const logger = captureLogger();
    let counted = 0;
    const message = messageFor('0b7e9b7a-2f6e-4a8e-9c1d-1f2e3d4c5b6a');

    const result = unknownJob({ logger, onUnknownJob: () => (counted += 1) }, message);

    expect(result).toEqual({ deadLetter: expect.stringMatching(/^unknown job/) });
    expect(counted).toBe(1);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('database and schema the API uses'),
        context: expect.objectContaining({ job_id: message.job_id, queue: 'data_processing' }),
      }),
    ]);
  });
});
