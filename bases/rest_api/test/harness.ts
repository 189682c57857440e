import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createMemoryJobQueue } from '@mousetrap/job_queue';
import { createLogger, type Logger } from '@mousetrap/log';
import { createStore, type ResultInput, type Store } from '@mousetrap/store';
import { dropSchema, uniqueName } from '@mousetrap/test_kit';
import { createApp } from '../src/app.ts';
import type { ApiDependencies } from '../src/dependencies.ts';
import { listen } from '../src/listen.ts';
import { createApiMetrics } from '../src/metrics.ts';

/** A stored result as the processing worker writes it: two places, Oslo the most northerly. */
export const summary: ResultInput = {
  centroid: [50.5, 10.25],
  most_northerly: ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'],
  places: [
    ['41.0', '9.5', 'Bastia', 'FR', 'Europe/Paris'],
    ['60.0', '11.0', 'Oslo', 'NO', 'Europe/Oslo'],
  ],
};

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
export function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
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

/** What an API test suite runs on: a store on a schema of its own, and the APIs its tests serve. */
export interface ApiSuite {
  /** The store on the suite's schema, open from the suite's beforeAll to its afterAll. */
  readonly store: Store;
  /** Serves an API on the suite's store, or on the dependencies given; it is closed after the test. */
  serve(deps?: Partial<ApiDependencies>): Promise<ServedApi>;
  /** A store on the suite's schema that is already closed: every call fails as with the database away. */
  closedStore(): Promise<Store>;
}

/**
 * Registers an API suite's hooks: a store on a new schema named after `name` before the suite
 * (the schema dropped after it), and the closing of every API a test served after that test.
 */
export function useApiSuite(databaseUrl: string, name = 'api'): ApiSuite {
  const schema = uniqueName(name);
  const served: ServedApi[] = [];
  let store: Store | undefined;

  beforeAll(async () => {
    store = await createStore({ url: databaseUrl, schema });
  });
  afterEach(async () => {
    await Promise.all(served.splice(0).map((api) => api.close()));
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(databaseUrl, schema);
  });

  const suite: ApiSuite = {
    get store() {
      if (!store) throw new Error("the suite's store opens in its beforeAll");
      return store;
    },
    async serve(deps = {}) {
      const api = await serveApi({ store: suite.store, ...deps });
      served.push(api);
      return api;
    },
    async closedStore() {
      const closed = await createStore({ url: databaseUrl, schema });
      await closed.close();
      return closed;
    },
  };
  return suite;
}
