import { redactUrl } from '@mousetrap/log';
import { type ChannelModel, type ConsumeMessage, connect } from 'amqplib';
import { coalesceConnectionWrites } from './coalesce-writes.ts';
import { type AmqpConsumer, createAmqpConsumer } from './consumer.ts';
import { JobQueueError } from './errors.ts';
import { amqpJobQueueSettings, CLOSE_GRACE_MS } from './options.ts';
import { busyError, createPublisher } from './publisher.ts';
import { refusalError } from './refusal.ts';
import { assertQueues, assertRetryQueues, queueName, readQueueStats, retryQueueName } from './topology.ts';
import type { AmqpJobQueueOptions, JobQueue } from './types.ts';

/** Pause before reopening a channel lost while its connection stays up. */
const REOPEN_DELAY_MS = 1000;

/** How long a close waits for the broker to acknowledge it. */
const CONNECTION_CLOSE_MS = 5000;

/** `promise`, or a rejection once `ms` have passed. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Connects to RabbitMQ and declares the pipeline's queues. A broker that is not up yet is retried
 * with backoff for up to `startTimeoutMs`, or until `signal` is aborted; one that refuses the login
 * or the virtual host fails the start at once with code `refused`. Once connected, every
 * lost connection is re-established (again with backoff) and the publish channel and consumers
 * are re-created on it.
 */
