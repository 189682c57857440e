import { type HostedService, startHost } from '@mousetrap/service_host';
import type { FetchWorkerSettings } from '@mousetrap/settings';
import { startFetchWorker } from './worker.ts';

/**
 * Starts fetch_worker_app from its settings on the service host: the database and the broker
 * (each waited for, until `signal` is aborted), the start_fetch consumer, and the probe server.
 */
export function startFetchWorkerService(
  settings: FetchWorkerSettings,
  signal?: AbortSignal,
): Promise<HostedService> {
  return startHost({
    service: 'fetch_worker',
    settings,
    database: settings.database,
    broker: settings.broker,
    healthPort: settings.healthPort,
    signal,
    parts: [
      (host) =>
        startFetchWorker({
          queue: host.queue,
          store: host.store,
          logger: host.logger(),
          registry: host.registry,
          fetch: settings.fetch,
          graceMs: settings.shutdownGraceMs,
        }),
    ],
  });
}
