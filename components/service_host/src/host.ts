import {
  connectJobQueue,
  createMemoryJobQueue,
  type JobQueue,
  type JobQueueOptions,
} from '@mousetrap/job_queue';
import { createResources, type Service } from '@mousetrap/lifecycle';
import { createLogger, type Logger } from '@mousetrap/log';
import { createServiceRegistry, registerInFlightGauges, startProbeServer } from '@mousetrap/probes';
import type { BrokerSettings, DatabaseSettings, ServiceSettings } from '@mousetrap/settings';
import { createStore, type Store } from '@mousetrap/store';
import { startTracing } from '@mousetrap/tracing';
import type { Registry } from 'prom-client';

/** What the parts of a hosted service run on; the host opens all of it and closes it. */
export interface HostContext {
  store: Store;
  queue: JobQueue;
  /** Metrics of the process, served by the probe server when there is one. */
  registry: Registry;
  /** The service's logger; with a name, one for a part that is a service of its own (npm start). */
  logger(service?: string): Logger;
}

/** A started part of a service (a worker, the API, a drain); it stops within its own bounds. */
export interface HostedPart {
  stop(): Promise<void>;
}

/** Starts one part on the host. */
export type PartStarter = (host: HostContext) => Promise<HostedPart>;

/** A database the host opens itself (npm start's embedded one): where it serves, and how it closes. */
export interface OwnDatabase {
  /** What the log says it is, e.g. `embedded PGlite in .mousetrap/pgdata`. */
  describe: string;
  open(): Promise<{ settings: DatabaseSettings; close(): Promise<void> }>;
}

/** Options of {@link startHost}. */
export interface HostOptions {
  /** The service's name in logs and metrics, e.g. `fetch_worker`. */
  service: string;
  settings: ServiceSettings;
  /** The database to open and migrate: reached by its settings, or one the host opens itself. */
  database: DatabaseSettings | OwnDatabase;
  /** The broker: reached by its settings, or the in-memory transport with these options. */
  broker: BrokerSettings | { inMemory: JobQueueOptions };
  /** When set, a probe server answers /health, /ready and /metrics on this port (0: a free one). @default undefined */
  healthPort?: number | undefined;
  /** The service's parts, started in this order and stopped in the reverse one. */
  parts: readonly PartStarter[];
  /** Gives up the start while it waits for the database or the broker (a SIGTERM during start-up). */
  signal?: AbortSignal | undefined;
}

/** A hosted service, as `runService` runs it. */
export interface HostedService extends Service {
  /** Where /health, /ready and /metrics answer, when the host serves them. */
  healthPort: number | undefined;
}

const isOwn = (database: HostOptions['database']): database is OwnDatabase => 'open' in database;

/**
 * The one way a service runs: starts tracing when its settings name an OTLP endpoint (first, so
 * that it closes last and sends the spans of the stop), opens the database (waiting for it with
 * backoff, logged, and migrating it) and then the broker (likewise), starts the service's parts on
 * them and a probe server when asked, and on stop closes all of it in reverse order. Every part and every
 * connection bounds its own stop, so the host's stop is bounded without a deadline of its own.
 * A start that fails, or is given up through `signal`, closes what it had opened.
 */
export async function startHost(options: HostOptions): Promise<HostedService> {
  const { settings, signal } = options;
  const logger = createLogger({ service: options.service, level: settings.logLevel });
  const loggers = new Map<string, Logger>();
  const loggerFor = (service?: string) => {
    if (service === undefined) return logger;
    let named = loggers.get(service);
    if (!named) {
      named = createLogger({ service, level: settings.logLevel });
      loggers.set(service, named);
    }
    return named;
  };
  const resources = createResources((error) => logger.error('close failed', { error: String(error) }));
  try {
    const tracing = resources.add(
      await startTracing({
        serviceName: settings.tracing.serviceName ?? options.service,
        url: settings.tracing.url,
        protocol: settings.tracing.protocol,
      }),
      async (t) => {
        const { unsent } = await t.close();
        if (unsent !== undefined) {
          logger.warn('the spans held at the stop were not sent: the collector did not take them', {
            url: t.url,
            error: unsent,
          });
        }
      },
    );
    if (tracing.url !== undefined) {
      logger.info('exporting traces', { url: tracing.url, protocol: settings.tracing.protocol });
    }
    let database: DatabaseSettings;
    if (isOwn(options.database)) {
      logger.info(`starting ${options.database.describe}`);
      const own = resources.add(await options.database.open(), (db) => db.close());
      database = own.settings;
    } else database = options.database;
    const store = resources.add(
      await createStore({
        url: database.url,
        schema: database.schema,
        max: database.poolMax,
        signal,
        onRetry: (attempt, delayMs, error) =>
          logger.warn('database not reachable yet; retrying', {
            attempt,
            delay_ms: delayMs,
            error: error.message,
          }),
      }),
      (s) => s.close(),
    );
    const broker = options.broker;
    if ('inMemory' in broker) logger.info('no broker configured: using the in-memory transport');
    const queue = resources.add(
      'inMemory' in broker
        ? createMemoryJobQueue({ ...broker.inMemory, logger })
        : await connectJobQueue({ ...broker, logger, signal }),
      (q) => q.close(),
    );
    const registry = createServiceRegistry(options.service);
    registerInFlightGauges(registry, queue);
    const host: HostContext = { store, queue, registry, logger: loggerFor };
    for (const start of options.parts) resources.add(await start(host), (part) => part.stop());
    let healthPort: number | undefined;
    if (options.healthPort !== undefined) {
      const probe = resources.add(
        await startProbeServer({
          port: options.healthPort,
          checks: { database: () => store.ping(), broker: () => queue.check() },
          registry,
        }),
        (p) => p.close(),
      );
      healthPort = probe.port;
    }
    logger.info(`${options.service} started`, { health_port: healthPort });
    return { logger, healthPort, stop: () => resources.closeAll() };
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}
