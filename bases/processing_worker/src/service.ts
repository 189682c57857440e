import { type HostedService, startHost } from '@mousetrap/service_host';
import type { ProcessingWorkerSettings } from '@mousetrap/settings';
import { startProcessingWorker } from './worker.ts';

/**
 * Starts processing_worker_app from its settings on the service host: the database and the broker
 * (each waited for, until `signal` is aborted), the data_processing consumer, and the probe server.
 */
export function startProcessingWorkerService(
  settings: ProcessingWorkerSettings,
  signal?: AbortSignal,
): Promise<HostedService> {
  return startHost({
    service: 'processing_worker',
    settings,
    database: settings.database,
    broker: settings.broker,
    healthPort: settings.healthPort,
    signal,
    parts: [
      (host) =>
        startProcessingWorker({
          queue: host.queue,
          store: host.store,
          logger: host.logger(),
          registry: host.registry,
          delayMs: settings.processDelayMs,
          graceMs: settings.shutdownGraceMs,
          crashOnCorrelationId: settings.crashOnCorrelationId,
        }),
    ],
  });
}
