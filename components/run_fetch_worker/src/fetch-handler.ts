import type { FetchPlaces } from '@mousetrap/fetch_data';
import { createEnvelope, type Envelope, type Handler, type JobQueue } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Store } from '@mousetrap/store';

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
 * this stage is a duplicate and is only acknowledged. A failing fetch throws, so the message is
 * retried after a delay; on the final attempt the job is marked failed with the error first.
 */
export function createFetchHandler(deps: FetchWorkerDependencies): Handler {
  return async (message, delivery) => {
    if (!isEmptyObject(message.payload)) return { deadLetter: 'start_fetch payload must be {}' };
    const log = deps.logger.child({ job_id: message.job_id, correlation_id: message.correlation_id });
    const stage = await deps.store.startStage(message.job_id, 'fetching');
    if (stage === 'unknown') return { deadLetter: 'no job with this id' };
    if (stage === 'passed') {
      log.info('duplicate start_fetch ignored: the job is past fetching');
      return undefined;
    }
    let fetched: number;
    try {
      fetched = await fetchAndHandOff(deps, message);
    } catch (error) {
      // A fetch abandoned because the worker stops is redelivered, not a failure of the job.
      if (delivery.final && !deps.signal?.aborted)
        await failJob(deps, message.job_id, `fetch failed after ${delivery.attempt} attempts`, error);
      throw error;
    }
    log.info('places fetched', { places: fetched, repeated: stage === 'repeat', attempt: delivery.attempt });
    return undefined;
  };
}

/** Fetches the places and publishes them to data_processing; resolves with how many there were. */
async function fetchAndHandOff(deps: FetchWorkerDependencies, message: Envelope): Promise<number> {
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
  return places.length;
}

/**
 * Settles a job whose last attempt failed, so it ends `failed` with a reason rather than stuck
 * mid-way. Best effort: when the database is what fails, the message still goes to the
 * dead-letter queue, from where it can be replayed.
 */
async function failJob(deps: FetchWorkerDependencies, jobId: string, what: string, error: unknown) {
  const reason = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  try {
    await deps.store.failJob(jobId, reason);
  } catch (storeError) {
    deps.logger.error('could not mark the job failed', { job_id: jobId, error: String(storeError) });
  }
}
