import type { JobQueue } from '@mousetrap/job_queue';
import { createResources, type Service } from '@mousetrap/lifecycle';
import { createLogger, type Logger } from '@mousetrap/log';
import { createServiceRegistry, registerInFlightGauges, startProbeServer } from '@mousetrap/probes';
import type { ConsumerSettings, DatabaseSettings, ServiceSettings } from '@mousetrap/settings';
import type { Store } from '@mousetrap/store';
import type { Registry } from 'prom-client';
import { openBackends } from './backends.ts';

/** What a worker is given to run on; the host owns and closes all of it. */
export interface WorkerDependencies {
  queue: JobQueue;
  store: Store;
  logger: Logger;
  registry: Registry;
}

/** The settings a hosted worker needs from its service's settings. */
export interface HostedSettings extends ServiceSettings {
  broker: ConsumerSettings;
  database: DatabaseSettings;
  healthPort: number;
}

/** Options of {@link startWorkerService}. */
export interface WorkerServiceOptions {
  /** The service name in logs and metrics, e.g. `fetch_worker`. */
  service: string;
  settings: HostedSettings;
  /** Starts consuming; its stop() must drain within the grace period. */
  startWorker: (deps: WorkerDependencies) => Promise<{ stop(): Promise<void> }>;
  /** Gives up the start while it waits for the database or the broker (a SIGTERM during start-up). */
  signal?: AbortSignal;
}

/** A hosted worker service. */
export interface WorkerService extends Service {
  /** Where /health, /ready and /metrics answer. */
  healthPort: number;
}

/**
 * Runs a queue worker as a service: opens the database and the broker (waiting for each with
 * backoff, logged), starts the worker and a probe server; stop() closes all in reverse order.
 */
export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  const { settings } = options;
  const logger = createLogger({ service: options.service, level: settings.logLevel });
  const resources = createResources((error) => logger.error('close failed', { error: String(error) }));
  try {
    const { store, queue } = await openBackends(settings, logger, resources, options.signal);
    const registry = createServiceRegistry(options.service);
    registerInFlightGauges(registry, queue);
    resources.add(await options.startWorker({ queue, store, logger, registry }), (w) => w.stop());
    const probe = resources.add(
      await startProbeServer({
        port: settings.healthPort,
        checks: { database: () => store.ping(), broker: () => queue.check() },
        registry,
      }),
      (p) => p.close(),
    );
    logger.info(`${options.service} started`, {
      health_port: probe.port,
      prefetch: settings.broker.prefetch,
    });
    return {
      logger,
      healthPort: probe.port,
      // The drain (grace), then up to 5 s for unconfirmed publishes and 5 s for the pool to close.
      stopTimeoutMs: settings.shutdownGraceMs + 15_000,
      stop: () => resources.closeAll(),
    };
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}
