import type { AddressInfo } from 'node:net';
import { startRelay } from '@mousetrap/job_intake';
import type { JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Store } from '@mousetrap/store';
import { createApp } from './app.ts';
import { crashAfterCommit } from './crash-hook.ts';
import { listen } from './listen.ts';
import { createApiMetrics } from './metrics.ts';

/** What the API runs on; the caller owns (and closes) the queue and the store. */
export interface ApiOptions {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  /** The port; 0 picks a free one. */
  port: number;
  host: string;
  /** When set, POST requests must carry it. */
  apiKey?: string | undefined;
  /** How long a stop waits for requests in flight. */
  graceMs: number;
  /** The fault suite's hook: the chance of a crash between commit and publish. @default 0 */
  crashAfterCommitRate?: number;
}

/** A listening API. */
export interface RunningApi {
  /** The port it listens on (useful with port 0). */
  port: number;
  /** Stops taking connections, lets requests in flight finish (bounded), stops the relay. */
  stop(): Promise<void>;
}

/** Serves the HTTP API and runs the outbox relay beside it. */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const app = createApp({
    store: options.store,
    queue: options.queue,
    logger: options.logger,
    metrics: createApiMetrics(),
    apiKey: options.apiKey,
    afterCommit: crashAfterCommit(options.crashAfterCommitRate ?? 0, options.logger),
  });
  const server = await listen(app, options.port, options.host);
  const relay = startRelay({ store: options.store, queue: options.queue, logger: options.logger });
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), options.graceMs);
      await closed;
      clearTimeout(grace);
      await relay.stop();
    },
  };
}
