import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRelay } from '@mousetrap/job_intake';
import type { JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Store } from '@mousetrap/store';
import { createApp } from './app.ts';
import { crashAfterCommit } from './crash-hook.ts';
import { listen } from './listen.ts';
import { createApiMetrics } from './metrics.ts';

/** How often a stopping server closes the connections that have become idle. */
const IDLE_SWEEP_MS = 50;

/** What the API runs on; the caller owns (and closes) the queue and the store. */
export interface ApiOptions {
  store: Store;
  queue: JobQueue;
  logger: Logger;
  /** The port; 0 picks a free one. */
  port: number;
  host: string;
  /** When set, POST requests must carry it; when not, a warning says anyone can start jobs. @default undefined */
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

/** Serves the HTTP API and runs the outbox relay beside it; warns when it runs without an API key. */
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
  const port = (server.address() as AddressInfo).port;
  if (options.apiKey === undefined) {
    options.logger.warn(
      'API_KEY is not set: anyone who can reach this port can start and retry jobs; set API_KEY to require a key',
      { port, host: options.host },
    );
  }
  const relay = startRelay({ store: options.store, queue: options.queue, logger: options.logger });
  // Once stopping, every answer closes its connection: a keep-alive connection that is busy when
  // the stop begins would otherwise take request after request until the grace period cut it.
  let stopping = false;
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  return {
    port,
    async stop() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections busy now become idle when their answer is sent; close those as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), options.graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(grace);
      await relay.stop();
    },
  };
}
