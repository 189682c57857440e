import { deliveryOf, longestDelayOf } from './attempts.ts';
import { encodeMessage, QUEUE_NAMES, type QueueName } from './envelope.ts';
import { busyError, closedError } from './errors.ts';
import { type Handled, handleMessage } from './handle-message.ts';
import { createInFlight, drainHandlers, type InFlight } from './in-flight.ts';
import { BROKER_DELIVERY_LIMIT, CLOSE_GRACE_MS, jobQueueSettings } from './options.ts';
import { inPublishSpan, retryHeaders } from './trace-context.ts';
import type { Consumer, Handler, JobQueue, JobQueueOptions } from './types.ts';

/** The in-memory transport, plus a look at what it dead-lettered. */
export interface MemoryJobQueue extends JobQueue {
  /** The messages dead-lettered from `queue`, oldest first, as they were published. */
  deadLetters(queue: QueueName): unknown[];
}

interface Stored {
  /** The message as JSON, so that no handler shares an object with its publisher. */
  body: string;
  deliveries: number;
  /** Which try of the message the next delivery is. */
  attempt: number;
  /** Set on the copy of an exhausted delivery that waits to be settled later: it stays exhausted. */
  exhausted?: boolean;
  /** Set on the copy of an attempt its handler asked to try again later. */
  putOff?: boolean;
  /** Its headers, as a broker carries them: its trace context. */
  headers: Record<string, unknown> | undefined;
}

interface Delivery {
  stored: Stored;
  settled: boolean;
}

interface MemoryConsumer extends Consumer {
  handler: Handler;
  cancelled: boolean;
  running: InFlight;
  unsettled: Set<Delivery>;
}

interface MemoryQueue {
  ready: Stored[];
  dead: string[];
  consumers: MemoryConsumer[];
  pumpScheduled: boolean;
}

/**
 * Makes the in-memory twin of `connectJobQueue` for the embedded mode and tests: the same
 * validation, acks, dead letters, retries (timers instead of TTL queues), delivery limit, prefetch
 * and publish window, without a broker (and without durability: messages live as long as the
 * object, and a retry still waiting when it closes is lost).
 */
