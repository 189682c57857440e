import type { Envelope, HandlerResult } from '@mousetrap/job_queue';
import type { Logger } from '@mousetrap/log';

/**
 * The answer to a message whose job the worker's database does not have, said loudly: an error in
 * the log that points at the likely cause (a worker on another database or schema than the API's),
 * `onUnknownJob` for a metric, and a dead letter. The sweeper re-drives and in the end fails the
 * job in the API's database, so nothing hangs while the configuration is wrong.
 */
export function unknownJob(
  deps: { logger: Logger; onUnknownJob?: (() => void) | undefined },
  message: Envelope,
): HandlerResult {
  deps.onUnknownJob?.();
  deps.logger.error(
    'no such job in this database: is this worker connected to the database and schema the API uses?',
    { job_id: message.job_id, correlation_id: message.correlation_id, queue: message.type },
  );
  return { deadLetter: 'unknown job: no job with this id in the worker’s database' };
}
