/**
 * `npm start`: the API and both workers in one process, on the service host. With no
 * RABBITMQ_URL/RABBITMQ_HOST it uses the in-memory transport; with no DATABASE_URL/POSTGRES_HOST,
 * embedded PostgreSQL (PGlite) with its data under .mousetrap/ (or EMBEDDED_DATA_DIR). Set them
 * to run against the real services. The in-memory transport starts empty, so every unfinished
 * job of an earlier run is re-driven at start, and a stop drains both queues within the grace period.
 */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedDatabase } from '@mousetrap/embedded_db';
import { startFetchWorker } from '@mousetrap/fetch_worker';
import type { JobQueue, QueueName } from '@mousetrap/job_queue';
import { runService } from '@mousetrap/lifecycle';
import { startProcessingWorker } from '@mousetrap/processing_worker';
import { startApi } from '@mousetrap/rest_api';
import { type HostedPart, type OwnDatabase, type PartStarter, startHost } from '@mousetrap/service_host';
import { explainFailure, loadDevelopmentSettings } from '@mousetrap/settings';

const root = join(import.meta.dirname, '..');

async function start(signal: AbortSignal) {
  const settings = loadDevelopmentSettings(process.env);
  const graceMs = settings.shutdownGraceMs;
  const dataDir = resolve(settings.embeddedDataDir ?? join(root, '.mousetrap', 'pgdata'));
  const embedded: OwnDatabase = {
    describe: `embedded PostgreSQL (PGlite) in ${dataDir}`,
    async open() {
      const database = await startEmbeddedDatabase({ dataDir });
      // pglite-socket serves a single connection.
      return { settings: { url: database.url, schema: 'public', poolMax: 1 }, close: () => database.close() };
    },
  };
  const inMemory = settings.broker === undefined;
  let port = 0;
  // Started in this order, stopped in the reverse one: the API stops taking jobs first, and what
  // each worker hands on is handled before the next stops (the in-memory transport keeps nothing).
  const parts: PartStarter[] = [
    (host) =>
      startProcessingWorker({
        queue: host.queue,
        store: host.store,
        registry: host.registry,
        logger: host.logger('processing_worker'),
        delayMs: settings.processDelayMs,
        graceMs,
        crashOnCorrelationId: settings.crashOnCorrelationId,
      }),
    ...(inMemory ? [drainOnStop('data_processing', graceMs)] : []),
    (host) =>
      startFetchWorker({
        queue: host.queue,
        store: host.store,
        registry: host.registry,
        logger: host.logger('fetch_worker'),
        fetch: settings.fetch,
        graceMs,
      }),
    ...(inMemory ? [drainOnStop('start_fetch', graceMs)] : []),
    async (host) => {
      const api = await startApi({
        store: host.store,
        queue: host.queue,
        logger: host.logger('api'),
        ...settings.http,
        ...settings.sweeper,
        graceMs,
        redriveOnStart: inMemory,
      });
      port = api.port;
      return api;
    },
  ];
  const service = await startHost({
    service: 'development',
    settings,
    database: settings.database ?? embedded,
    broker: settings.broker ?? { inMemory: settings.consumer },
    parts,
    signal,
  });
  const base = `http://localhost:${port}`;
  process.stdout.write(
    [
      '',
      `mousetrap is running: API on ${base} (dashboard: ${base}/ in a browser; docs: ${base}/docs)`,
      `  database: ${settings.database ? 'PostgreSQL from the environment' : `embedded PGlite in ${settings.embeddedDataDir ?? '.mousetrap/pgdata'}`}`,
      `  broker:   ${inMemory ? 'in-memory transport' : 'RabbitMQ from the environment'}`,
      'Try:',
      `  curl -X POST ${base}/refresh`,
      `  curl ${base}/jobs/<job_id>`,
      `  curl ${base}/`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
  return service;
}

/** A part that does nothing until the stop, when it waits, up to `timeoutMs`, until `name` holds no message waiting. */
function drainOnStop(name: QueueName, timeoutMs: number): PartStarter {
  return async (host): Promise<HostedPart> => ({ stop: () => drain(host.queue, name, timeoutMs) });
}

async function drain(queue: JobQueue, name: QueueName, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stats = (await queue.stats()).find((entry) => entry.queue === name);
    if (!stats || stats.messages === 0) return;
    await sleep(20);
  }
}

void runService({ name: 'mousetrap', start, explain: explainFailure });
