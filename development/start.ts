/**
 * `npm start`: the API and both workers in one process. With no RABBITMQ_URL/RABBITMQ_HOST it
 * uses the in-memory transport; with no DATABASE_URL/POSTGRES_HOST, embedded PostgreSQL (PGlite)
 * with its data under .mousetrap/ (or EMBEDDED_DATA_DIR). Set them to run against the real services.
 * The in-memory transport starts empty, so every unfinished job of an earlier run is re-driven at
 * start, and a stop drains both queues within the grace period.
 */
import { join, resolve } from 'node:path';
import { startEmbeddedDatabase } from '@mousetrap/embedded_db';
import { startFetchWorker } from '@mousetrap/fetch_worker';
import { createMemoryJobQueue, type JobQueue, type QueueName } from '@mousetrap/job_queue';
import { createResources, runService } from '@mousetrap/lifecycle';
import { createLogger } from '@mousetrap/log';
import { createServiceRegistry } from '@mousetrap/probes';
import { startProcessingWorker } from '@mousetrap/processing_worker';
import { startApi } from '@mousetrap/rest_api';
import { openQueue, openStore } from '@mousetrap/service_host';
import { explainFailure, loadDevelopmentSettings } from '@mousetrap/settings';

const root = join(import.meta.dirname, '..');

async function start(signal: AbortSignal) {
  const settings = loadDevelopmentSettings(process.env);
  const logger = createLogger({ service: 'development', level: settings.logLevel });
  const resources = createResources((error) => logger.error('close failed', { error: String(error) }));
  try {
    let database = settings.database;
    if (database === undefined) {
      const dataDir = resolve(settings.embeddedDataDir ?? join(root, '.mousetrap', 'pgdata'));
      logger.info('no DATABASE_URL: starting embedded PostgreSQL (PGlite)', { data_dir: dataDir });
      const embedded = resources.add(await startEmbeddedDatabase({ dataDir }), (db) => db.close());
      // pglite-socket serves a single connection.
      database = { url: embedded.url, schema: 'public', poolMax: 1 };
    }
    const store = await openStore(database, logger, resources, signal);
    if (settings.broker === undefined) logger.info('no RABBITMQ_URL: using the in-memory transport');
    const queue = settings.broker
      ? await openQueue(settings.broker, logger, resources, signal)
      : resources.add(createMemoryJobQueue({ ...settings.consumer, logger }), (q) => q.close());
    const inMemory = settings.broker === undefined;
    const registry = createServiceRegistry('development');
    const graceMs = settings.shutdownGraceMs;
    const level = settings.logLevel;
    resources.add(
      await startProcessingWorker({
        queue,
        store,
        registry,
        logger: createLogger({ service: 'processing_worker', level }),
        delayMs: settings.processDelayMs,
        graceMs,
      }),
      (w) => w.stop(),
    );
    // Closed after the fetch worker and before the processing worker: what the fetch worker handed
    // on is processed before the processing worker stops (the in-memory transport keeps nothing,
    // and what it held is re-driven at the next start).
    if (inMemory) resources.add(queue, (q) => drain(q, 'data_processing', graceMs));
    resources.add(
      await startFetchWorker({
        queue,
        store,
        registry,
        logger: createLogger({ service: 'fetch_worker', level }),
        fetch: settings.fetch,
        graceMs,
      }),
      (w) => w.stop(),
    );
    // Closed after the API and before the fetch worker: the jobs accepted are fetched first.
    if (inMemory) resources.add(queue, (q) => drain(q, 'start_fetch', graceMs));
    const api = resources.add(
      await startApi({
        store,
        queue,
        logger: createLogger({ service: 'api', level }),
        ...settings.http,
        ...settings.sweeper,
        graceMs,
        redriveOnStart: inMemory,
      }),
      (a) => a.stop(),
    );
    const base = `http://localhost:${api.port}`;
    process.stdout.write(
      [
        '',
        `mousetrap is running: API on ${base} (dashboard: ${base}/ in a browser; docs: ${base}/docs)`,
        `  database: ${settings.database ? 'PostgreSQL from the environment' : `embedded PGlite in ${settings.embeddedDataDir ?? '.mousetrap/pgdata'}`}`,
        `  broker:   ${settings.broker ? 'RabbitMQ from the environment' : 'in-memory transport'}`,
        'Try:',
        `  curl -X POST ${base}/refresh`,
        `  curl ${base}/jobs/<job_id>`,
        `  curl ${base}/`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
    // Up to five drains (API, start_fetch, fetch worker, data_processing, processing worker), then closing.
    return { logger, stopTimeoutMs: 5 * graceMs + 15_000, stop: () => resources.closeAll() };
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}

/** Waits, up to `timeoutMs`, until a queue holds no message waiting for a consumer. */
async function drain(queue: JobQueue, name: QueueName, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stats = (await queue.stats()).find((entry) => entry.queue === name);
    if (!stats || stats.messages === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

void runService({ name: 'mousetrap', start, explain: explainFailure });
