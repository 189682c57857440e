import type { Channel, ChannelModel } from 'amqplib';
import { QUEUE_NAMES, type QueueName } from './envelope.ts';
import { BROKER_DELIVERY_LIMIT, DEFAULT_RETRY_DELAYS_MS } from './options.ts';
import type { QueueStats } from './types.ts';

/** The broker's name of a pipeline queue. */
export function queueName(prefix: string, queue: QueueName): string {
  return `${prefix}${queue}`;
}

/** The broker's name of the queue that receives a pipeline queue's dead letters. */
export function deadLetterQueueName(prefix: string, queue: QueueName): string {
  return `${queueName(prefix, queue)}.dead`;
}

/**
 * The broker's name of the queue where messages of `queue` wait `delayMs` before they come back.
 * Named by its delay, so that a change of the delays declares new queues beside the old ones
 * instead of contradicting them; what waits in an old one still comes back when it expires.
 */
export function retryQueueName(prefix: string, queue: QueueName, delayMs: number): string {
  return `${queueName(prefix, queue)}.retry.${delayMs}ms`;
}

/**
 * Every queue name the brick declares under `prefix` with the retry delays `retryDelaysMs` (the
 * default delays unless told), so that a test run can delete its own.
 */
export function queueNames(
  prefix: string,
  retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
): string[] {
  const delays = [...new Set(retryDelaysMs)];
  return QUEUE_NAMES.flatMap((queue) => [
    queueName(prefix, queue),
    deadLetterQueueName(prefix, queue),
    ...delays.map((delayMs) => retryQueueName(prefix, queue, delayMs)),
  ]);
}

/**
 * The declaration arguments of a pipeline queue: a quorum queue (replicated, delivery counting)
 * that dead-letters through the default exchange once its consumer rejects a message, or once the
 * broker has delivered it more than {@link BROKER_DELIVERY_LIMIT} times. The consumer enforces the
 * configured delivery limit itself, so no setting is part of the declaration and none can
 * contradict a queue declared before.
 */
export function queueArguments(prefix: string, queue: QueueName): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': BROKER_DELIVERY_LIMIT,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': deadLetterQueueName(prefix, queue),
  };
}

/**
 * The declaration arguments of a retry queue: messages wait there for `delayMs`, then expire back
 * to `queue` through the default exchange. A quorum queue, like the others, and with at-least-once
 * dead-lettering (RabbitMQ 3.10; it needs `reject-publish` overflow): an expired message stays
 * until `queue` has taken it, where the default at-most-once strategy could drop it on the way.
 */
export function retryQueueArguments(
  prefix: string,
  queue: QueueName,
  delayMs: number,
): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queueName(prefix, queue),
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/** A channel for one declaration: a failed declaration closes its channel, and the rejection says why. */
async function declarationChannel(model: ChannelModel): Promise<Channel> {
  const channel = await model.createChannel();
  channel.on('error', () => {});
  return channel;
}

/**
 * Whether a declaration failed only because the queue exists with another `x-delivery-limit`, as
 * earlier versions declared it. RabbitMQ names the argument only in its message ("inequivalent arg
 * 'x-delivery-limit' …"), so that is what is read; any other contradiction (a classic queue,
 * another dead-letter route) still fails.
 */
const isEarlierDeliveryLimit = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === 406 &&
  error instanceof Error &&
  error.message.includes("'x-delivery-limit'");

/**
 * Declares the pipeline queues and their dead-letter queues, which every service publishes to.
 * A pipeline queue that exists with another `x-delivery-limit` (declared by an earlier version) is
 * used as it is, and `onLegacy` hears why; any other contradiction fails with the broker's 406.
 */
export async function assertQueues(
  model: ChannelModel,
  prefix: string,
  onLegacy: (queue: string, reason: string) => void,
): Promise<void> {
  let channel = await declarationChannel(model);
  try {
    for (const queue of QUEUE_NAMES) {
      await channel.assertQueue(deadLetterQueueName(prefix, queue), {
        durable: true,
        arguments: { 'x-queue-type': 'quorum' },
      });
      const name = queueName(prefix, queue);
      try {
        await channel.assertQueue(name, { durable: true, arguments: queueArguments(prefix, queue) });
      } catch (error) {
        if (!isEarlierDeliveryLimit(error)) throw error;
        channel = await declarationChannel(model);
        await channel.checkQueue(name);
        onLegacy(name, error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    await channel.close().catch(() => {});
  }
}

/** Declares the retry queues of `queue` for `retryDelaysMs`: only its consumers publish to them. */
export async function assertRetryQueues(
  model: ChannelModel,
  prefix: string,
  queue: QueueName,
  retryDelaysMs: readonly number[],
): Promise<void> {
  const channel = await declarationChannel(model);
  try {
    for (const delayMs of new Set(retryDelaysMs)) {
      await channel.assertQueue(retryQueueName(prefix, queue, delayMs), {
        durable: true,
        arguments: retryQueueArguments(prefix, queue, delayMs),
      });
    }
  } finally {
    await channel.close().catch(() => {});
  }
}

/** Reads the depth of every queue and of its dead-letter queue; a missing queue closes `channel`. */
export async function readQueueStats(channel: Channel, prefix: string): Promise<QueueStats[]> {
  const stats: QueueStats[] = [];
  for (const queue of QUEUE_NAMES) {
    const main = await channel.checkQueue(queueName(prefix, queue));
    const dead = await channel.checkQueue(deadLetterQueueName(prefix, queue));
    stats.push({
      queue,
      messages: main.messageCount,
      consumers: main.consumerCount,
      deadLetters: dead.messageCount,
    });
  }
  return stats;
}