export function createMemoryJobQueue(options: JobQueueOptions = {}): MemoryJobQueue {
  const settings = jobQueueSettings(options);
  const { prefetch, retryDelaysMs, maxUnconfirmed, logger } = settings;
  const retryTimers = new Set<NodeJS.Timeout>();
  const longest = longestDelayOf(retryDelaysMs);
  let unconfirmed = 0;
  const queues = new Map<QueueName, MemoryQueue>(
    QUEUE_NAMES.map((queue) => [queue, { ready: [], dead: [], consumers: [], pumpScheduled: false }]),
  );
  let closing: Promise<void> | undefined;
  // Handlers still running while the queue closes may publish their follow-up messages.
  let publishing = true;

  const stateOf = (queue: QueueName): MemoryQueue => {
    const state = queues.get(queue);
    if (!state) throw new RangeError(`unknown queue ${JSON.stringify(queue)}`);
    return state;
  };

  const settle = (
    queue: QueueName,
    state: MemoryQueue,
    stored: Stored,
    { outcome, trace }: Handled,
    exhausted: boolean,
  ) => {
    if (outcome === 'ack') return;
    if (outcome === 'dead-letter') {
      state.dead.push(stored.body);
      return;
    }
    // A retry-later comes back after the longest delay as the same attempt.
    const later = outcome === 'retry-later';
    const timer = setTimeout(
      () => {
        retryTimers.delete(timer);
        state.ready.push({
          body: stored.body,
          deliveries: 0,
          attempt: later ? stored.attempt : stored.attempt + 1,
          exhausted: later && exhausted,
          putOff: later,
          headers: { ...stored.headers, ...retryHeaders(trace.traceparent) },
        });
        schedulePump(queue);
      },
      later ? longest : retryDelaysMs[stored.attempt - 1],
    );
    retryTimers.add(timer);
  };

  const deliver = (queue: QueueName, state: MemoryQueue, consumer: MemoryConsumer, stored: Stored) => {
    const redeliveries = stored.deliveries;
    stored.deliveries += 1;
    const delivery: Delivery = { stored, settled: false };
    consumer.unsettled.add(delivery);
    const told = deliveryOf(stored.attempt, redeliveries, settings, stored.exhausted, stored.putOff);
    const handled = handleMessage({
      body: stored.body,
      queue,
      handler: consumer.handler,
      delivery: told,
      retryDelayMs: retryDelaysMs[stored.attempt - 1],
      longestDelayMs: longest,
      logger,
      context: { delivery_count: redeliveries },
      headers: stored.headers,
    }).then((handled) => {
      consumer.unsettled.delete(delivery);
      // Given back to the queue already, when its consumer was cancelled before it finished.
      if (delivery.settled) return;
      delivery.settled = true;
      settle(queue, state, stored, handled, told.exhausted);
      schedulePump(queue);
    });
    consumer.running.track(handled);
  };

  const pump = (queue: QueueName) => {
    const state = stateOf(queue);
    for (const consumer of state.consumers) {
      while (!consumer.cancelled && consumer.unsettled.size < prefetch) {
        const stored = state.ready.shift();
        if (!stored) return;
        deliver(queue, state, consumer, stored);
      }
    }
  };

  // Deliveries start on a later turn of the event loop, as they do from a broker.
  const schedulePump = (queue: QueueName) => {
    const state = stateOf(queue);
    if (state.pumpScheduled) return;
    state.pumpScheduled = true;
    setImmediate(() => {
      state.pumpScheduled = false;
      pump(queue);
    });
  };

  const createConsumer = (queue: QueueName, handler: Handler): MemoryConsumer => {
    const state = stateOf(queue);
    let cancelling: Promise<void> | undefined;
    const consumer: MemoryConsumer = {
      handler,
      cancelled: false,
      running: createInFlight(),
      unsettled: new Set(),
      cancel(graceMs = 10_000) {
        cancelling ??= (async () => {
          consumer.cancelled = true;
          state.consumers = state.consumers.filter((other) => other !== consumer);
          await drainHandlers(consumer.running, graceMs, logger, queue);
          // What is still unsettled goes back to the queue, as when a consumer's channel closes,
          // and counts against the broker's own delivery limit, as in a quorum queue.
          for (const delivery of consumer.unsettled) {
            delivery.settled = true;
            if (delivery.stored.deliveries > BROKER_DELIVERY_LIMIT) {
              logger.warn('job_queue: delivery limit reached; dead-lettering the message', {
                queue,
                deliveries: delivery.stored.deliveries,
              });
              state.dead.push(delivery.stored.body);
            } else {
              state.ready.unshift(delivery.stored);
            }
          }
          consumer.unsettled.clear();
          schedulePump(queue);
        })();
        return cancelling;
      },
    };
    return consumer;
  };

  return {
    async publish(queue, message) {
      if (!publishing) throw closedError();
      if (unconfirmed >= maxUnconfirmed) throw busyError(maxUnconfirmed);
      const state = stateOf(queue);
      await inPublishSpan(queue, message, async (headers) => {
        state.ready.push({ body: encodeMessage(message), deliveries: 0, attempt: 1, headers });
        schedulePump(queue);
        // The confirm comes on a later turn of the event loop, as it does from a broker, so that the
        // publish window fills the same way.
        unconfirmed += 1;
        await new Promise((resolve) => setImmediate(resolve));
        unconfirmed -= 1;
      });
    },

    async consume(queue, handler) {
      if (closing) throw closedError();
      const consumer = createConsumer(queue, handler);
      stateOf(queue).consumers.push(consumer);
      schedulePump(queue);
      return { cancel: (graceMs) => consumer.cancel(graceMs) };
    },

    async check() {
      if (closing) throw closedError();
      if (unconfirmed >= maxUnconfirmed) throw busyError(maxUnconfirmed);
    },

    inFlight() {
      let deliveries = 0;
      for (const state of queues.values()) {
        for (const consumer of state.consumers) deliveries += consumer.running.size;
      }
      return { deliveries, publishes: unconfirmed };
    },

    async stats() {
      if (closing) throw closedError();
      return QUEUE_NAMES.map((queue) => {
        const state = stateOf(queue);
        return {
          queue,
          messages: state.ready.length,
          consumers: state.consumers.length,
          deadLetters: state.dead.length,
        };
      });
    },

    close() {
      closing ??= (async () => {
        const consumers = [...queues.values()].flatMap((state) => state.consumers);
        await Promise.all(consumers.map((consumer) => consumer.cancel(CLOSE_GRACE_MS)));
        publishing = false;
        if (retryTimers.size > 0) {
          logger.warn('job_queue: closing with retries still waiting; they are lost', {
            retries: retryTimers.size,
          });
        }
        for (const timer of retryTimers) clearTimeout(timer);
        retryTimers.clear();
      })();
      return closing;
    },

    deadLetters(queue) {
      return stateOf(queue).dead.map((body): unknown => JSON.parse(body));
    },
  };
}
