import { setMaxListeners } from 'node:events';
import type { Logger } from '@mousetrap/log';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { createAdmission } from './admission.ts';
import {
  ATTEMPT_HEADER,
  attemptOf,
  deliveryOf,
  EXHAUSTED_HEADER,
  exhaustedOf,
  longestDelayOf,
  PUT_OFF_HEADER,
  putOffOf,
  redeliveriesOf,
} from './attempts.ts';
import type { QueueName } from './envelope.ts';
import { JobQueueError, type JobQueueErrorCode } from './errors.ts';
import { handleMessage, type Outcome } from './handle-message.ts';
import { createInFlight, drainHandlers } from './in-flight.ts';
import { createSettler, type Settler } from './settler.ts';
import { retryHeaders } from './trace-context.ts';
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
   * Sends a copy of `message`, with `headers` set on it (its attempt, and whether it is exhausted),
   * to the retry queue of `delayMs`; resolves once the broker has confirmed it.
   */
  retry(message: ConsumeMessage, delayMs: number, headers: Record<string, unknown>): Promise<void>;
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
  /** Aborted when the channel closes. */
  lost: AbortController;
  settler: Settler;
  tag?: string;
  /** The current consume call's tag, once the broker has answered it. */
  consuming?: Promise<string>;
  /** True once the consumer takes `prefetch` messages at once; until then it takes one. */
  widened: boolean;
  /** The switch from one message at a time to `prefetch`, while it runs. */
  widening?: Promise<void>;
}

const HOLDING = 'job_queue: could not publish a retry; holding the message to try again';

/**
 * The failures of a retry's copy the broker surely did not take, and may take later: a nack, a
 * copy that lost its channel while the publisher closes, or one refused because the broker blocks
 * publishers (a memory or disk alarm). A copy that timed out waiting for its confirm may still be
 * taken, and one refused for good (`unroutable`, `closed`, `invalid`) will not be: those send the
 * original back to its queue.
 */
const REFUSED_FOR_NOW: ReadonlySet<JobQueueErrorCode> = new Set(['nacked', 'unavailable', 'blocked']);

/** The least wait between two tries of a held retry's copy. */
const MIN_HOLD_MS = 100;

/** An AbortController whose signal each held delivery listens to, up to `prefetch` of them: not a leak. */
function sharedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** Resolves true after `ms`, or false as soon as one of `signals` is aborted. */
function pause(ms: number, signals: readonly AbortSignal[]): Promise<boolean> {
  return new Promise((resolve) => {
    const end = (elapsed: boolean) => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', abort);
      resolve(elapsed);
    };
    const abort = () => end(false);
    const timer = setTimeout(() => end(true), ms);
    for (const signal of signals) signal.addEventListener('abort', abort, { once: true });
    if (signals.some((signal) => signal.aborted)) end(false);
  });
}

/**
 * Makes a consumer with manual acks and `prefetch` handlers in flight at most; not yet attached.
 *
 * It starts on each channel taking one message at a time, and widens to `prefetch` at the first
 * message that never went back unsettled (that one and the wide consumer's can make `prefetch` + 1
 * delivered for a moment; a message beyond `prefetch` waits for a handler to finish). A quorum queue hands out the messages a dead consumer
 * held first, so after a worker died on a message, that message and the others it held are each
 * handled alone: when the poison one kills the worker again, it is the only one the broker counts
 * a delivery against, and the delivery limit ends it without failing the jobs beside it.
 */
