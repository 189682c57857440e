import type { Logger } from '@mousetrap/log';
import type { Envelope, QueueName } from './envelope.ts';

/**
 * What a handler asks for once it is done with a message: nothing (acknowledge it),
 * `{ deadLetter: reason }` to move it to the queue's dead-letter queue for good, or
 * `{ retryLater: reason }` to have it back after the longest of `retryDelaysMs` without spending an
 * attempt (for a message that cannot even be settled now, such as a final attempt whose job cannot
 * be marked failed while the database is away). A handler that throws asks for a retry after the
 * next of `retryDelaysMs`; on the final attempt it is dead-lettered.
 */
export type HandlerResult = undefined | { deadLetter: string } | { retryLater: string };

/** Which try of a message this is: a handler that fails on the `final` one should settle the job itself. */
export interface Delivery {
  /** 1 for the first try, 2 for the first retry, and so on. */
  attempt: number;
  /** How often this message went back to its queue unsettled (its worker died or stopped on it). */
  redeliveries: number;
  /**
   * True on the last delivery the delivery limit allows: the message went back unsettled
   * `deliveryLimit` times, so a worker died on it again and again. The handler should give up
   * (settle the job as failed) rather than try the work that killed its predecessors.
   */
  exhausted: boolean;
  /** True when a failure now will not be retried: the message goes to the dead-letter queue. */
  final: boolean;
  /**
   * True on the copy of an attempt its handler asked to try again later (`retryLater`): the same
   * try made again, not progress of its job, so that a try put off again and again (a failure
   * taken for an outage that is not one) leaves its job for the sweeper. @default false
   */
  putOff?: boolean;
}

/** Handles one message; the message is acknowledged only after this resolves. */
export type Handler = (message: Envelope, delivery: Delivery) => Promise<HandlerResult>;

/** A running consumer. */
export interface Consumer {
  /**
   * Stops taking messages, then waits up to `graceMs` (default 10000) for handlers still running;
   * messages whose handler has not finished by then are redelivered later.
   */
  cancel(graceMs?: number): Promise<void>;
}

/** Depth of one queue and of its dead-letter queue, for metrics and readiness. */
export interface QueueStats {
  queue: QueueName;
  messages: number;
  consumers: number;
  deadLetters: number;
}

/** Work in flight in one transport, at one instant. */
export interface InFlightCounts {
  /** Messages delivered to this process's consumers and not yet settled. */
  deliveries: number;
  /** Publishes sent and not yet confirmed by the broker. */
  publishes: number;
}

/** Options shared by both transports. */
export interface JobQueueOptions {
  /** Put before every queue name so that test runs and environments do not collide. @default '' */
  prefix?: string;
  /** Messages a consumer holds unacknowledged at once. @default 50 */
  prefetch?: number;
  /**
   * How often a message may go back to its queue unsettled (its worker died or stopped on it, or
   * its retry could not be published) before its next delivery is the last: that one is
   * `exhausted` and final: a handler that throws on it has it dead-lettered, never retried, and one
   * that asks to retry later gets it back still exhausted. The guard against crash loops, enforced
   * by the consumer (from 1 to 20; the broker's own limit is 20).
   * @default 5
   */
  deliveryLimit?: number;
  /**
   * Delays before the retries of a message whose handler throws: it is tried at most
   * `retryDelaysMs.length + 1` times, then dead-lettered. Over RabbitMQ each delay is a retry
   * queue named by it, declared by the queue's consumers, so a change declares new queues beside
   * the old ones, whose messages still come back.
   * @default [1000, 5000, 30000]
   */
  retryDelaysMs?: readonly number[];
  /**
   * Publishes awaiting the broker's confirm at most; one more is refused at once with `busy`
   * instead of being buffered without bound.
   * @default 1000
   */
  maxUnconfirmed?: number;
  /** Where connection events and rejected messages are logged. */
  logger?: Logger;
}

/** Options of `connectJobQueue`. */
export interface AmqpJobQueueOptions extends JobQueueOptions {
  /**
   * An AMQP URL such as `amqp://guest:guest@localhost:5672`, or one per node of a cluster,
   * comma-separated: the queue connects to them in a random order and moves to the next when it
   * loses one.
   */
  url: string;
  /** How long a publish may wait for a connection and the broker's confirm. @default 5000 */
  publishTimeoutMs?: number;
  /** How long `connectJobQueue` retries a broker that is not up yet before it gives up. @default 30000 */
  startTimeoutMs?: number;
  /** Shown in the broker's connection list, to tell services apart. @default 'mousetrap' */
  connectionName?: string;
  /** Abandons the start: once aborted, `connectJobQueue` stops waiting and rejects with the signal's reason. @default undefined */
  signal?: AbortSignal;
}

/** The pipeline's message transport, over RabbitMQ or in memory, with one contract. */
export interface JobQueue {
  /**
   * Sends a persistent message; resolves once the broker has confirmed it. Rejects at once with
   * `busy` when `maxUnconfirmed` publishes await a confirm, and with `blocked` while the broker
   * blocks publishers.
   */
  publish(queue: QueueName, message: Envelope): Promise<void>;
  /** Starts handling the queue's messages, at most `prefetch` at once. */
  consume(queue: QueueName, handler: Handler): Promise<Consumer>;
  /**
   * Resolves when the transport can publish now; rejects with a JobQueueError otherwise: `blocked`
   * or `busy` (overloaded: refuse new work), `unavailable` or `closed`.
   */
  check(): Promise<void>;
  /** Message, consumer and dead-letter counts of every queue. */
  stats(): Promise<QueueStats[]>;
  /** The work this transport holds right now: deliveries whose handler has not settled, publishes awaiting a confirm. */
  inFlight(): InFlightCounts;
  /** Cancels consumers, waits for unconfirmed publishes, and closes the connection. */
  close(): Promise<void>;
}
