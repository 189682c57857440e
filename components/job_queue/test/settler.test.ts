import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeWithServices, uniqueName, waitFor } from '@mousetrap/test_kit';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { createSettler, type Settler } from '../src/settler.ts';

describeWithServices('settling deliveries in groups', ['rabbitmq'], ({ rabbitmqUrl }) => {
  let connection: ChannelModel;
  let channel: Channel;
  let queue: string;
  let settler: Settler;
  let acks: jest.SpyInstance;
  const errors: unknown[] = [];

  beforeEach(async () => {
    queue = uniqueName('jq.settler');
    connection = await amqp.connect(rabbitmqUrl);
    channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    settler = createSettler(channel, (error) => errors.push(error));
    acks = jest.spyOn(channel, 'ack');
    errors.length = 0;
  });

  afterEach(async () => {
    const cleanup = await connection.createChannel();
    await cleanup.deleteQueue(queue);
    await connection.close();
  });

  /** Puts messages '1'…'count' in the queue and answers their deliveries, in order, as noted by the settler. */
  async function deliveries(count: number): Promise<ConsumeMessage[]> {
    for (let i = 1; i <= count; i += 1) channel.sendToQueue(queue, Buffer.from(String(i)));
    await channel.prefetch(count);
    const received: ConsumeMessage[] = [];
    await channel.consume(queue, (message) => {
      if (message === null) return;
      settler.delivered(message);
      received.push(message);
    });
    await waitFor(() => received.length === count, { what: `${count} deliveries` });
    return received;
  }

  /** Closes the consuming channel (its unacked deliveries go back to the queue) and answers what the queue holds. */
  async function leftInQueue(): Promise<string[]> {
    await channel.close();
    const reader = await connection.createChannel();
    const left: string[] = [];
    for (let message = await reader.get(queue); message !== false; message = await reader.get(queue)) {
      left.push(message.content.toString());
      reader.ack(message);
    }
    await reader.close();
    return left;
  }

  const ackedAs = () =>
    acks.mock.calls.map(([message, allUpTo]) => [message.content.toString(), allUpTo ?? false]);

  test('acks of one turn go out as one multiple ack at its end, and settle every delivery', async () => {
    const received = await deliveries(5);
    for (const message of received) settler.ack(message);
    expect(acks).not.toHaveBeenCalled();
    await nextTurn();
    expect(ackedAs()).toEqual([['5', true]]);
    expect(await leftInQueue()).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('a delivery still being handled is not covered: the later ones are acked one by one, and it goes back to the queue', async () => {
    const [first, ...later] = await deliveries(4);
    for (const message of later) settler.ack(message);
    await nextTurn();
    expect(ackedAs()).toEqual([
      ['2', false],
      ['3', false],
      ['4', false],
    ]);
    expect(first?.content.toString()).toBe('1');
    expect(await leftInQueue()).toEqual(['1']);
  });

  test('a run stops at the first delivery in flight and resumes once it is acked', async () => {
    const [one, two, three, four] = await deliveries(4);
    if (!one || !two || !three || !four) throw new Error('four deliveries expected');
    settler.ack(one);
    settler.ack(two);
    settler.ack(four);
    await nextTurn();
    expect(ackedAs()).toEqual([
      ['2', true],
      ['4', false],
    ]);
    settler.ack(three);
    settler.flush();
    expect(ackedAs().at(-1)).toEqual(['3', true]);
    expect(await leftInQueue()).toEqual([]);
  });

  test('rejections go out at once, and a later multiple ack passes over them without requeueing them', async () => {
    const [one, two, three, four] = await deliveries(4);
    if (!one || !two || !three || !four) throw new Error('four deliveries expected');
    const rejects = jest.spyOn(channel, 'reject');
    settler.ack(one);
    settler.reject(two, false);
    expect(rejects).toHaveBeenCalledWith(two, false);
    settler.ack(three);
    settler.ack(four);
    await nextTurn();
    expect(ackedAs()).toEqual([['4', true]]);
    // The rejected message was dropped (the queue has no dead-letter exchange), not requeued.
    expect(await leftInQueue()).toEqual([]);
  });

  test('a requeued delivery goes back to the queue at once', async () => {
    const [one, two] = await deliveries(2);
    if (!one || !two) throw new Error('two deliveries expected');
    settler.reject(one, true);
    settler.ack(two);
    settler.flush();
    expect(ackedAs()).toEqual([['2', true]]);
    expect(await leftInQueue()).toEqual(['1']);
  });

  test('acks waiting when the channel closes are reported, and their messages are redelivered', async () => {
    const received = await deliveries(2);
    for (const message of received) settler.ack(message);
    await channel.close();
    settler.flush();
    expect(errors).toHaveLength(1);
    const reader = await connection.createChannel();
    expect((await reader.checkQueue(queue)).messageCount).toBe(2);
    await reader.close();
  });
});
