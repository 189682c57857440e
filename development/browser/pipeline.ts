import { type FetchWorker, startFetchWorker } from '@mousetrap/fetch_worker';
import { connectJobQueue, queueNames } from '@mousetrap/job_queue';
import { createLogger, type Logger } from '@mousetrap/log';
import { createServiceRegistry } from '@mousetrap/probes';
import { startProcessingWorker } from '@mousetrap/processing_worker';
import { startApi } from '@mousetrap/rest_api';
import { createStore } from '@mousetrap/store';
import { deleteQueues, dropSchema, uniqueName } from '@mousetrap/test_kit';

/** Where the pipeline runs: the shared services, each run in its own schema and queue prefix. */
export interface PipelineOptions {
  rabbitmqUrl: string;
  databaseUrl: string;
  /** Where the services' log lines go (warnings and errors only). */
  logStream: NodeJS.WritableStream;
  /** The API's key (API_KEY); without one, POSTs need none. @default undefined */
  apiKey?: string | undefined;
}

/** The API and both workers, in this process, against RabbitMQ and PostgreSQL. */
export interface Pipeline {
  /** The API's base URL. */
  url: string;
  /** Restarts the fetch worker on a source that always fails (`true`) or never does (`false`). */
  setFetchFailing(failing: boolean): Promise<void>;
  /** Stops everything, then drops the run's schema and deletes its queues. */
  stop(): Promise<void>;
}

// Two quick retries, so that a failing fetch fails its job within a second.
const RETRY_DELAYS_MS = [100, 100];
const GRACE_MS = 2000;

/**
 * Starts the pipeline as `npm start` does, but with no simulated delays, a unique schema and
 * queue prefix, and a fetch worker that can be switched to a failing source.
 */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const schema = uniqueName('browser');
  const prefix = `${schema}.`;
  const logger = (service: string): Logger =>
    createLogger({ service, level: 'warn', stream: options.logStream });
  const closers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close();
    await dropSchema(options.databaseUrl, schema);
    await deleteQueues(options.rabbitmqUrl, queueNames(prefix, RETRY_DELAYS_MS));
  };

  try {
    const store = await createStore({ url: options.databaseUrl, schema });
    closers.push(() => store.close());
    const queue = await connectJobQueue({
      url: options.rabbitmqUrl,
      prefix,
      retryDelaysMs: RETRY_DELAYS_MS,
      logger: logger('job_queue'),
    });
    closers.push(() => queue.close());
    const processing = await startProcessingWorker({
      queue,
      store,
      registry: createServiceRegistry('processing_worker'),
      logger: logger('processing_worker'),
      delayMs: 0,
      graceMs: GRACE_MS,
    });
    closers.push(() => processing.stop());
    const startFetch = (failureRate: number) =>
      startFetchWorker({
        queue,
        store,
        registry: createServiceRegistry('fetch_worker'),
        logger: logger('fetch_worker'),
        fetch: { delayMs: 0, url: undefined, timeoutMs: 5000, failureRate, slowRate: 0 },
        graceMs: GRACE_MS,
      });
    let fetchWorker: FetchWorker | undefined = await startFetch(0);
    closers.push(async () => fetchWorker?.stop());
    const api = await startApi({
      store,
      queue,
      logger: logger('api'),
      port: 0,
      host: '127.0.0.1',
      graceMs: GRACE_MS,
      apiKey: options.apiKey,
    });
    closers.push(() => api.stop());
    return {
      url: `http://127.0.0.1:${api.port}`,
      async setFetchFailing(failing) {
        await fetchWorker?.stop();
        fetchWorker = undefined;
        fetchWorker = await startFetch(failing ? 1 : 0);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
