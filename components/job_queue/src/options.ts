import type { Logger } from '@mousetrap/log';
import { type BrokerNode, brokerNodes } from './broker-nodes.ts';
import type { AmqpJobQueueOptions, JobQueueOptions } from './types.ts';

/** {@link JobQueueOptions} with every default applied and every value checked. */
export interface JobQueueSettings {
  prefix: string;
  prefetch: number;
  deliveryLimit: number;
  retryDelaysMs: readonly number[];
  maxUnconfirmed: number;
  logger: Logger;
}

/** {@link AmqpJobQueueOptions} with every default applied and every value checked. */
export interface AmqpJobQueueSettings extends JobQueueSettings {
  url: string;
  /** The broker's nodes: one, or every node of a cluster that `url` lists. */
  nodes: readonly BrokerNode[];
  /** The URLs without their credentials, safe to log. */
  broker: string;
  publishTimeoutMs: number;
  startTimeoutMs: number;
  connectionName: string;
}

/** The delays before the first, second and third retry of a failing message. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 5000, 30_000];

// setTimeout fires at once for anything longer, so a longer delay would silently be no delay.
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The broker's own `x-delivery-limit` on the pipeline queues: a fixed backstop above every
 * `deliveryLimit` the consumers enforce, for a message that kills its worker before the consumer
 * sees it. Fixed, so that no setting is part of a queue's declaration.
 */
export const BROKER_DELIVERY_LIMIT = 20;

/** How long consumers get to finish their handlers when the whole queue closes. */
export const CLOSE_GRACE_MS = 10_000;

const silentLogger: Logger = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};

/** Applies the defaults of the options shared by both transports; throws a RangeError on a bad value. */
export function jobQueueSettings(options: JobQueueOptions): JobQueueSettings {
  const prefix = options.prefix ?? '';
  // The prefix becomes part of queue names, which RabbitMQ limits to 255 bytes.
  if (!/^[\w.:-]{0,100}$/.test(prefix)) {
    throw new RangeError(
      `prefix: expected up to 100 letters, digits, '_', '.', ':' or '-', got ${JSON.stringify(prefix)}`,
    );
  }
  return {
    prefix,
    prefetch: integer('prefetch', options.prefetch ?? 50, 1, 65_535),
    deliveryLimit: integer('deliveryLimit', options.deliveryLimit ?? 5, 1, BROKER_DELIVERY_LIMIT),
    retryDelaysMs: retryDelays(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS),
    maxUnconfirmed: integer('maxUnconfirmed', options.maxUnconfirmed ?? 1000, 1, 1_000_000),
    logger: options.logger ?? silentLogger,
  };
}

/** Applies the defaults of {@link AmqpJobQueueOptions}; throws a RangeError on a bad value. */
export function amqpJobQueueSettings(options: AmqpJobQueueOptions): AmqpJobQueueSettings {
  const nodes = brokerNodes(options.url);
  return {
    ...jobQueueSettings(options),
    url: options.url,
    nodes,
    broker: nodes.map((node) => node.address).join(','),
    publishTimeoutMs: integer('publishTimeoutMs', options.publishTimeoutMs ?? 5000, 1, 3_600_000),
    startTimeoutMs: integer('startTimeoutMs', options.startTimeoutMs ?? 30_000, 1, 3_600_000),
    connectionName: options.connectionName ?? 'mousetrap',
  };
}

function retryDelays(delays: readonly number[]): readonly number[] {
  // Each delay is a queue on the broker, so the list stays short.
  if (!Array.isArray(delays) || delays.length > 20) {
    throw new RangeError(`retryDelaysMs: expected a list of at most 20 delays, got ${String(delays)}`);
  }
  return Object.freeze(delays.map((delay, i) => integer(`retryDelaysMs[${i}]`, delay, 0, MAX_DELAY_MS)));
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name}: expected an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
