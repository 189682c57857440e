import type { PipelineHealth } from '@mousetrap/job_intake';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One answered request, as the metrics see it; `route` is the route pattern, never the raw path. */
export interface RequestObservation {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/** The API's Prometheus metrics: what requests it answered, how fast, and how many jobs it took. */
export interface ApiMetrics {
  /** Served by GET /metrics. */
  registry: Registry;
  /** Counts and times one answered request. */
  observeRequest(observation: RequestObservation): void;
  /** Counts one accepted POST /refresh; `created` is false when an idempotency key replayed a job. */
  countSubmission(created: boolean): void;
  /** Counts one stalled job the sweeper re-drove or failed. */
  countStalled(outcome: 'redriven' | 'failed'): void;
}

type RequestLabels = 'method' | 'route' | 'status';

// A registry shared with other code may hold these already; prom-client refuses a second copy.
function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

/**
 * Makes the API's metrics in `registry` (a new one by default), with the process's default
 * metrics unless the registry has them already.
 */
export function createApiMetrics(registry: Registry = new Registry()): ApiMetrics {
  if (!registry.getSingleMetric('process_cpu_user_seconds_total'))
    collectDefaultMetrics({ register: registry });
  const requests =
    existing<Counter<RequestLabels>>(registry, 'http_requests_total') ??
    new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  const duration =
    existing<Histogram<RequestLabels>>(registry, 'http_request_duration_seconds') ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its answer, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  const submitted =
    existing<Counter<'outcome'>>(registry, 'jobs_submitted_total') ??
    new Counter({
      name: 'jobs_submitted_total',
      help: 'Jobs accepted by POST /refresh: created, or replayed for a known idempotency key.',
      labelNames: ['outcome'],
      registers: [registry],
    });
  const stalled =
    existing<Counter<'outcome'>>(registry, 'jobs_stalled_total') ??
    new Counter({
      name: 'jobs_stalled_total',
      help: 'Jobs that made no progress within their stage budget, by what the sweeper did: redriven or failed.',
      labelNames: ['outcome'],
      registers: [registry],
    });
  for (const outcome of ['redriven', 'failed']) stalled.inc({ outcome }, 0);
  return {
    registry,
    countStalled(outcome) {
      stalled.inc({ outcome });
    },
    observeRequest({ method, route, status, seconds }) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    countSubmission(created) {
      submitted.inc({ outcome: created ? 'created' : 'replayed' });
    },
  };
}

/**
 * Adds the pipeline's health to `registry`, as `health()` last saw it (the pipeline watch): the
 * unfinished jobs, the oldest one's age, the stalled ones, and every queue's waiting messages,
 * consumers and dead letters. Nothing is reported before the first look.
 */
export function registerPipelineGauges(registry: Registry, health: () => PipelineHealth | undefined): void {
  const single = (name: string, help: string, read: (h: PipelineHealth) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const latest = health();
        if (latest) this.set(read(latest));
      },
    });
  single('pipeline_unfinished_jobs', 'Jobs queued, fetching or processing.', (h) => h.unfinished);
  single(
    'pipeline_oldest_unfinished_job_seconds',
    'Age of the oldest unfinished job (0 when none).',
    (h) => h.oldestUnfinishedSeconds,
  );
  single(
    'pipeline_stalled_jobs',
    'Handed-off unfinished jobs with no progress within STAGE_TIMEOUT_MS.',
    (h) => h.stalled,
  );
  const perQueue = (
    name: string,
    help: string,
    read: (q: NonNullable<PipelineHealth['queues']>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        this.reset();
        for (const entry of health()?.queues ?? []) this.set({ queue: entry.queue }, read(entry));
      },
    });
  perQueue('queue_messages', 'Messages waiting in a pipeline queue.', (q) => q.messages);
  perQueue(
    'queue_consumers',
    'Consumers of a pipeline queue (0 with messages waiting: nobody reads them).',
    (q) => q.consumers,
  );
  perQueue('queue_dead_letters', 'Messages in a pipeline queue’s dead-letter queue.', (q) => q.deadLetters);
}
