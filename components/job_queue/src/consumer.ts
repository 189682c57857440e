import type { Logger } from '@mousetrap/log';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { attemptOf, deliveryOf, longestDelayOf, redeliveriesOf } from './attempts.ts';
import type { QueueName } from './envelope.ts';
import { handleMessage, type Outcome } from './handle-message.ts';
import { createInFlight } from './in-flight.ts';
import { createSettler, type Settler } from './settler.ts';
import type { Consumer, Handler } from './types.ts';

/** A RabbitMQ consumer that outlives its connection: `attach` gives it a channel on each new one. */
export interface AmqpConsumer extends Consumer {
  /** Starts consuming on a channel of `model`, unless cancelled or already consuming there. */
  attach(model: ChannelModel): Promise<void>;
  /** Deliveries whose handler has not finished yet. */
  readonly inFlight: number;
}

/** Options of {@link createAmqpConsumer}. */
export interface AmqpConsumerOptions {
  queue: QueueName;
  /** The queue's name on the broker (with the prefix). */
  queueName: string;
  handler: Handler;
  prefetch: number;
  /** The delays of the retry tiers; a message is tried at most one more time than there are. */
  retryDelaysMs: readonly number[];
  /** How often a message may go back unsettled before its next delivery is its last. */
  deliveryLimit: number;
  /** Declares what the consumer needs on `model` (its retry queues) before it consumes there. */
  prepare(model: ChannelModel): Promise<void>;
  /**
   * Sends a copy of `message`, marked as attempt `attempt`, to the retry queue of `delayMs`;
   * resolves once the broker has confirmed it.
   */
  retry(message: ConsumeMessage, delayMs: number, attempt: number): Promise<void>;
  logger: Logger;
  /** Called once when the consumer is cancelled, so that reconnects no longer re-create it. */
  onCancel(): void;
  /** Called when its channel closes while it is not cancelled, so that it can be re-attached. */
  onChannelLost(): void;
}

interface ConsumerChannel {
  channel: Channel;
  model: ChannelModel;
  open: boolean;
  settler: Settler;
  tag?: string;
}

/** Makes a consumer with manual acks and `prefetch` handlers in flight at most; not yet attached. */
export function createAmqpConsumer(options: AmqpConsumerOptions): AmqpConsumer {
  const { queue, logger } = options;
  const running = createInFlight();
  const longest = longestDelayOf(options.retryDelaysMs);
  let current: ConsumerChannel | undefined;
  let cancelling: Promise<void> | undefined;
  let attaching: Promise<void> | undefined;

  const unsettled = (error: unknown) =>
    logger.debug('job_queue: could not settle a message; the broker will redeliver it', {
      queue,
      error: String(error),
    });

  const deliver = (entry: ConsumerChannel, message: ConsumeMessage | null) => {
    if (message === null) {
      logger.error('job_queue: the broker cancelled a consumer (queue deleted?); reopening it', { queue });
      // Closing the channel takes the usual path for a lost channel: re-declare, re-attach. Acks
      // waiting for the end of this turn go out first, so their messages are not redelivered.
      entry.settler.flush();
      void entry.channel.close().catch(() => {});
      return;
    }
    entry.settler.delivered(message);
    const attempt = attemptOf(message.properties.headers);
    const redeliveries = redeliveriesOf(message.properties.headers);
    const context = { delivery_count: redeliveries };
    const retryDelayMs = options.retryDelaysMs[attempt - 1];
    const handled = handleMessage({
      body: message.content.toString('utf8'),
      queue,
      handler: options.handler,
      delivery: deliveryOf(attempt, redeliveries, options),
      retryDelayMs,
      longestDelayMs: longest,
      logger,
      context,
    }).then(async (outcome) => {
      // A delivery can only be settled on the channel it came on; once that is gone, the broker
      // has already put the message back for a redelivery.
      if (!entry.open) return;
      let settle: Outcome | 'redeliver' = outcome;
      if (outcome === 'retry' || outcome === 'retry-later') {
        try {
          // The copy is confirmed before the original is acked, so a crash in between doubles the
          // message (the handlers are idempotent) and never loses it. A retry-later waits in the
          // longest delay's queue, still the same attempt.
          const delayMs = outcome === 'retry' ? retryDelayMs : longest;
          // handleMessage answers retry or retry-later only with a delay to wait, so never
          // without one; should it, the message is dead-lettered rather than acked unsent.
          if (delayMs === undefined) settle = 'dead-letter';
          else await options.retry(message, delayMs, outcome === 'retry' ? attempt + 1 : attempt);
        } catch (error) {
          logger.warn('job_queue: could not publish a retry; the message goes back to its queue', {
            queue,
            attempt,
            error: error instanceof Error ? error.message : String(error),
            ...context,
          });
          settle = 'redeliver';
        }
        if (!entry.open) return;
      }
      try {
        if (settle === 'ack' || settle === 'retry' || settle === 'retry-later') entry.settler.ack(message);
        else if (settle === 'dead-letter') entry.settler.reject(message, false);
        // Requeued, the quorum queue counts the delivery: its delivery limit ends a loop of these.
        else entry.settler.reject(message, true);
      } catch (error) {
        unsettled(error);
      }
    });
    running.track(handled);
  };

  const stop = async (entry: ConsumerChannel | undefined, graceMs: number) => {
    if (entry?.open && entry.tag !== undefined) await entry.channel.cancel(entry.tag).catch(() => {});
    if (!(await running.drain(graceMs))) {
      const message =
        'job_queue: handlers still running after the grace period; their messages will be redelivered';
      logger.warn(message, { queue, running: running.size });
    }
    if (entry?.open) {
      entry.settler.flush();
      await entry.channel.close().catch(() => {});
    }
  };

  const open = async (model: ChannelModel) => {
    await options.prepare(model);
    const channel = await model.createChannel();
    const entry: ConsumerChannel = { channel, model, open: true, settler: createSettler(channel, unsettled) };
    channel.on('error', (error: Error) =>
      logger.warn('job_queue: consumer channel failed', { queue, error: error.message }),
    );
    channel.on('close', () => {
      entry.open = false;
      if (current === entry && !cancelling) options.onChannelLost();
    });
    try {
      await channel.prefetch(options.prefetch);
      const { consumerTag } = await channel.consume(options.queueName, (message) => deliver(entry, message), {
        noAck: false,
      });
      entry.tag = consumerTag;
    } catch (error) {
      if (entry.open) await channel.close().catch(() => {});
      throw error;
    }
    current = entry;
  };

  return {
    get inFlight() {
      return running.size;
    },

    async attach(model) {
      if (cancelling || (current?.open && current.model === model)) return;
      attaching = open(model);
      try {
        await attaching;
      } finally {
        attaching = undefined;
      }
    },

    cancel(graceMs = 10_000) {
      cancelling ??= (async () => {
        options.onCancel();
        // A channel being opened right now is stopped like the others.
        await attaching?.catch(() => {});
        await stop(current, graceMs);
      })();
      return cancelling;
    },
  };
}
