import type { FetchPlaces } from '@mousetrap/fetch_data';
import {
  createEnvelope,
  type Envelope,
  type Handler,
  type HandlerResult,
  type JobQueue,
} from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import { type Store, settleFailedJob } from '@mousetrap/store';

/** What the fetch handler needs. */
export interface FetchWorkerDependencies {
  queue: JobQueue;
  store: Store;
  fetchPlaces: FetchPlaces;
  logger: Logger;
  /** Aborted once a stop has waited its grace period: a fetch still running is abandoned to a redelivery. */
  signal?: AbortSignal;
}

const isEmptyObject = (payload: unknown) =>
  typeof payload === 'object' &&
  payload !== null &&
  !Array.isArray(payload) &&
  Object.keys(payload).length === 0;

/**
 * Handles a start_fetch message: moves the job to `fetching`, calls the data source and hands the
 * places to data_processing. A redelivery of a job already fetching fetches again; a job past
 * this stage is a duplicate and is only acknowledged. A failure (the source, the database, the
 * broker) throws, so the message is retried after a delay; on the final attempt the job is marked
 * failed with the error and the message dead-lettered, or, when even that cannot be recorded
 * (the database is away), the message is tried again later as the same final attempt.
 */
export function createFetchHandler(deps: FetchWorkerDependencies): Handler {
  return async (message, delivery) => {
    if (!isEmptyObject(message.payload)) return { deadLetter: 'start_fetch payload must be {}' };
    const log = deps.logger.child({ job_id: message.job_id, correlation_id: message.correlation_id });
    try {
      return await fetchStage(deps, message, delivery.attempt, log);
    } catch (error) {
      // A fetch abandoned because the worker stops is redelivered, not a failure of the job.
      if (!delivery.final || deps.signal?.aborted) throw error;
      return settleFailedJob(
        deps.store,
        message.job_id,
        `fetch failed after ${delivery.attempt} attempts`,
        error,
      );
    }
  };
}

async function fetchStage(
  deps: FetchWorkerDependencies,
  message: Envelope,
  attempt: number,
  log: Logger,
): Promise<HandlerResult> {
  const stage = await deps.store.startStage(message.job_id, 'fetching');
  if (stage === 'unknown') return { deadLetter: 'no job with this id' };
  if (stage === 'passed') {
    log.info('duplicate start_fetch ignored: the job is past fetching');
    return undefined;
  }
  const places = await deps.fetchPlaces(deps.signal);
  await deps.queue.publish(
    'data_processing',
    createEnvelope({
      type: 'data_processing',
      jobId: message.job_id,
      correlationId: message.correlation_id,
      payload: { places },
    }),
  );
  log.info('places fetched', { places: places.length, repeated: stage === 'repeat', attempt });
  return undefined;
}
