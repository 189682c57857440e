import { captureLogger, deleteQueues, describeWithServices, uniqueName, waitFor } from '@mousetrap/test_kit';
import amqp, { type ChannelModel } from 'amqplib';
import { createAmqpConsumer } from '../src/consumer.ts';
import { encodeMessage } from '../src/envelope.ts';
import { JobQueueError, type JobQueueErrorCode } from '../src/errors.ts';
import type { Delivery } from '../src/types.ts';
import { envelopeFor } from './contract.ts';

// The consumer on a real RabbitMQ queue, with its retry publish under the test's control: the
// broker's refusal of a retry's copy (a negative confirm, as a cluster gives while a queue's new
// leader is not yet known everywhere) is what the consumer reacts to, and it cannot be made to
// happen on one node at will.
describeWithServices(
  'job_queue consumer: a retry the broker refuses for now',
  ['rabbitmq'],
  ({ rabbitmqUrl }) => {
    let queueName = '';
    let model: ChannelModel;

    beforeEach(async () => {
      queueName = `${uniqueName('jqc')}.start_fetch`;
      model = await amqp.connect(rabbitmqUrl);
      const channel = await model.createConfirmChannel();
      await channel.assertQueue(queueName, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      channel.sendToQueue(queueName, Buffer.from(encodeMessage(envelopeFor('start_fetch'))), {
        persistent: true,
      });
      await channel.waitForConfirms();
      await channel.close();
    });

    afterEach(async () => {
      await model.close();
      await deleteQueues(rabbitmqUrl, [queueName]);
    });

    /** Messages ready in the queue: an unsettled delivery counts once its channel has closed. */
    const ready = async () => {
      const channel = await model.createChannel();
      try {
        return (await channel.checkQueue(queueName)).messageCount;
      } finally {
        await channel.close();
      }
    };

    /** A consumer whose handler always fails, and whose retry copies the broker refuses while `refusing`. */
    const failingConsumer = (retryDelaysMs: number[], refusal: JobQueueErrorCode = 'nacked') => {
      const logger = captureLogger();
      const deliveries: Delivery[] = [];
      const copies: Record<string, unknown>[] = [];
      const state = { refusing: true, refusals: 0 };
      const consumer = createAmqpConsumer({
        queue: 'start_fetch',
        queueName,
        prefetch: 1,
        retryDelaysMs,
        deliveryLimit: 2,
        handler: async (_message, delivery) => {
          deliveries.push(delivery);
          throw new Error('the source is away');
        },
        prepare: async () => {},
        retry: async (_message, _delayMs, headers) => {
          if (state.refusing) {
            state.refusals += 1;
            throw new JobQueueError(refusal, `the copy failed: ${refusal}`);
          }
          copies.push(headers);
        },
        logger,
        onCancel: () => {},
        onChannelLost: () => {},
      });
      return { consumer, logger, deliveries, copies, state };
    };

    test('the delivery is held, not sent back to its queue, and its copy goes once the broker takes it', async () => {
      const { consumer, logger, deliveries, copies, state } = failingConsumer([50]);
      await consumer.attach(model);

      // More refusals than the delivery limit allows returns: sent back each time, the message
      // would have been redelivered and its last delivery failed the job.
      await waitFor(() => state.refusals >= 4, { what: 'four refused copies' });
      expect(deliveries).toHaveLength(1);
      state.refusing = false;
      await waitFor(() => copies.length === 1, { what: 'the copy taken' });
      await consumer.cancel(5_000);

      expect(deliveries).toEqual([
        { attempt: 1, redeliveries: 0, exhausted: false, final: false, putOff: false },
      ]);
      expect(copies[0]).toMatchObject({ 'x-attempt': 2 });
      // The original was acked once its copy was confirmed: nothing is left in the queue.
      expect(await ready()).toBe(0);
      const levels = (message: string) =>
        logger.lines.filter((line) => line.message.includes(message)).map((line) => line.level);
      expect(levels('holding the message')).toEqual(['warn', ...Array(state.refusals - 1).fill('debug')]);
      expect(levels('published a held retry')).toEqual(['info']);
      expect(levels('goes back to its queue')).toEqual([]);
    });

    test('a consumer stopped while it holds a delivery: the delivery goes back to its queue at once', async () => {
      // A delay longer than the test's time limit: the stop must not wait it out.
      const { consumer, deliveries, state } = failingConsumer([60_000]);
      await consumer.attach(model);
      await waitFor(() => state.refusals === 1, { what: 'a refused copy' });

      await consumer.cancel(60_000);

      expect(deliveries).toHaveLength(1);
      expect(state.refusals).toBe(1);
      expect(await ready()).toBe(1);
    });

    test('a copy unconfirmed in time, which the broker may yet take: not sent again, the delivery goes back to its queue', async () => {
      const { consumer, logger, deliveries, state } = failingConsumer([50], 'timeout');
      await consumer.attach(model);

      await waitFor(() => deliveries.length >= 2, { what: 'the redelivery' });
      await consumer.cancel(5_000);

      expect(deliveries[1]).toMatchObject({ attempt: 1, redeliveries: 1 });
      expect(state.refusals).toBeGreaterThanOrEqual(1);
      expect(logger.lines.filter((line) => line.message.includes('holding the message'))).toEqual([]);
    });
  },
);
