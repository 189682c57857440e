import type { OtlpProtocol } from '@mousetrap/tracing';
import { type Env, readFields } from './read.ts';
import {
  apiFields,
  brokerFields,
  commonFields,
  consumerFields,
  databaseFields,
  embeddedFields,
  fetchFields,
  type LOG_LEVELS,
  type Parsed,
  probeField,
  processFields,
  sweeperFields,
} from './schemas.ts';

/** Where and how to reach RabbitMQ. */
export interface BrokerSettings {
  /** The AMQP URL, or one per node of a cluster, comma-separated (RABBITMQ_URL, or built from RABBITMQ_HOST/USER/PASSWORD). */
  url: string;
  /** Put before every queue name (QUEUE_PREFIX). @default '' */
  prefix: string;
  /** Publishes awaiting the broker's confirm at most, before a publish is refused (MAX_UNCONFIRMED). @default 1000 */
  maxUnconfirmed: number;
}

/** The broker as a worker, which consumes a queue, uses it. */
export interface ConsumerSettings extends BrokerSettings {
  /** Unacknowledged messages per consumer (PREFETCH). @default 50 */
  prefetch: number;
  /**
   * How often a message may go back to its queue unsettled (its worker died on it) before its next
   * delivery is the last, on which the job is failed (DELIVERY_LIMIT, 1–20). @default 5
   */
  deliveryLimit: number;
  /**
   * Delays before each retry of a message whose handling failed for a transient reason
   * (RETRY_DELAYS_MS, comma-separated); a message is tried at most this many times + 1.
   * @default [1000, 5000, 30000]
   */
  retryDelaysMs: number[];
}

/** The sweeper of stalled jobs, in the API. */
export interface SweeperSettings {
  /** A stage's time budget: a job with no progress for this long is re-driven (STAGE_TIMEOUT_MS). @default 300000 */
  stageTimeoutMs: number;
  /** Re-drives of a stalled job before it is failed (MAX_REDRIVES). @default 3 */
  maxRedrives: number;
}

/** Where and how to reach PostgreSQL. */
export interface DatabaseSettings {
  /** The connection URL (DATABASE_URL, or built from POSTGRES_HOST/PORT/USER/PASSWORD/DB). */
  url: string;
  /** The schema holding the tables (DB_SCHEMA). @default 'public' */
  schema: string;
  /** Connections in the pool (DB_POOL_MAX). @default 10 */
  poolMax: number;
}

/** Where a service's spans go, from OpenTelemetry's standard variables. */
export interface TracingSettings {
  /**
   * The OTLP/HTTP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else
   * OTEL_EXPORTER_OTLP_ENDPOINT with `/v1/traces`. Undefined when neither is set: no tracing.
   */
  url: string | undefined;
  /** How spans are encoded (OTEL_EXPORTER_OTLP_PROTOCOL). @default 'http/protobuf' */
  protocol: OtlpProtocol;
  /** `service.name` of the spans (OTEL_SERVICE_NAME); the service's own name when unset. */
  serviceName: string | undefined;
}

/** What every service reads. */
export interface ServiceSettings {
  /** LOG_LEVEL. @default 'info' */
  logLevel: (typeof LOG_LEVELS)[number];
  /** How long a stop may wait for work in flight (SHUTDOWN_GRACE_MS). @default 10000 */
  shutdownGraceMs: number;
  tracing: TracingSettings;
}

/** The HTTP listener of the API. */
export interface HttpSettings {
  /** PORT; 0 picks a free port. @default 8000 */
  port: number;
  /** HOST. @default '0.0.0.0' */
  host: string;
  /**
   * When set (API_KEY), POST requests must carry it. At least 16 characters; a blank value or the
   * placeholder CHANGE_ME is refused. Unset, anyone who reaches the port can start and retry jobs.
   * @default undefined
   */
  apiKey: string | undefined;
  /**
   * A trace UI's page of one trace, with `{traceId}` where the id goes (TRACE_UI_URL), e.g.
   * `http://localhost:16686/trace/{traceId}`: the dashboard links each traced job to it. @default undefined
   */
  traceUiUrl: string | undefined;
  /**
   * A test hook for the fault suite (TEST_CRASH_AFTER_COMMIT): the probability that the API process
   * exits right after recording a job and before publishing it. Never set it in production. @default 0
   */
  crashAfterCommitRate: number;
}

