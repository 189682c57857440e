import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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
  return {
    registry,
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
