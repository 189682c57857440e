import { captureLogger, deleteQueues, describeWithServices, uniqueName } from '@mousetrap/test_kit';
import amqp, { type ChannelModel, type ConfirmChannel, type MessageProperties } from 'amqplib';
import { createPublisher } from '../src/publisher.ts';
import { envelopeFor } from './contract.ts';

// The publisher on a real RabbitMQ queue, given its channels by the test: a channel whose close
// came in the same turn as its opening reaches use() closed, with no 'close' left to hear, which
// the test makes happen at will by closing the channel before handing it over.
describeWithServices('job_queue publisher', ['rabbitmq'], ({ rabbitmqUrl }) => {
  let queueName = '';
  let model: ChannelModel;

  beforeEach(async () => {
    queueName = `${uniqueName('jqp')}.start_fetch`;
    model = await amqp.connect(rabbitmqUrl);
    const channel = await model.createChannel();
    await channel.assertQueue(queueName, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.close();
  });

  afterEach(async () => {
    await model.close();
    await deleteQueues(rabbitmqUrl, [queueName]);
  });

  test('a channel closed before use() heard it: the publish goes on a new channel instead of failing, and the next ones too', async () => {
    const opened: ConfirmChannel[] = [];
    const publisher = createPublisher({
      timeoutMs: 5_000,
      maxUnconfirmed: 10,
      logger: captureLogger(),
      replaceChannel: async () => {
        const channel = await model.createConfirmChannel();
        opened.push(channel);
        publisher.use(channel);
        return true;
      },
    });
    const closedUnheard = await model.createConfirmChannel();
    await closedUnheard.close();
    publisher.use(closedUnheard);

    const first = envelopeFor('start_fetch');
    const second = envelopeFor('start_fetch');
    await publisher.publish(queueName, first);
    await publisher.publish(queueName, second);
    await publisher.close(1_000);

    expect(opened).toHaveLength(1);
    expect(publisher.ready).toBe(true);
    const channel = await model.createChannel();
    const ids: string[] = [];
    for (let message = await channel.get(queueName); message; message = await channel.get(queueName)) {
      ids.push(String(message.properties.messageId));
      channel.ack(message);
    }
    await channel.close();
    expect(ids).toEqual([first.id, second.id]);
  });

  test('a message amqplib cannot encode (a property too long): rejected as invalid at once, and the channel kept', async () => {
    let replaced = 0;
    const publisher = createPublisher({
      timeoutMs: 5_000,
      maxUnconfirmed: 10,
      logger: captureLogger(),
      replaceChannel: async () => {
        replaced += 1;
        return false;
      },
    });
    publisher.use(await model.createConfirmChannel());

    // A retry's copy carries the consumed message's properties, which amqplib may not encode again.
    const copy = publisher.republish(queueName, Buffer.from('{}'), {
      correlationId: 'x'.repeat(300),
      headers: {},
    } as unknown as MessageProperties);
    await expect(copy).rejects.toMatchObject({ code: 'invalid' });
    await publisher.publish(queueName, envelopeFor('start_fetch'));
    await publisher.close(1_000);

    expect(replaced).toBe(0);
    expect(publisher.ready).toBe(true);
  });
});