/** The fetch worker's data source. */
export interface FetchSettings {
  /** Simulated latency of the source (FETCH_DELAY_MS). @default 1000 */
  delayMs: number;
  /** An HTTP source to use instead of the simulation (FETCH_URL). */
  url: string | undefined;
  /** Time limit of one HTTP fetch (FETCH_TIMEOUT_MS). @default 5000 */
  timeoutMs: number;
  /** Share of simulated fetches that fail, to exercise retries (FETCH_FAILURE_RATE, 0–1). @default 0 */
  failureRate: number;
  /** Share of simulated fetches that take longer than `timeoutMs` and time out (FETCH_SLOW_RATE, 0–1). @default 0 */
  slowRate: number;
}

/** Settings of api_app. */
export interface ApiSettings extends ServiceSettings {
  http: HttpSettings;
  broker: BrokerSettings;
  database: DatabaseSettings;
  sweeper: SweeperSettings;
}

/** Settings of fetch_worker_app. */
export interface FetchWorkerSettings extends ServiceSettings {
  broker: ConsumerSettings;
  database: DatabaseSettings;
  fetch: FetchSettings;
  /** The port of /health, /ready and /metrics (HEALTH_PORT; 0 picks a free port). @default 8001 */
  healthPort: number;
}

/** Settings of processing_worker_app. */
export interface ProcessingWorkerSettings extends ServiceSettings {
  broker: ConsumerSettings;
  database: DatabaseSettings;
  /** Simulated work per batch (PROCESS_DELAY_MS). @default 1000 */
  processDelayMs: number;
  /** The port of /health, /ready and /metrics (HEALTH_PORT; 0 picks a free port). @default 8002 */
  healthPort: number;
  /**
   * A test hook for the fault suite (TEST_CRASH_ON_CORRELATION_ID): the worker kills itself on the
   * messages of the job with this correlation id. Never set it in production. @default undefined
   */
  crashOnCorrelationId: string | undefined;
}

/**
 * Settings of the all-in-one development process: the broker and the database are undefined
 * when nothing in the environment names them, and the embedded defaults are used instead.
 */
export interface DevelopmentSettings extends ServiceSettings {
  http: HttpSettings;
  broker: ConsumerSettings | undefined;
  /** The in-memory transport's consumer settings, when no broker is named. */
  consumer: Omit<ConsumerSettings, 'url'>;
  database: DatabaseSettings | undefined;
  /** The embedded database's folder (EMBEDDED_DATA_DIR), when set; npm start's own default otherwise. */
  embeddedDataDir: string | undefined;
  sweeper: SweeperSettings;
  fetch: FetchSettings;
  processDelayMs: number;
  /** The processing worker's test hook (TEST_CRASH_ON_CORRELATION_ID): here it kills the whole process. */
  crashOnCorrelationId: string | undefined;
}

const common = (p: Parsed<typeof commonFields>): ServiceSettings => ({
  logLevel: p.LOG_LEVEL,
  shutdownGraceMs: p.SHUTDOWN_GRACE_MS,
  tracing: {
    url:
      p.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      (p.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? undefined
        : `${p.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`),
    protocol: p.OTEL_EXPORTER_OTLP_PROTOCOL,
    serviceName: p.OTEL_SERVICE_NAME,
  },
});

const credentials = (user: string, password: string) =>
  `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;

const broker = (p: Parsed<typeof brokerFields>): BrokerSettings => ({
  url:
    p.RABBITMQ_URL ??
    `amqp://${credentials(p.RABBITMQ_USER ?? 'DEV_USER', p.RABBITMQ_PASSWORD ?? 'CHANGE_ME')}@${p.RABBITMQ_HOST ?? 'localhost'}:5672`,
  prefix: p.QUEUE_PREFIX,
  maxUnconfirmed: p.MAX_UNCONFIRMED,
});

const consumer = (p: Parsed<typeof brokerFields & typeof consumerFields>): ConsumerSettings => ({
  ...broker(p),
  prefetch: p.PREFETCH,
  deliveryLimit: p.DELIVERY_LIMIT,
  retryDelaysMs: p.RETRY_DELAYS_MS,
});

