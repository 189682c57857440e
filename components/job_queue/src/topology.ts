import type { Channel } from 'amqplib';
import { QUEUE_NAMES, type QueueName } from './envelope.ts';
import { DEFAULT_RETRY_DELAYS_MS } from './options.ts';
import type { QueueStats } from './types.ts';

/** The broker's name of a pipeline queue. */
export function queueName(prefix: string, queue: QueueName): string {
  return `${prefix}${queue}`;
}

/** The broker's name of the queue that receives a pipeline queue's dead letters. */
export function deadLetterQueueName(prefix: string, queue: QueueName): string {
  return `${queueName(prefix, queue)}.dead`;
}

/** The broker's name of the queue where messages of `queue` wait for their `retry`-th retry (1, 2, …). */
export function retryQueueName(prefix: string, queue: QueueName, retry: number): string {
  return `${queueName(prefix, queue)}.retry.${retry}`;
}

/**
 * Every queue name the brick declares under `prefix` with `retries` retry tiers (the default
 * tiers' count unless told), so that a test run can delete its own.
 */
export function queueNames(prefix: string, retries = DEFAULT_RETRY_DELAYS_MS.length): string[] {
  return QUEUE_NAMES.flatMap((queue) => [
    queueName(prefix, queue),
    deadLetterQueueName(prefix, queue),
    ...Array.from({ length: retries }, (_, i) => retryQueueName(prefix, queue, i + 1)),
  ]);
}

/**
 * The declaration arguments of a pipeline queue: a quorum queue (replicated, delivery counting)
 * that dead-letters through the default exchange once a message was redelivered `deliveryLimit`
 * times or rejected by its consumer.
 */
export function queueArguments(
  prefix: string,
  queue: QueueName,
  deliveryLimit: number,
): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': deliveryLimit,
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

/** Declares every queue of the pipeline; idempotent, and fails (406) if one exists with other arguments. */
export async function assertTopology(
  channel: Channel,
  prefix: string,
  deliveryLimit: number,
  retryDelaysMs: readonly number[],
): Promise<void> {
  for (const queue of QUEUE_NAMES) {
    await channel.assertQueue(deadLetterQueueName(prefix, queue), {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await channel.assertQueue(queueName(prefix, queue), {
      durable: true,
      arguments: queueArguments(prefix, queue, deliveryLimit),
    });
    for (const [i, delayMs] of retryDelaysMs.entries()) {
      await channel.assertQueue(retryQueueName(prefix, queue, i + 1), {
        durable: true,
        arguments: retryQueueArguments(prefix, queue, delayMs),
      });
    }
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
