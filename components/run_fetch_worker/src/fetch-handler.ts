import type { FetchPlaces } from '@mousetrap/fetch_data';
import { failPoison, giveUpOnDelivery, runStage, settleFailedJob, unknownJob } from '@mousetrap/job_outcomes';
import {
  createEnvelope,
  type Delivery,
  type Envelope,
  type Handler,
  type HandlerResult,
  type JobQueue,
} from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import type { Store } from '@mousetrap/store';
import { inSpan } from '@mousetrap/tracing';
import * as v from 'valibot';

/** What the fetch handler needs. */
export interface FetchWorkerDependencies {
  queue: JobQueue;
  store: Store;
  fetchPlaces: FetchPlaces;
  logger: Logger;
  /** Aborted once a stop has waited its grace period: a fetch still running is abandoned to a redelivery. */
  signal?: AbortSignal;
  /** Hears of each message for a job this worker's database does not have, for metrics. @default undefined */
  onUnknownJob?: () => void;
  /** How long a first fetch runs before the job is recorded as `fetching`. @default STAGE_START_AFTER_MS */
  stageStartAfterMs?: number;
}

/** A start_fetch payload: `{}`, or `{ redrive: true }` from the sweeper for a stalled job. */
const StartPayloadSchema = v.strictObject({ redrive: v.optional(v.literal(true)) });

/**
 * Handles a start_fetch message: calls the data source and hands the places to data_processing,
 * moving the job to `fetching` once the fetch outlasts `stageStartAfterMs` (a faster one hands its
 * start time on with the places), or before it on a retry, a redelivery or a re-drive. A
 * redelivery of a job already fetching fetches again; a job found past this stage is a duplicate
 * and is only acknowledged, unless the sweeper re-drives a job stalled in processing: its places
 * are fetched again. A duplicate of a fast first delivery is recognised only where the job ends:
 * its result is not stored twice. A failure (the source, the database, the broker)
 * throws, so the message is retried after a delay; on the final attempt the job is marked failed
 * with the error and the message dead-lettered, or, when even that cannot be recorded (the
 * database is away), the message is tried again later as the same final attempt. On the last
 * delivery the delivery limit allows (workers died on it again and again), the job is failed
 * without another try, and so is a job whose message is malformed (poison).
 */
export function createFetchHandler(deps: FetchWorkerDependencies): Handler {
  return async (message, delivery) => {
    const payload = v.safeParse(StartPayloadSchema, message.payload);
    if (!payload.success) {
      const why = `start_fetch payload must be {} or {"redrive":true}: ${v.summarize(payload.issues)}`;
      return failPoison(deps.store, message, why);
    }
    if (delivery.exhausted) return giveUpOnDelivery(deps.store, message, delivery);
    const log = deps.logger.child({ job_id: message.job_id, correlation_id: message.correlation_id });
    try {
      return await fetchStage(deps, message, delivery, payload.output.redrive === true, log);
    } catch (error) {
      // A fetch abandoned because the worker stops is redelivered, not a failure of the job.
      if (!delivery.final || deps.signal?.aborted) throw error;
      return settleFailedJob(deps.store, message, `fetch failed after ${delivery.attempt} attempts`, error);
    }
  };
}

async function fetchStage(
  deps: FetchWorkerDependencies,
  message: Envelope,
  delivery: Delivery,
  redrive: boolean,
  log: Logger,
): Promise<HandlerResult> {
  const fetch = () =>
    inSpan('fetch places', {}, async (span) => {
      const fetched = await deps.fetchPlaces(deps.signal);
      span.setAttribute('mousetrap.places', fetched.length);
      return fetched;
    });
  const run = await runStage(
    {
      store: deps.store,
      jobId: message.job_id,
      stage: 'fetching',
      delivery,
      eager: redrive,
      startAfterMs: deps.stageStartAfterMs,
    },
    fetch,
  );
  let places: Awaited<ReturnType<FetchPlaces>>;
  if (run.ran) places = run.value;
  else if (run.start === 'unknown') return unknownJob(deps, message);
  else if (redrive && (await deps.store.getJob(message.job_id))?.status === 'processing')
    places = await fetch();
  else {
    log.info('duplicate start_fetch ignored: the job is past fetching');
    return undefined;
  }
  // A start not written goes on with the places, for the job's record once it is done.
  const fetchingAt = run.ran && run.start === undefined ? { fetching_at: run.startedAt.toISOString() } : {};
  await deps.queue.publish(
    'data_processing',
    createEnvelope({
      type: 'data_processing',
      jobId: message.job_id,
      correlationId: message.correlation_id,
      // When its run began, as its start says: a failure of this batch is one of that run (see
      // settleFailedJob). A re-drive's processing writes its start before the work, as its fetch did.
      payload: { places, ...fetchingAt, start_sent_at: message.occurred_at, ...(redrive ? { redrive } : {}) },
    }),
  );
  const repeated = run.start !== 'started' && run.start !== undefined;
  log.debug('places fetched', { places: places.length, repeated, redrive, attempt: delivery.attempt });
  return undefined;
}
