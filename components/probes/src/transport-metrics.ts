import type { JobQueue, QueueName } from '@mousetrap/job_queue';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Adds `deliveries_in_flight` and `publishes_unconfirmed` to `registry`, read from `queue` at each
 * scrape: the work a fault would meet in this process right now (the fault suite reads them at the
 * instant it injects one).
 */
export function registerInFlightGauges(registry: Registry, queue: Pick<JobQueue, 'inFlight'>): void {
  new Gauge({
    name: 'deliveries_in_flight',
    help: 'Messages delivered to this process and not yet settled.',
    registers: [registry],
    collect() {
      this.set(queue.inFlight().deliveries);
    },
  });
  new Gauge({
    name: 'publishes_unconfirmed',
    help: 'Messages this process published that the broker has not confirmed yet.',
    registers: [registry],
    collect() {
      this.set(queue.inFlight().publishes);
    },
  });
}

/**
 * Counts, in `jobs_unknown_total`, the messages of `queue` whose job this worker's database does
 * not have: a worker on another database or schema than the API's. Returns the counting callback.
 */
export function unknownJobCounter(registry: Registry, queue: QueueName): () => void {
  const counter =
    (registry.getSingleMetric('jobs_unknown_total') as Counter<'queue'> | undefined) ??
    new Counter({
      name: 'jobs_unknown_total',
      help: 'Messages for a job this worker’s database does not have (dead-lettered), by queue.',
      labelNames: ['queue'],
      registers: [registry],
    });
  counter.inc({ queue }, 0);
  return () => counter.inc({ queue });
}