export async function connectJobQueue(options: AmqpJobQueueOptions): Promise<JobQueue> {
  const settings = amqpJobQueueSettings(options);
  options.signal?.throwIfAborted();
  const { logger, prefix, broker } = settings;
  const publisher = createPublisher({
    timeoutMs: settings.publishTimeoutMs,
    maxUnconfirmed: settings.maxUnconfirmed,
    logger,
  });
  const consumers = new Set<AmqpConsumer>();
  // Consumers from their start until their cancel has drained them: what inFlight counts.
  const holding = new Set<AmqpConsumer>();
  const cancel = (consumer: AmqpConsumer, graceMs?: number) =>
    consumer.cancel(graceMs).finally(() => holding.delete(consumer));
  const timers = new Set<NodeJS.Timeout>();
  let model: ChannelModel | undefined;
  let blocked: string | undefined;
  let closing: Promise<void> | undefined;
  let started = false;
  let ungrouped = false;
  let lastError: unknown;
  let startFailure: JobQueueError | undefined;
  let failStart: (error: unknown) => void = () => {};

  const describe = (error: unknown) => redactUrl(error instanceof Error ? error.message : String(error));

  // A pipeline queue an earlier version declared with other arguments is used as it is: said once.
  const legacy = new Set<string>();
  const declare = (next: ChannelModel) =>
    assertQueues(next, prefix, (queue, reason) => {
      if (legacy.has(queue)) return;
      legacy.add(queue);
      logger.warn('job_queue: a queue declared by an earlier version is used with its own arguments', {
        queue,
        reason: describe(reason),
      });
    });

  // A channel lost while its connection stays up (a channel error, a queue deleted under a
  // consumer) is reopened here; a lost connection is amqplib's recovery's job, and its setup
  // re-creates every channel.
  const reopen = (lost: ChannelModel, what: string, task: (current: ChannelModel) => Promise<void>) => {
    const timer = setTimeout(async () => {
      timers.delete(timer);
      if (model !== lost || closing) return;
      try {
        await task(lost);
        logger.info(`job_queue: reopened ${what}`);
      } catch (error) {
        logger.error(`job_queue: could not reopen ${what}; retrying`, { error: describe(error) });
        reopen(lost, what, task);
      }
    }, REOPEN_DELAY_MS);
    timer.unref();
    timers.add(timer);
  };

  const openPublishChannel = async (next: ChannelModel) => {
    if (publisher.ready) return;
    const channel = await next.createConfirmChannel();
    channel.on('close', () => reopen(next, 'the publish channel', openPublishChannel));
    publisher.use(channel);
  };

  const resumeConsumer = (consumer: AmqpConsumer) => async (next: ChannelModel) => {
    await declare(next);
    await consumer.attach(next);
  };

  // Runs after every (re)connect, before amqplib reports the connection as up.
  const setup = async (next: ChannelModel) => {
    if (!coalesceConnectionWrites(next) && !ungrouped) {
      ungrouped = true;
      logger.warn(
        'job_queue: cannot group the writes to the broker (amqplib keeps its socket elsewhere); each frame goes out alone',
      );
    }
    // Connection errors end in 'close', which recovery handles; without a listener they would throw.
    next.on('error', () => {});
    next.once('close', () => {
      if (model === next) model = undefined;
    });
    await declare(next);
    await openPublishChannel(next);
    // A Set's iteration also visits consumers added while it runs.
    for (const consumer of consumers) await consumer.attach(next);
    model = next;
    blocked = undefined;
  };

  const connection = await connect(settings.url, {
    clientProperties: { connection_name: settings.connectionName },
    recovery: { initialDelay: 200, maxDelay: 10_000, waitForConnect: false, setup },
  });
  connection.on('connect', () =>
    logger.info(`job_queue: ${started ? 'reconnected' : 'connected'}`, { broker }),
  );
  connection.on('disconnect', (error) =>
    logger.warn('job_queue: lost the broker connection; reconnecting', { broker, error: describe(error) }),
  );
  connection.on('connect-failed', (error: Error & { code?: unknown }) => {
    lastError = error;
    if (started) return;
    // A refused login or virtual host, or queues that exist with other arguments, will not change
    // by retrying: fail the start at once.
    startFailure =
      refusalError(error, settings.url, broker) ??
      (error.code === 406
        ? new JobQueueError('unavailable', `cannot declare the queues: ${describe(error)}`, { cause: error })
        : undefined);
    if (startFailure) failStart(startFailure);
  });
  connection.on('reconnect-scheduled', ({ attempt, delay, error }) => {
    // A start that failed at once is not retried, whatever amqplib schedules before it is closed.
    if (startFailure) return;
    logger.warn('job_queue: cannot connect to the broker; retrying', {
      broker,
      attempt,
      delay_ms: delay,
      error: describe(error),
    });
  });
  connection.on('reconnect-failed', (error) =>
    logger.error('job_queue: gave up reconnecting', { broker, error: describe(error) }),
  );
  connection.on('blocked', (reason) => {
    blocked = reason;
    logger.warn('job_queue: the broker blocks publishing', { broker, reason });
  });
  connection.on('unblocked', () => {
    blocked = undefined;
    logger.info('job_queue: the broker unblocked publishing', { broker });
  });
  connection.on('error', (error) =>
    logger.warn('job_queue: connection error', { broker, error: describe(error) }),
  );
  connection.on('handler-error', (error: Error, event: string) =>
    logger.error('job_queue: a connection event listener failed', { event, error: describe(error) }),
  );

  let startTimer: NodeJS.Timeout | undefined;
  const { signal } = options;
  const abandon = () => failStart(signal?.reason);
  try {
    logger.info('job_queue: connecting', { broker });
    await Promise.race([
      connection.waitForConnect(),
      new Promise<never>((_, reject) => {
        failStart = reject;
        startTimer = setTimeout(() => {
          const reason = lastError === undefined ? '' : `: ${describe(lastError)}`;
          reject(
            new JobQueueError(
              'unavailable',
              `no connection to ${broker} within ${settings.startTimeoutMs} ms${reason}`,
              { cause: lastError },
            ),
          );
        }, settings.startTimeoutMs);
        if (signal?.aborted) abandon();
        else signal?.addEventListener('abort', abandon, { once: true });
      }),
    ]);
  } catch (error) {
    await connection.close().catch(() => {});
    if (signal?.aborted && error === signal.reason) throw error;
    throw error instanceof JobQueueError
      ? error
      : new JobQueueError('unavailable', `cannot connect to ${broker}: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(startTimer);
    signal?.removeEventListener('abort', abandon);
    started = true;
  }

  const closedError = () => new JobQueueError('closed', 'the job queue is closed');
  const blockedError = (reason: string) =>
    new JobQueueError('blocked', `the broker blocks publishing: ${reason}`);

  return {
    publish(queue, envelope) {
      // Refused at once rather than left waiting for a confirm that an alarm holds back.
      if (blocked !== undefined && !closing) return Promise.reject(blockedError(blocked));
      return publisher.publish(queueName(prefix, queue), envelope);
    },

    async consume(queue, handler) {
      if (closing) throw closedError();
      const consumer: AmqpConsumer = createAmqpConsumer({
        queue,
        queueName: queueName(prefix, queue),
        handler,
        prefetch: settings.prefetch,
        retryDelaysMs: settings.retryDelaysMs,
        deliveryLimit: settings.deliveryLimit,
        prepare: (next) => assertRetryQueues(next, prefix, queue, settings.retryDelaysMs),
        retry: (message: ConsumeMessage, delayMs: number, headers: Record<string, unknown>) =>
          publisher.republish(retryQueueName(prefix, queue, delayMs), message.content, {
            ...message.properties,
            headers: { ...message.properties.headers, ...headers },
          }),
        logger,
        onCancel: () => consumers.delete(consumer),
        onChannelLost: () => {
          if (model) reopen(model, `a consumer of ${queue}`, resumeConsumer(consumer));
        },
      });
      consumers.add(consumer);
      holding.add(consumer);
      const current = model;
      if (current) {
        try {
          await consumer.attach(current);
        } catch (error) {
          if (model === current) {
            consumers.delete(consumer);
            holding.delete(consumer);
            throw new JobQueueError('unavailable', `cannot consume from ${queue}: ${describe(error)}`, {
              cause: error,
            });
          }
          // The connection went away meanwhile: the reconnect's setup attaches this consumer.
        }
      }
      return { cancel: (graceMs) => cancel(consumer, graceMs) };
    },

    async check() {
      if (closing) throw closedError();
      if (!model || !publisher.ready) throw new JobQueueError('unavailable', `not connected to ${broker}`);
      if (blocked !== undefined) throw blockedError(blocked);
      if (publisher.saturated) throw busyError(settings.maxUnconfirmed);
    },

    inFlight() {
      let deliveries = 0;
      for (const consumer of holding) deliveries += consumer.inFlight;
      return { deliveries, publishes: publisher.unconfirmed };
    },

    async stats() {
      if (closing) throw closedError();
      const current = model;
      if (!current) throw new JobQueueError('unavailable', `not connected to ${broker}`);
      // A throwaway channel, because a passive check of a missing queue closes its channel.
      const channel = await current.createChannel().catch((error: unknown) => {
        throw new JobQueueError('unavailable', `cannot open a channel: ${describe(error)}`, { cause: error });
      });
      channel.on('error', () => {});
      try {
        return await readQueueStats(channel, prefix);
      } catch (error) {
        const message = `cannot read the queues: ${describe(error)}`;
        throw new JobQueueError('unavailable', message, { cause: error });
      } finally {
        await channel.close().catch(() => {});
      }
    },

    close() {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        // Handlers still running may publish their follow-up messages, so publishing closes after them.
        await Promise.all([...consumers].map((consumer) => cancel(consumer, CLOSE_GRACE_MS)));
        await publisher.close(settings.publishTimeoutMs);
        // A broker that stopped answering would hold the close-ok back for ever: the close is
        // bounded, like every wait before it, and the socket goes with the process.
        await withinMs(connection.close(), CONNECTION_CLOSE_MS).catch(() => {});
        logger.info('job_queue: closed', { broker });
      })();
      return closing;
    },
  };
}
