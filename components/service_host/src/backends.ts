import { connectJobQueue, type JobQueue } from '@mousetrap/job_queue';
import type { Resources } from '@mousetrap/lifecycle';
import type { Logger } from '@mousetrap/log';
import type { BrokerSettings, DatabaseSettings } from '@mousetrap/settings';
import { createStore, type Store } from '@mousetrap/store';

/** The database and the broker a service talks to. */
export interface Backends {
  store: Store;
  queue: JobQueue;
}

/**
 * Opens the database and migrates it, waiting for it with backoff and logging every retry (until
 * `signal` is aborted), and registers it with `resources` so that it closes in reverse order.
 */
export async function openStore(
  database: DatabaseSettings,
  logger: Logger,
  resources: Resources,
  signal?: AbortSignal,
): Promise<Store> {
  const store = await createStore({
    url: database.url,
    schema: database.schema,
    max: database.poolMax,
    signal,
    onRetry: (attempt, delayMs, error) =>
      logger.warn('database not reachable yet; retrying', {
        attempt,
        delay_ms: delayMs,
        error: error.message,
      }),
  });
  return resources.add(store, (s) => s.close());
}

/**
 * Connects to the broker (waiting for it with backoff, logged, until `signal` is aborted) and
 * registers it with `resources`.
 */
export async function openQueue(
  broker: BrokerSettings,
  logger: Logger,
  resources: Resources,
  signal?: AbortSignal,
): Promise<JobQueue> {
  return resources.add(await connectJobQueue({ ...broker, logger, signal }), (q) => q.close());
}

/**
 * Opens the database and then the broker; both close, in reverse order, with `resources`. Once
 * `signal` is aborted, a wait for either is given up and the signal's reason thrown.
 */
export async function openBackends(
  settings: { database: DatabaseSettings; broker: BrokerSettings },
  logger: Logger,
  resources: Resources,
  signal?: AbortSignal,
): Promise<Backends> {
  const store = await openStore(settings.database, logger, resources, signal);
  const queue = await openQueue(settings.broker, logger, resources, signal);
  return { store, queue };
}