export function createAmqpConsumer(options: AmqpConsumerOptions): AmqpConsumer {
  const { queue, logger } = options;
  const running = createInFlight();
  const admission = createAdmission(options.prefetch, running);
  const longest = longestDelayOf(options.retryDelaysMs);
  let current: ConsumerChannel | undefined;
  let cancelling: Promise<void> | undefined;
  let attaching: Promise<void> | undefined;
  // Aborted when the consumer stops: ends the holds of deliveries whose retry's copy is refused.
  const stopping = sharedController();

  const unsettled = (error: unknown) =>
    logger.debug('job_queue: could not settle a message; the broker will redeliver it', {
      queue,
      error: String(error),
    });

  /**
   * Publishes a retry's copy and resolves true once the broker has confirmed it: the copy is
   * confirmed before the original is acked, so a crash in between doubles the message (the
   * handlers are idempotent) and never loses it. While the broker refuses the copy for now (it
   * nacked it, or it was never sent: see {@link REFUSED_FOR_NOW}), the original is held and the
   * copy sent again, after the copy's delay (at least {@link MIN_HOLD_MS}) at first and twice as
   * long each time after, up to the longest delay: sent back to its queue, the original would come
   * straight back, and every return counts against the delivery limit, so a broker refusing
   * publishes for seconds failed jobs by the hundred. Resolves false, for the original to go back to its queue, on any other
   * failure (its retry queue gone: the delivery limit ends that loop; a copy unconfirmed in time,
   * which the broker may yet take), or when the channel closes or the consumer stops meanwhile.
   */
  const sendRetry = async (
    entry: ConsumerChannel,
    message: ConsumeMessage,
    delayMs: number,
    headers: Record<string, unknown>,
    about: Record<string, unknown>,
  ): Promise<boolean> => {
    const firstWaitMs = Math.max(delayMs, MIN_HOLD_MS);
    for (let tries = 1; ; tries += 1) {
      try {
        await options.retry(message, delayMs, headers);
        if (tries > 1) logger.info('job_queue: published a held retry', { ...about, tries });
        return true;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const refusedForNow = error instanceof JobQueueError && REFUSED_FOR_NOW.has(error.code);
        if (!refusedForNow || entry.lost.signal.aborted || stopping.signal.aborted) {
          logger.warn('job_queue: could not publish a retry; the message goes back to its queue', {
            ...about,
            error: reason,
          });
          return false;
        }
        const waitMs = Math.min(firstWaitMs * 2 ** (tries - 1), Math.max(firstWaitMs, longest ?? 0));
        const held = { ...about, retry_in_ms: waitMs, tries, error: reason };
        // The first refusal says what happens; the next ones only that it goes on.
        if (tries === 1) logger.warn(HOLDING, held);
        else logger.debug(HOLDING, held);
        if (!(await pause(waitMs, [entry.lost.signal, stopping.signal]))) return false;
      }
    }
  };

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
    if (!entry.widened && redeliveries === 0) widen(entry);
    const context = { delivery_count: redeliveries };
    const retryDelayMs = options.retryDelaysMs[attempt - 1];
    const marks = message.properties.headers;
    const delivery = deliveryOf(attempt, redeliveries, options, exhaustedOf(marks), putOffOf(marks));
    const handle = () =>
      handleMessage({
        body: message.content.toString('utf8'),
        queue,
        handler: options.handler,
        delivery,
        retryDelayMs,
        longestDelayMs: longest,
        logger,
        context,
        headers: message.properties.headers,
      }).then(async ({ outcome, trace }) => {
        // A delivery can only be settled on the channel it came on; once that is gone, the broker
        // has already put the message back for a redelivery.
        if (!entry.open) return;
        let settle: Outcome | 'redeliver' = outcome;
        if (outcome === 'retry' || outcome === 'retry-later') {
          // A retry-later waits in the longest delay's queue, still the same attempt.
          const delayMs = outcome === 'retry' ? retryDelayMs : longest;
          // handleMessage answers retry or retry-later only with a delay to wait, so never
          // without one; should it, the message is dead-lettered rather than acked unsent.
          if (delayMs === undefined) settle = 'dead-letter';
          else {
            const headers = {
              [ATTEMPT_HEADER]: outcome === 'retry' ? attempt + 1 : attempt,
              // A copy of an exhausted delivery stays exhausted: its new delivery count starts at 0.
              ...(delivery.exhausted ? { [EXHAUSTED_HEADER]: 1 } : {}),
              // A retry is a new try; a retry-later copy is this one again.
              [PUT_OFF_HEADER]: outcome === 'retry-later' ? 1 : 0,
              ...retryHeaders(trace.traceparent),
            };
            const sent = await sendRetry(entry, message, delayMs, headers, { queue, attempt, ...context });
            if (!sent) settle = 'redeliver';
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
    admission.admit(() => entry.open, handle);
  };

  /**
   * Consumes on the entry's channel, `prefetch` messages at a time. The tag is known as a promise
   * first: deliveries can reach the callback before the consume's own answer is read.
   */
  const consumeAt = async (entry: ConsumerChannel, prefetch: number) => {
    await entry.channel.prefetch(prefetch);
    entry.consuming = entry.channel
      .consume(options.queueName, (message) => deliver(entry, message), { noAck: false })
      .then(({ consumerTag }) => {
        entry.tag = consumerTag;
        return consumerTag;
      });
    await entry.consuming;
  };

  // A consumer's prefetch is fixed when it starts (quorum queues refuse a channel-wide one), so
  // widening replaces the one-at-a-time consumer; the messages it was given stay with the channel.
  const widen = (entry: ConsumerChannel) => {
    entry.widened = true;
    const narrow = entry.consuming;
    entry.widening = (async () => {
      const narrowTag = await narrow;
      // The wide consumer starts before the narrow one goes, so that the queue never shows none.
      if (entry.open && !cancelling) await consumeAt(entry, options.prefetch);
      if (narrowTag !== undefined) await entry.channel.cancel(narrowTag);
    })().catch((error: unknown) =>
      // A channel lost meanwhile is reopened, narrow again, by the usual path.
      logger.debug('job_queue: could not widen a consumer', { queue, error: String(error) }),
    );
  };

  const stop = async (entry: ConsumerChannel | undefined, graceMs: number) => {
    await entry?.widening;
    if (entry?.open && entry.tag !== undefined) await entry.channel.cancel(entry.tag).catch(() => {});
    // Once no more is delivered here: a held delivery sent back now goes to another consumer.
    stopping.abort();
    await drainHandlers(running, graceMs, logger, queue);
    if (entry?.open) {
      entry.settler.flush();
      await entry.channel.close().catch(() => {});
    }
  };

  const open = async (model: ChannelModel) => {
    await options.prepare(model);
    const channel = await model.createChannel();
    const narrow = options.prefetch > 1;
    const entry: ConsumerChannel = {
      channel,
      model,
      open: true,
      lost: sharedController(),
      settler: createSettler(channel, unsettled),
      widened: !narrow,
    };
    channel.on('error', (error: Error) =>
      logger.warn('job_queue: consumer channel failed', { queue, error: error.message }),
    );
    channel.on('close', () => {
      entry.open = false;
      entry.lost.abort();
      if (current === entry && !cancelling) options.onChannelLost();
    });
    try {
      await consumeAt(entry, narrow ? 1 : options.prefetch);
    } catch (error) {
      if (entry.open) await channel.close().catch(() => {});
      throw error;
    }
    current = entry;
    // A channel that closed before it became current was not reported by its close listener.
    if (!entry.open && !cancelling) options.onChannelLost();
  };

  return {
    get inFlight() {
      return admission.size;
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
