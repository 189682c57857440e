import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createMemoryJobQueue } from '@mousetrap/job_queue';
import { createLogger, type Logger } from '@mousetrap/log';
import { createApp } from '../src/app.ts';
import type { ApiDependencies } from '../src/dependencies.ts';
import { listen } from '../src/listen.ts';
import { createApiMetrics } from '../src/metrics.ts';

/** An app listening on a free port of 127.0.0.1, with what it was built on. */
export interface ServedApi {
  url: string;
  deps: ApiDependencies;
  /** Every JSON line the app logged so far. */
  logLines(): Record<string, unknown>[];
  /** Closes the server (and the queue it made); the store belongs to the caller. */
  close(): Promise<void>;
}

/** A real logger at debug level writing into memory, so tests can read its lines back. */
function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const logger = createLogger({ service: 'rest_api_test', level: 'debug', stream });
  const lines = () =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

/** Builds the app on `deps` (a fresh in-memory queue, metrics and logger unless given) and listens. */
export async function serveApi(
  deps: Pick<ApiDependencies, 'store'> & Partial<ApiDependencies>,
): Promise<ServedApi> {
  const { logger, lines } = memoryLogger();
  const queue = deps.queue ?? createMemoryJobQueue();
  const full: ApiDependencies = { logger, metrics: createApiMetrics(), ...deps, queue };
  const app = createApp(full);
  const server = await listen(app, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps: full,
    logLines: lines,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (deps.queue === undefined) await queue.close();
    },
  };
}

/** The four fields every error body has, with the answer's status and correlation id. */
export function expectErrorBody(body: unknown, response: Response, error: string): void {
  expect(body).toEqual({
    error,
    message: expect.any(String),
    status: response.status,
    correlation_id: response.headers.get('x-correlation-id'),
  });
}
