import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_STAGE_TIMEOUT_MS,
  startPipelineWatch,
  startRelay,
  startSweeper,
} from '@mousetrap/job_intake';
import type { JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import { registerInFlightGauges } from '@mousetrap/probes';
import type { Store } from '@mousetrap/store';
import { createApp } from './app.ts';
import { crashAfterCommit } from './crash-hook.ts';
import { listen } from './listen.ts';
import { createApiMetrics, registerPipelineGauges } from './metrics.ts';

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
  /** A trace UI's page of one trace, `{traceId}` where the id goes: the dashboard links jobs to it. @default undefined */
  traceUiUrl?: string | undefined;
  /** The fault suite's hook: the chance of a crash between commit and publish. @default 0 */
  crashAfterCommitRate?: number;
  /** A stage's time budget, after which the sweeper re-drives a job that made no progress. @default 300000 */
  stageTimeoutMs?: number;
  /** Re-drives of a stalled job before the sweeper fails it. @default 3 */
  maxRedrives?: number;
  /** How often the sweeper and the pipeline watch look, in ms. @default 5000 */
  sweepIntervalMs?: number;
  /**
   * Re-drives every unfinished job once at start, counting those a worker held when the last run
   * stopped (see the sweeper's `redriveUnfinished`): for a process alone on its database with a
   * transport that starts empty (the in-memory one), whose messages the last run took with it.
   * @default false
   */
  redriveOnStart?: boolean;
}

/** A listening API. */
export interface RunningApi {
  /** The port it listens on (useful with port 0). */
  port: number;
  /** Stops taking connections, lets requests in flight finish (bounded), stops the relay and the sweeper. */
  stop(): Promise<void>;
}

/**
 * Serves the HTTP API and runs beside it the outbox relay, the sweeper of stalled jobs and the
 * pipeline watch (in /metrics and the log); warns when it runs without an API key.
 */
export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const { store, queue, logger } = options;
  const stageTimeoutMs = options.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS;
  const intervalMs = options.sweepIntervalMs ?? 5000;
  const metrics = createApiMetrics();
  const app = createApp({
    store,
    queue,
    logger,
    metrics,
    apiKey: options.apiKey,
    traceUiUrl: options.traceUiUrl,
    stageTimeoutMs,
    afterCommit: crashAfterCommit(options.crashAfterCommitRate ?? 0, logger, queue),
  });
  const server = await listen(app, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  if (options.apiKey === undefined) {
    logger.warn(
      'API_KEY is not set: anyone who can reach this port can start and retry jobs; set API_KEY to require a key',
      { port, host: options.host },
    );
  }
  const relay = startRelay({ store, queue, logger });
  const sweeper = startSweeper(
    { store, queue, logger },
    { stageTimeoutMs, maxRedrives: options.maxRedrives, intervalMs, onStalled: metrics.countStalled },
  );
  const watch = startPipelineWatch({ store, queue, logger }, { stageTimeoutMs, intervalMs });
  registerPipelineGauges(metrics.registry, watch.latest);
  registerInFlightGauges(metrics.registry, queue);
  void watch.look().catch(() => {});
  // A failure here only delays them: the sweeps re-drive them once their stage's budget runs out.
  if (options.redriveOnStart) {
    await sweeper.redriveUnfinished().catch((error: unknown) =>
      logger.warn('could not re-drive the unfinished jobs at start; the sweeper will', {
        error: String(error),
      }),
    );
  }
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
      await Promise.all([relay.stop(), sweeper.stop(), watch.stop()]);
    },
  };
}
