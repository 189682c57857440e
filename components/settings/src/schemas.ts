import { OTLP_PROTOCOLS } from '@mousetrap/tracing';
import type * as v from 'valibot';
import {
  fraction,
  identifier,
  integer,
  integerList,
  key,
  oneOf,
  postgresUrl,
  template,
  text,
  url,
  urlList,
} from './fields.ts';

/** Log levels a service accepts in LOG_LEVEL. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Variables every service reads; the OTEL_ ones are OpenTelemetry's standard names. */
export const commonFields = {
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  SHUTDOWN_GRACE_MS: integer(0, 600_000, 10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_PROTOCOL: oneOf(OTLP_PROTOCOLS, 'http/protobuf'),
  OTEL_SERVICE_NAME: text(),
};

/** Variables of the broker connection (the seed's RABBITMQ_HOST/USER/PASSWORD, or one URL). */
export const brokerFields = {
  RABBITMQ_URL: urlList(['amqp:', 'amqps:']),
  RABBITMQ_HOST: text(),
  RABBITMQ_USER: text(),
  RABBITMQ_PASSWORD: text(),
  QUEUE_PREFIX: identifier(/^[a-z0-9_.-]{0,64}$/, '', 'must be at most 64 of a-z 0-9 _ . -'),
  MAX_UNCONFIRMED: integer(1, 1_000_000, 1000),
};

/** Variables of a service that consumes a queue: only the workers read them. */
export const consumerFields = {
  PREFETCH: integer(1, 10_000, 50),
  // The broker's own x-delivery-limit on the work queues is 20, a backstop above this.
  DELIVERY_LIMIT: integer(1, 20, 5),
  RETRY_DELAYS_MS: integerList(1, 86_400_000, [1000, 5000, 30_000]),
};

/** Variables of the sweeper of stalled jobs, which runs in the API. */
export const sweeperFields = {
  STAGE_TIMEOUT_MS: integer(1000, 86_400_000, 300_000),
  MAX_REDRIVES: integer(0, 100, 3),
};

/** Variables of the database connection (one URL, or its parts). */
export const databaseFields = {
  DATABASE_URL: postgresUrl(),
  POSTGRES_HOST: text(),
  POSTGRES_PORT: integer(1, 65_535, 5432),
  POSTGRES_USER: text(),
  POSTGRES_PASSWORD: text(),
  POSTGRES_DB: text(),
  DB_SCHEMA: identifier(/^[a-z_][a-z0-9_]{0,62}$/, 'public', 'must be a lower-case SQL identifier'),
  DB_POOL_MAX: integer(1, 100, 10),
};

/** The shortest API_KEY accepted; a shorter key is too easy to guess. */
export const API_KEY_MIN_LENGTH = 16;

/** Variables of the HTTP API. */
export const apiFields = {
  PORT: integer(0, 65_535, 8000),
  HOST: text(),
  API_KEY: key(API_KEY_MIN_LENGTH),
  TEST_CRASH_AFTER_COMMIT: fraction(0),
  TRACE_UI_URL: template(['http:', 'https:'], '{traceId}'),
};

/** Variables of the fetch worker. */
export const fetchFields = {
  FETCH_DELAY_MS: integer(0, 600_000, 1000),
  FETCH_URL: url(['http:', 'https:']),
  FETCH_TIMEOUT_MS: integer(1, 600_000, 5000),
  FETCH_FAILURE_RATE: fraction(0),
  FETCH_SLOW_RATE: fraction(0),
};

/** Where `npm start` keeps its embedded database (a folder; relative to the working directory). */
export const embeddedFields = {
  EMBEDDED_DATA_DIR: text(),
};

/** Variables of the processing worker. */
export const processFields = {
  PROCESS_DELAY_MS: integer(0, 600_000, 1000),
  TEST_CRASH_ON_CORRELATION_ID: text(),
};

/** The port a worker's /health, /ready and /metrics listen on (0: any free port). */
export const probeField = (fallback: number) => ({ HEALTH_PORT: integer(0, 65_535, fallback) });

/** Parsed values of a set of fields, keyed by variable name. */
export type Parsed<T extends Record<string, v.GenericSchema>> = { [K in keyof T]: v.InferOutput<T[K]> };
