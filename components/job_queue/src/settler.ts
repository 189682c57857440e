import type { Channel, ConsumeMessage } from 'amqplib';

/**
 * Settles the deliveries of one consumer channel. Rejections and requeues go out at once; acks
 * made in one turn of the event loop go out together at its end: one `basic.ack` with `multiple`
 * for the lowest run of deliveries that are all being acked, and a single ack for each of the
 * rest. A multiple ack never covers a delivery still being handled or one that was rejected,
 * since it stops at the first unsettled delivery that is not being acked.
 *
 * A worker's deliveries finish together when one batched statement commits them, so most turns
 * ack a run of them with one frame, which the broker settles as one command. Nothing is acked
 * before its handler finished: only the frame waits, by at most one turn.
 */
export interface Settler {
  /** Notes a delivery of the channel, in the order the broker sent them. */
  delivered(message: ConsumeMessage): void;
  /** Acks the delivery at the end of this turn of the event loop (or at the next `flush`). */
  ack(message: ConsumeMessage): void;
  /** Rejects the delivery now: dead-lettered, or put back in its queue with `requeue`. */
  reject(message: ConsumeMessage, requeue: boolean): void;
  /** Sends the acks made since the last flush. */
  flush(): void;
}

/**
 * Makes the settler of `channel`. `onError` hears of acks the channel refused (it closed while
 * they waited): the broker redelivers those messages.
 */
export function createSettler(channel: Channel, onError: (error: unknown) => void): Settler {
  // Delivery tags sent to us and not yet settled, lowest first (the broker numbers them upwards).
  const unsettled: number[] = [];
  const acking = new Map<number, ConsumeMessage>();
  let scheduled = false;

  const forget = (tag: number) => {
    const index = unsettled.indexOf(tag);
    if (index >= 0) unsettled.splice(index, 1);
  };

  const flush = () => {
    scheduled = false;
    if (acking.size === 0) return;
    let lastOfRun: ConsumeMessage | undefined;
    while (unsettled.length > 0 && acking.has(unsettled[0] as number)) {
      const tag = unsettled.shift() as number;
      lastOfRun = acking.get(tag);
      acking.delete(tag);
    }
    const rest = [...acking.values()];
    acking.clear();
    try {
      if (lastOfRun) channel.ack(lastOfRun, true);
      for (const message of rest) {
        forget(message.fields.deliveryTag);
        channel.ack(message);
      }
    } catch (error) {
      onError(error);
    }
  };

  return {
    delivered(message) {
      unsettled.push(message.fields.deliveryTag);
    },

    ack(message) {
      acking.set(message.fields.deliveryTag, message);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },

    reject(message, requeue) {
      forget(message.fields.deliveryTag);
      if (requeue) channel.nack(message, false, true);
      else channel.reject(message, false);
    },

    flush,
  };
}
