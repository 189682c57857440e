import { setMaxListeners } from 'node:events';
import { createPlaceSource } from '@mousetrap/fetch_data';
import type { JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import { instrumentHandler, unknownJobCounter } from '@mousetrap/probes';
import { createFetchHandler } from '@mousetrap/run_fetch_worker';
import type { FetchSettings } from '@mousetrap/settings';
import type { Store } from '@mousetrap/store';
import type { Registry } from 'prom-client';

/** What the fetch worker runs on; the caller owns (and closes) the queue and the store. */
export interface FetchWorkerOptions {
  queue: JobQueue;
  store: Store;
  logger: Logger;
  registry: Registry;
  fetch: FetchSettings;
  /** How long a stop waits for fetches in flight before abandoning them to a redelivery. */
  graceMs: number;
}

/** A consuming fetch worker. */
export interface FetchWorker {
  stop(): Promise<void>;
}

/** Starts consuming start_fetch with the fetch handler; stop() drains within the grace period. */
export async function startFetchWorker(options: FetchWorkerOptions): Promise<FetchWorker> {
  const abort = new AbortController();
  // Every message in flight (up to PREFETCH of them) waits on this one signal: not a leak.
  setMaxListeners(0, abort.signal);
  const handler = createFetchHandler({
    queue: options.queue,
    store: options.store,
    logger: options.logger,
    fetchPlaces: createPlaceSource(options.fetch),
    signal: abort.signal,
    onUnknownJob: unknownJobCounter(options.registry, 'start_fetch'),
  });
  const consumer = await options.queue.consume(
    'start_fetch',
    instrumentHandler(options.registry, 'start_fetch', handler),
  );
  return {
    async stop() {
      await consumer.cancel(options.graceMs);
      abort.abort();
    },
  };
}
