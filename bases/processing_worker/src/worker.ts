import { setMaxListeners } from 'node:events';
import type { JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import { instrumentHandler, unknownJobCounter } from '@mousetrap/probes';
import { createProcessingHandler } from '@mousetrap/run_processing_worker';
import type { Store } from '@mousetrap/store';
import type { Registry } from 'prom-client';
import { crashOnCorrelationId } from './crash-hook.ts';

/** What the processing worker runs on; the caller owns (and closes) the queue and the store. */
export interface ProcessingWorkerOptions {
  queue: JobQueue;
  store: Store;
  logger: Logger;
  registry: Registry;
  /** Simulated work per batch. */
  delayMs: number;
  /** How long a stop waits for batches in flight before abandoning them to a redelivery. */
  graceMs: number;
  /** The fault suite's hook: the worker kills itself on this job's messages. @default undefined */
  crashOnCorrelationId?: string | undefined;
}

/** A consuming processing worker. */
export interface ProcessingWorker {
  stop(): Promise<void>;
}

/** Starts consuming data_processing with the processing handler; stop() drains within the grace period. */
export async function startProcessingWorker(options: ProcessingWorkerOptions): Promise<ProcessingWorker> {
  const abort = new AbortController();
  // Every message in flight (up to PREFETCH of them) waits on this one signal: not a leak.
  setMaxListeners(0, abort.signal);
  const handler = createProcessingHandler({
    store: options.store,
    logger: options.logger,
    delayMs: options.delayMs,
    signal: abort.signal,
    onUnknownJob: unknownJobCounter(options.registry, 'data_processing'),
  });
  const consumer = await options.queue.consume(
    'data_processing',
    instrumentHandler(
      options.registry,
      'data_processing',
      crashOnCorrelationId(options.crashOnCorrelationId, handler, options.logger, options.queue),
    ),
  );
  return {
    async stop() {
      await consumer.cancel(options.graceMs);
      abort.abort();
    },
  };
}
