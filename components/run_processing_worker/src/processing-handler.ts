import { setTimeout as sleep } from 'node:timers/promises';
import { giveUpOnDelivery, settleFailedJob, unknownJob } from '@mousetrap/job_outcomes';
import type { Envelope, Handler, HandlerResult } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import { type Place, ProcessDataError, parsePlaces, summarise } from '@mousetrap/process_data';
import type { Store } from '@mousetrap/store';
import { inSpan } from '@mousetrap/tracing';

/** What the processing handler needs. */
export interface ProcessingWorkerDependencies {
  store: Store;
  logger: Logger;
  /** Simulated work per batch, as the seed's one second. */
  delayMs: number;
  /** Aborted once a stop has waited its grace period: work still running is abandoned to a redelivery. */
  signal?: AbortSignal;
  /** Hears of each message for a job this worker's database does not have, for metrics. @default undefined */
  onUnknownJob?: () => void;
}

const placesOf = (payload: unknown): unknown =>
  typeof payload === 'object' && payload !== null && 'places' in payload ? payload.places : undefined;

/**
 * Handles a data_processing message: summarises the places, then stores the result and marks the
 * job done in one transaction keyed by the job id, so a duplicate delivery changes nothing. A batch
 * that cannot be summarised fails the job and is dead-lettered. A failure to store throws, so the
 * message is retried after a delay; on the final attempt the job is marked failed and the message
 * dead-lettered, or, while the database cannot record even that, tried again later. On the last
 * delivery the delivery limit allows (workers died on it again and again), the job is failed
 * without another try.
 */
export function createProcessingHandler(deps: ProcessingWorkerDependencies): Handler {
  return async (message, delivery) => {
    if (delivery.exhausted) return giveUpOnDelivery(deps.store, message, delivery);
    const log = deps.logger.child({ job_id: message.job_id, correlation_id: message.correlation_id });
    let places: Place[];
    try {
      places = parsePlaces(placesOf(message.payload));
    } catch (error) {
      if (!(error instanceof ProcessDataError)) throw error;
      return settleFailedJob(deps.store, message.job_id, 'invalid batch', error);
    }
    try {
      return await processAndStore(deps, message, places, log);
    } catch (error) {
      // Work abandoned because the worker stops is redelivered, not a failure of the job.
      if (!delivery.final || deps.signal?.aborted) throw error;
      const what = `processing failed after ${delivery.attempt} attempts`;
      return settleFailedJob(deps.store, message.job_id, what, error);
    }
  };
}

async function processAndStore(
  deps: ProcessingWorkerDependencies,
  message: Envelope,
  places: Place[],
  log: Logger,
): Promise<HandlerResult> {
  const jobId = message.job_id;
  const stage = await deps.store.startStage(jobId, 'processing');
  if (stage === 'unknown') return unknownJob(deps, message);
  if (stage === 'passed') {
    log.info('duplicate data_processing ignored: the job is already finished');
    return undefined;
  }
  const summary = await inSpan(
    'process places',
    { attributes: { 'mousetrap.places': places.length } },
    async () => {
      if (deps.delayMs > 0) await sleep(deps.delayMs, undefined, deps.signal ? { signal: deps.signal } : {});
      return summarise(places);
    },
  );
  const stored = await inSpan(
    'commit result',
    { attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'insert' } },
    () => deps.store.completeJob(jobId, { ...summary, places }),
  );
  if (stored) log.info('job done', { centroid: summary.centroid });
  else log.info('result not stored: the job already has one, or has failed meanwhile');
  return undefined;
}
