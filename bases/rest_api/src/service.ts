import { createResources, type Service } from '@mousetrap/lifecycle';
import { createLogger } from '@mousetrap/log';
import { openBackends } from '@mousetrap/service_host';
import type { ApiSettings } from '@mousetrap/settings';
import { startApi } from './server.ts';

/** The running api_app. */
export interface ApiService extends Service {
  port: number;
}

/**
 * Starts api_app from its settings: opens the database and the broker (waiting for each with
 * backoff, logged, until `signal` is aborted), then listens; stop() closes everything in reverse
 * order.
 */
export async function startApiService(settings: ApiSettings, signal?: AbortSignal): Promise<ApiService> {
  const logger = createLogger({ service: 'api', level: settings.logLevel });
  const resources = createResources((error) => logger.error('close failed', { error: String(error) }));
  try {
    const { store, queue } = await openBackends(settings, logger, resources, signal);
    const api = resources.add(
      await startApi({
        store,
        queue,
        logger,
        ...settings.http,
        ...settings.sweeper,
        graceMs: settings.shutdownGraceMs,
      }),
      (a) => a.stop(),
    );
    logger.info('api listening', { port: api.port, host: settings.http.host });
    return {
      logger,
      port: api.port,
      // The drain (grace), then up to 5 s for unconfirmed publishes and 5 s for the pool to close.
      stopTimeoutMs: settings.shutdownGraceMs + 15_000,
      stop: () => resources.closeAll(),
    };
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}
