import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { describe, openBrokerConnection } from './broker-connection.ts';
import { type AmqpConsumer, createAmqpConsumer } from './consumer.ts';
import { blockedError, busyError, closedError, JobQueueError } from './errors.ts';
import { amqpJobQueueSettings, CLOSE_GRACE_MS } from './options.ts';
import { createPublisher } from './publisher.ts';
import { assertQueues, assertRetryQueues, queueName, readQueueStats, retryQueueName } from './topology.ts';
import { inPublishSpan } from './trace-context.ts';
import type { AmqpJobQueueOptions, JobQueue } from './types.ts';

/**
 * Connects to RabbitMQ and declares the pipeline's queues. A broker that is not up yet is retried
 * with backoff for up to `startTimeoutMs`, or until `signal` is aborted; one that refuses the login
 * or the virtual host fails the start at once with code `refused`. Once connected, every
 * lost connection is re-established (again with backoff) and the publish channel and consumers
 * are re-created on it. The connection's life is broker-connection.ts's, the queues' topology.ts's;
 * this is the job queue on top of them: publishing, consumers, checks and stats, and the close.
 */
export async function connectJobQueue(options: AmqpJobQueueOptions): Promise<JobQueue> {
  const settings = amqpJobQueueSettings(options);
  options.signal?.throwIfAborted();
  const { logger, prefix, broker } = settings;
  const publisher = createPublisher({
    timeoutMs: settings.publishTimeoutMs,
    maxUnconfirmed: settings.maxUnconfirmed,
    logger,
    replaceChannel: async () => {
      const model = connection.current();
      if (!model) return false;
      try {
        await publishOn(model);
      } catch (error) {
        // Left without a channel (its old one closed unheard), nothing else would ask for one
        // until the connection drops.
        if (!publisher.ready) connection.reopen(model, 'the publish channel', openPublishChannel);
        throw error;
      }
      return true;
    },
  });
  const consumers = new Set<AmqpConsumer>();
  // Consumers from their start until their cancel has drained them: what inFlight counts.
  const holding = new Set<AmqpConsumer>();
  const cancel = (consumer: AmqpConsumer, graceMs?: number) =>
    consumer.cancel(graceMs).finally(() => holding.delete(consumer));
  let closing: Promise<void> | undefined;

  // A pipeline queue an earlier version declared with other arguments is used as it is: said once.
  const legacy = new Set<string>();
  const declare = (model: ChannelModel) =>
    assertQueues(model, prefix, (queue, reason) => {
      if (legacy.has(queue)) return;
      legacy.add(queue);
      logger.warn('job_queue: a queue declared by an earlier version is used with its own arguments', {
        queue,
        reason: describe(reason),
      });
    });

  // The connection the publish channel was opened on: a reconnect replaces a channel of an earlier
  // one even when the publisher still holds it (its close came before use() could hear it).
  let publishModel: ChannelModel | undefined;
  const publishOn = async (model: ChannelModel) => {
    const channel = await model.createConfirmChannel();
    publishModel = model;
    publisher.use(channel);
    // After the publisher's own listener: a channel it replaced leaves another one in use.
    channel.on('close', () => {
      if (!publisher.ready) connection.reopen(model, 'the publish channel', openPublishChannel);
    });
  };
  const openPublishChannel = async (model: ChannelModel) => {
    if (!publisher.ready || publishModel !== model) await publishOn(model);
  };

  const resumeConsumer = (consumer: AmqpConsumer) => async (model: ChannelModel) => {
    await declare(model);
    await consumer.attach(model);
  };

  // On every (re)connect, before the connection counts as up: what a fresh connection lacks.
  const setup = async (model: ChannelModel) => {
    await declare(model);
    await openPublishChannel(model);
    // A Set's iteration also visits consumers added while it runs.
    for (const consumer of consumers) await consumer.attach(model);
  };

  const connection = await openBrokerConnection(settings, setup, options.signal);

  return {
    publish(queue, envelope) {
      // Refused at once rather than left waiting for a confirm that an alarm holds back.
      const blocked = connection.blocked();
      if (blocked !== undefined && !closing) return Promise.reject(blockedError(blocked));
      return inPublishSpan(queue, envelope, (headers) =>
        publisher.publish(queueName(prefix, queue), envelope, headers),
      );
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
        retry: (message: ConsumeMessage, delayMs: number, headers: Record<string, unknown>) => {
          // Refused at once while the broker blocks publishers: sent, the copy would wait unread.
          const blocked = connection.blocked();
          if (blocked !== undefined) return Promise.reject(blockedError(blocked));
          return publisher.republish(retryQueueName(prefix, queue, delayMs), message.content, {
            ...message.properties,
            headers: { ...message.properties.headers, ...headers },
          });
        },
        logger,
        onCancel: () => consumers.delete(consumer),
        onChannelLost: () => {
          const model = connection.current();
          if (model) connection.reopen(model, `a consumer of ${queue}`, resumeConsumer(consumer));
        },
      });
      consumers.add(consumer);
      holding.add(consumer);
      const current = connection.current();
      if (current) {
        try {
          await consumer.attach(current);
        } catch (error) {
          if (connection.current() === current) {
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
      if (!connection.current() || !publisher.ready) {
        throw new JobQueueError('unavailable', `not connected to ${broker}`);
      }
      const blocked = connection.blocked();
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
      const current = connection.current();
      if (!current) throw new JobQueueError('unavailable', `not connected to ${broker}`);
      const read = async () => {
        // A throwaway channel, because a passive check of a missing queue closes its channel.
        const channel = await current.createChannel().catch((error: unknown) => {
          throw new JobQueueError('unavailable', `cannot open a channel: ${describe(error)}`, {
            cause: error,
          });
        });
        channel.on('error', () => {});
        try {
          return await readQueueStats(channel, prefix);
        } finally {
          await channel.close().catch(() => {});
        }
      };
      try {
        try {
          return await read();
        } catch (error) {
          // A pipeline queue deleted under a running service (a dead-letter queue nobody consumes
          // is declared again by nothing else): declared again, as on a reconnect, then read.
          if ((error as { code?: unknown }).code !== 404) throw error;
          logger.warn('job_queue: a pipeline queue is missing; declaring the queues again', {
            error: describe(error),
          });
          await declare(current);
          return await read();
        }
      } catch (error) {
        if (error instanceof JobQueueError) throw error;
        const message = `cannot read the queues: ${describe(error)}`;
        throw new JobQueueError('unavailable', message, { cause: error });
      }
    },

    close() {
      closing ??= (async () => {
        // Handlers still running may publish their follow-up messages, so publishing closes after them.
        await Promise.all([...consumers].map((consumer) => cancel(consumer, CLOSE_GRACE_MS)));
        await publisher.close(settings.publishTimeoutMs);
        await connection.close();
        logger.info('job_queue: closed', { broker });
      })();
      return closing;
    },
  };
}
