import type { Handler, QueueName } from '@mousetrap/job_queue';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** A registry with the process's default metrics, every series labelled with the service. */
export function createServiceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Wraps a queue handler so that each message is counted by outcome (`ack`, `dead_letter`,
 * `retry`) and timed, in `messages_handled_total` and `message_handle_seconds`, and each one that
 * had gone back to its queue unsettled before (its worker died, stopped or lost its channel on it)
 * in `messages_redelivered_total`.
 */
export function instrumentHandler(registry: Registry, queue: QueueName, handler: Handler): Handler {
  const handled =
    (registry.getSingleMetric('messages_handled_total') as Counter<'queue' | 'outcome'> | undefined) ??
    new Counter({
      name: 'messages_handled_total',
      help: 'Messages handled, by queue and outcome.',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
  const seconds =
    (registry.getSingleMetric('message_handle_seconds') as Histogram<'queue'> | undefined) ??
    new Histogram({
      name: 'message_handle_seconds',
      help: 'Time spent handling one message.',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10],
      registers: [registry],
    });
  const redelivered =
    (registry.getSingleMetric('messages_redelivered_total') as Counter<'queue'> | undefined) ??
    new Counter({
      name: 'messages_redelivered_total',
      help: 'Messages handled that had gone back to their queue unsettled before, by queue.',
      labelNames: ['queue'],
      registers: [registry],
    });
  redelivered.inc({ queue }, 0);
  return async (message, delivery) => {
    if (delivery.redeliveries > 0) redelivered.inc({ queue });
    const end = seconds.startTimer({ queue });
    try {
      const result = await handler(message, delivery);
      handled.inc({ queue, outcome: result ? 'dead_letter' : 'ack' });
      return result;
    } catch (error) {
      handled.inc({ queue, outcome: 'retry' });
      throw error;
    } finally {
      end();
    }
  };
}
