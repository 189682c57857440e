import type { Handler, JobQueue } from '@mousetrap/job_queue';
import { dieNow } from '@mousetrap/lifecycle';
import type { Logger } from '@mousetrap/log';

/**
 * The fault suite's hook (TEST_CRASH_ON_CORRELATION_ID): the worker kills itself (SIGKILL) whenever
 * it starts work on a message of the job with this correlation id, a worker that dies on one
 * message every time. An exhausted delivery does not reach the work (its job is given up), so it
 * does not crash. Its last line says what the worker had in flight. Returns `handler` unchanged
 * when `correlationId` is unset.
 */
export function crashOnCorrelationId(
  correlationId: string | undefined,
  handler: Handler,
  logger: Logger,
  queue: Pick<JobQueue, 'inFlight'>,
  crash: (lastLine: Record<string, unknown>) => void = dieNow,
): Handler {
  if (correlationId === undefined) return handler;
  logger.warn('TEST_CRASH_ON_CORRELATION_ID is set: this worker kills itself on that job’s messages', {
    correlation_id: correlationId,
  });
  return (message, delivery) => {
    if (message.correlation_id === correlationId && !delivery.exhausted) {
      crash({
        level: 'warn',
        message: 'TEST_CRASH_ON_CORRELATION_ID: crashing on the message',
        job_id: message.job_id,
        redeliveries: delivery.redeliveries,
        deliveries_in_flight: queue.inFlight().deliveries,
      });
    }
    return handler(message, delivery);
  };
}
