import { setTimeout as sleep } from 'node:timers/promises';
import { giveUpOnDelivery, runStage, settleFailedJob, unknownJob } from '@mousetrap/job_outcomes';
import type { Delivery, Envelope, Handler, HandlerResult } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';
import { type Place, ProcessDataError, parsePlaces, summarise } from '@mousetrap/process_data';
import type { StageStarts, Store } from '@mousetrap/store';
import { inSpan } from '@mousetrap/tracing';
import * as v from 'valibot';

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
  /** How long first processing runs before the job is recorded as `processing`. @default STAGE_START_AFTER_MS */
  stageStartAfterMs?: number;
}

/**
 * A data_processing payload: the places (checked by process_data), when fetching began if not
 * recorded, and whether it comes of a re-drive; it also carries when its run began, as its
 * start_fetch said (`start_sent_at`, read by {@link ofItsRun}).
 */
const BatchSchema = v.object({
  places: v.unknown(),
  fetching_at: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  redrive: v.optional(v.literal(true)),
});

const SentSchema = v.object({ start_sent_at: v.optional(v.pipe(v.string(), v.isoTimestamp())) });

/**
 * The message as of its run: with its start_fetch's time, when its run began, for `occurred_at`
 * (a fetch still running when its job failed, or begun after, sends its batch later), so that a
 * failure of a run that was retried since does not fail the job again. Read apart from the batch, so that a
 * batch that is not one is judged by it too, and only on the way to a failure.
 */
function ofItsRun(message: Envelope): Envelope {
  const sent = v.safeParse(SentSchema, message.payload);
  const startSentAt = sent.success ? sent.output.start_sent_at : undefined;
  return startSentAt === undefined ? message : { ...message, occurred_at: startSentAt };
}

/** A batch's places, the stage starts it carries, and whether it comes of a re-drive. */
interface Batch {
  places: Place[];
  started: StageStarts;
  redrive: boolean;
}

/** The batch of a payload; throws a ProcessDataError when its places cannot be summarised. */
function parseBatch(payload: v.InferOutput<typeof BatchSchema>): Batch {
  const { places, fetching_at: fetchingAt, redrive } = payload;
  return {
    places: parsePlaces(places),
    started: fetchingAt ? { fetching: new Date(fetchingAt) } : {},
    redrive: redrive === true,
  };
}

/**
 * Handles a data_processing message: summarises the places, then stores the result and marks the
 * job done in one transaction keyed by the job id, so a duplicate delivery changes nothing. The
 * job is recorded as `processing` once the work outlasts `stageStartAfterMs`, or before it on a
 * retry or a redelivery; a faster job's stage times are written with its result. A batch
 * that cannot be summarised fails the job and is dead-lettered. A failure to store throws, so the
 * message is retried after a delay; on the final attempt the job is marked failed and the message
 * dead-lettered, or, while the database cannot record even that, tried again later. On the last
 * delivery the delivery limit allows (workers died on it again and again), the job is failed
 * without another try.
 */
export function createProcessingHandler(deps: ProcessingWorkerDependencies): Handler {
  return async (message, delivery) => {
    if (delivery.exhausted) return giveUpOnDelivery(deps.store, ofItsRun(message), delivery);
    const log = deps.logger.child({ job_id: message.job_id, correlation_id: message.correlation_id });
    const payload = v.safeParse(BatchSchema, message.payload);
    if (!payload.success) {
      const error = new Error(`not a batch: ${v.summarize(payload.issues)}`);
      return settleFailedJob(deps.store, ofItsRun(message), 'invalid batch', error);
    }
    let batch: Batch;
    try {
      batch = parseBatch(payload.output);
    } catch (error) {
      if (!(error instanceof ProcessDataError)) throw error;
      return settleFailedJob(deps.store, ofItsRun(message), 'invalid batch', error);
    }
    try {
      return await processAndStore(deps, message, delivery, batch, log);
    } catch (error) {
      // Work abandoned because the worker stops is redelivered, not a failure of the job.
      if (!delivery.final || deps.signal?.aborted) throw error;
      const what = `processing failed after ${delivery.attempt} attempts`;
      return settleFailedJob(deps.store, ofItsRun(message), what, error);
    }
  };
}

async function processAndStore(
  deps: ProcessingWorkerDependencies,
  message: Envelope,
  delivery: Delivery,
  { places, started, redrive }: Batch,
  log: Logger,
): Promise<HandlerResult> {
  const jobId = message.job_id;
  const run = await runStage(
    {
      store: deps.store,
      jobId,
      stage: 'processing',
      delivery,
      eager: redrive,
      startAfterMs: deps.stageStartAfterMs,
    },
    () =>
      inSpan('process places', { attributes: { 'mousetrap.places': places.length } }, async () => {
        if (deps.delayMs > 0)
          await sleep(deps.delayMs, undefined, deps.signal ? { signal: deps.signal } : {});
        return summarise(places);
      }),
  );
  if (run.start === 'unknown') return unknownJob(deps, message);
  if (!run.ran) {
    log.info('duplicate data_processing ignored: the job is already finished');
    return undefined;
  }
  const summary = run.value;
  const starts = run.start === undefined ? { ...started, processing: run.startedAt } : started;
  const stored = await inSpan(
    'commit result',
    { attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'insert' } },
    () => deps.store.completeJob(jobId, { ...summary, places }, starts),
  );
  if (stored) log.info('job done', { centroid: summary.centroid });
  // Neither stage start was written for a fast job: an unknown one is found here.
  else if ((await deps.store.getJob(jobId)) === undefined) return unknownJob(deps, message);
  else log.info('result not stored: the job already has one, or has failed meanwhile');
  return undefined;
}
