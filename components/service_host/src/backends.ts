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
 * Opens the database and migrates it, waiting for it with backoff and logging every retry, and
 * registers it with `resources` so that it closes in reverse order.
 */
export async function openStore(
  database: DatabaseSettings,
  logger: Logger,
  resources: Resources,
): Promise<Store> {
  const store = await createStore({
    url: database.url,
    schema: database.schema,
    max: database.poolMax,
    onRetry: (attempt, delayMs, error) =>
      logger.warn('database not reachable yet; retrying', {
        attempt,
        delay_ms: delayMs,
        error: error.message,
      }),
  });
  return resources.add(store, (s) => s.close());
}

/** Connects to the broker (waiting for it with backoff, logged) and registers it with `resources`. */
export async function openQueue(
  broker: BrokerSettings,
  logger: Logger,
  resources: Resources,
): Promise<JobQueue> {
  return resources.add(await connectJobQueue({ ...broker, logger }), (q) => q.close());
}

/** Opens the database and then the broker; both close, in reverse order, with `resources`. */
export async function openBackends(
  settings: { database: DatabaseSettings; broker: BrokerSettings },
  logger: Logger,
  resources: Resources,
): Promise<Backends> {
  const store = await openStore(settings.database, logger, resources);
  const queue = await openQueue(settings.broker, logger, resources);
  return { store, queue };
}