const sweeper = (p: Parsed<typeof sweeperFields>): SweeperSettings => ({
  stageTimeoutMs: p.STAGE_TIMEOUT_MS,
  maxRedrives: p.MAX_REDRIVES,
});

const database = (p: Parsed<typeof databaseFields>): DatabaseSettings => ({
  url:
    p.DATABASE_URL ??
    `postgres://${credentials(p.POSTGRES_USER ?? 'mousetrap', p.POSTGRES_PASSWORD ?? 'CHANGE_ME')}@${p.POSTGRES_HOST ?? 'localhost'}:${p.POSTGRES_PORT}/${encodeURIComponent(p.POSTGRES_DB ?? 'mousetrap')}`,
  schema: p.DB_SCHEMA,
  poolMax: p.DB_POOL_MAX,
});

const http = (p: Parsed<typeof apiFields>): HttpSettings => ({
  port: p.PORT,
  host: p.HOST ?? '0.0.0.0',
  apiKey: p.API_KEY,
  traceUiUrl: p.TRACE_UI_URL,
  crashAfterCommitRate: p.TEST_CRASH_AFTER_COMMIT,
});

const fetchSource = (p: Parsed<typeof fetchFields>): FetchSettings => ({
  delayMs: p.FETCH_DELAY_MS,
  url: p.FETCH_URL,
  timeoutMs: p.FETCH_TIMEOUT_MS,
  failureRate: p.FETCH_FAILURE_RATE,
  slowRate: p.FETCH_SLOW_RATE,
});

/** Reads api_app's settings from the environment; throws a SettingsError naming every bad key. */
export function loadApiSettings(env: Env): ApiSettings {
  const p = readFields(env, {
    ...commonFields,
    ...brokerFields,
    ...databaseFields,
    ...apiFields,
    ...sweeperFields,
  });
  return { ...common(p), http: http(p), broker: broker(p), database: database(p), sweeper: sweeper(p) };
}

/** Reads fetch_worker_app's settings from the environment; throws a SettingsError naming every bad key. */
export function loadFetchWorkerSettings(env: Env): FetchWorkerSettings {
  const p = readFields(env, {
    ...commonFields,
    ...brokerFields,
    ...consumerFields,
    ...databaseFields,
    ...fetchFields,
    ...probeField(8001),
  });
  return {
    ...common(p),
    broker: consumer(p),
    database: database(p),
    fetch: fetchSource(p),
    healthPort: p.HEALTH_PORT,
  };
}

/** Reads processing_worker_app's settings from the environment; throws a SettingsError naming every bad key. */
export function loadProcessingWorkerSettings(env: Env): ProcessingWorkerSettings {
  const p = readFields(env, {
    ...commonFields,
    ...brokerFields,
    ...consumerFields,
    ...databaseFields,
    ...processFields,
    ...probeField(8002),
  });
  return {
    ...common(p),
    broker: consumer(p),
    database: database(p),
    processDelayMs: p.PROCESS_DELAY_MS,
    healthPort: p.HEALTH_PORT,
    crashOnCorrelationId: p.TEST_CRASH_ON_CORRELATION_ID,
  };
}

/** Reads the development process's settings; the broker and database only when the environment names them. */
export function loadDevelopmentSettings(env: Env): DevelopmentSettings {
  const p = readFields(env, {
    ...commonFields,
    ...brokerFields,
    ...consumerFields,
    ...databaseFields,
    ...apiFields,
    ...sweeperFields,
    ...embeddedFields,
    ...fetchFields,
    ...processFields,
  });
  const names = (...keys: string[]) => keys.some((key) => (env[key] ?? '').trim() !== '');
  const { url: _url, ...inMemory } = consumer(p);
  return {
    ...common(p),
    http: http(p),
    broker: names('RABBITMQ_URL', 'RABBITMQ_HOST') ? consumer(p) : undefined,
    consumer: inMemory,
    database: names('DATABASE_URL', 'POSTGRES_HOST') ? database(p) : undefined,
    embeddedDataDir: p.EMBEDDED_DATA_DIR,
    sweeper: sweeper(p),
    fetch: fetchSource(p),
    processDelayMs: p.PROCESS_DELAY_MS,
    crashOnCorrelationId: p.TEST_CRASH_ON_CORRELATION_ID,
  };
}
