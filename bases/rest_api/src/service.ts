import { type HostedService, startHost } from '@mousetrap/service_host';
import type { ApiSettings } from '@mousetrap/settings';
import { startApi } from './server.ts';

/** The running api_app. */
export interface ApiService extends HostedService {
  /** Where the API listens (useful with port 0). */
  port: number;
}

/**
 * Starts api_app from its settings on the service host: the database and the broker (each
 * waited for, until `signal` is aborted), then the API with its relay, sweeper and watch.
 */
export async function startApiService(settings: ApiSettings, signal?: AbortSignal): Promise<ApiService> {
  let port = 0;
  const service = await startHost({
    service: 'api',
    settings,
    database: settings.database,
    broker: settings.broker,
    signal,
    parts: [
      async (host) => {
        const api = await startApi({
          store: host.store,
          queue: host.queue,
          logger: host.logger(),
          ...settings.http,
          ...settings.sweeper,
          graceMs: settings.shutdownGraceMs,
        });
        port = api.port;
        host.logger().info('api listening', { port, host: settings.http.host });
        return api;
      },
    ],
  });
  return { ...service, port };
}
