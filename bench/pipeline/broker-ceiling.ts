import { connect } from 'amqplib';
import { onCleanup } from '../lib/cleanup.ts';

/** Options of {@link measureBrokerCeiling}. */
export interface CeilingOptions {
  url: string;
  /** The quorum queue to declare, use and delete. */
  queue: string;
  messages: number;
  /** Unacknowledged messages the consumer holds at most, as the workers' PREFETCH. */
  prefetch: number;
  /** Publishes awaiting a confirm at most, as job_queue's maxUnconfirmed. */
  window: number;
  /** Bytes per message; about a data_processing message. */
  size: number;
}

/** What the broker managed on its own. */
export interface Ceiling {
  messages: number;
  seconds: number;
  /** Messages per second published with confirms and consumed with acks, at the same time. */
  messagesPerSecond: number;
}

/**
 * The broker's ceiling on this machine: a bare amqplib loop that publishes persistent messages
 * on a confirm channel (up to `window` unconfirmed) into a quorum queue while a consumer on its
 * own connection takes them with manual acks at `prefetch`. Nothing else: no JSON, no database.
 */
export async function measureBrokerCeiling(options: CeilingOptions): Promise<Ceiling> {
  const publishing = await connect(options.url);
  const consuming = await connect(options.url);
  const remove = onCleanup(async () => {
    const channel = await consuming.createChannel();
    await channel.deleteQueue(options.queue);
    await Promise.all([publishing.close(), consuming.close()].map((closed) => closed.catch(() => {})));
  });
  try {
    const publisher = await publishing.createConfirmChannel();
    await publisher.assertQueue(options.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const consumer = await consuming.createChannel();
    await consumer.prefetch(options.prefetch);

    const body = Buffer.alloc(options.size, 'x');
    const started = performance.now();
    let consumed = 0;
    const allConsumed = new Promise<void>((resolve) => {
      void consumer.consume(options.queue, (message) => {
        if (!message) return;
        consumer.ack(message);
        consumed += 1;
        if (consumed === options.messages) resolve();
      });
    });

    let unconfirmed = 0;
    let wake: (() => void) | undefined;
    let failure: Error | undefined;
    for (let sent = 0; sent < options.messages; sent += 1) {
      while (unconfirmed >= options.window) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      unconfirmed += 1;
      const written = publisher.sendToQueue(options.queue, body, { persistent: true }, (error: unknown) => {
        if (error) failure = new Error(`the broker refused a message: ${String(error)}`);
        unconfirmed -= 1;
        wake?.();
        wake = undefined;
      });
      if (!written) await new Promise((resolve) => publisher.once('drain', resolve));
    }
    await publisher.waitForConfirms();
    await allConsumed;
    const seconds = (performance.now() - started) / 1000;
    return { messages: options.messages, seconds, messagesPerSecond: options.messages / seconds };
  } finally {
    await remove();
  }
}
