import type { LogContext, Logger } from '@mousetrap/log';
import { parseMessage, type QueueName } from './envelope.ts';
import { type ConsumeTrace, inConsumeSpan, UNTRACED } from './trace-context.ts';
import type { Delivery, Handler } from './types.ts';

/**
 * What becomes of a delivered message once it has been handled: acknowledged, dead-lettered,
 * retried as its next attempt, or retried later as the same attempt (`retry-later`).
 */
export type Outcome = 'ack' | 'dead-letter' | 'retry' | 'retry-later';

/** A handled message's outcome, and its consume span (which a retry's copy links to). */
export interface Handled {
  outcome: Outcome;
  trace: ConsumeTrace;
}

/**
 * Decides a delivered message's fate, the same way for both transports: an invalid body is
 * dead-lettered without reaching the handler; otherwise the handler's answer decides, and a
 * handler that throws asks for a retry, or for a dead letter on the final attempt. Never rejects;
 * logs every message it does not ack. The handler runs in the message's consume span, a child of
 * the span that published it (its `traceparent` header), after its wait in the queue is recorded.
 */
export async function handleMessage(input: {
  body: string;
  queue: QueueName;
  handler: Handler;
  delivery: Delivery;
  /** The delay before the next attempt, when there is one. */
  retryDelayMs: number | undefined;
  /** The longest retry delay, which a `retryLater` waits; undefined when there are no retries. */
  longestDelayMs: number | undefined;
  logger: Logger;
  context?: LogContext;
  /** The message's headers, where its trace context travels. */
  headers: Record<string, unknown> | undefined;
}): Promise<Handled> {
  const { queue, logger, delivery } = input;
  const parsed = parseMessage(input.body, queue);
  if (!parsed.ok) {
    logger.warn('job_queue: dead-lettering an invalid message', {
      queue,
      reason: parsed.reason,
      ...input.context,
    });
    return { outcome: 'dead-letter', trace: UNTRACED };
  }
  const { envelope } = parsed;
  const about: LogContext = {
    queue,
    message_id: envelope.id,
    job_id: envelope.job_id,
    correlation_id: envelope.correlation_id,
    attempt: delivery.attempt,
    ...input.context,
  };
  const handled = await inConsumeSpan(queue, envelope, delivery, input.headers, () =>
    input.handler(envelope, delivery),
  );
  const { trace } = handled;
  if ('error' in handled) {
    const { error } = handled;
    const reason = error instanceof Error ? error.message : String(error);
    if (delivery.final || input.retryDelayMs === undefined) {
      logger.error('job_queue: handler failed on the final attempt; dead-lettering the message', {
        ...about,
        error: reason,
      });
      return { outcome: 'dead-letter', trace };
    }
    logger.warn('job_queue: handler failed; the message will be retried', {
      ...about,
      retry_in_ms: input.retryDelayMs,
      error: reason,
    });
    return { outcome: 'retry', trace };
  }
  const { result } = handled;
  if (result !== undefined && 'deadLetter' in result) {
    logger.warn("job_queue: dead-lettering a message at its handler's request", {
      ...about,
      reason: result.deadLetter,
    });
    return { outcome: 'dead-letter', trace };
  }
  if (result !== undefined && 'retryLater' in result) {
    if (input.longestDelayMs === undefined) {
      logger.error(
        'job_queue: a handler asked to retry later, but there are no retry delays; dead-lettering',
        {
          ...about,
          reason: result.retryLater,
        },
      );
      return { outcome: 'dead-letter', trace };
    }
    logger.warn('job_queue: the message will be tried again later, as the same attempt', {
      ...about,
      retry_in_ms: input.longestDelayMs,
      reason: result.retryLater,
    });
    return { outcome: 'retry-later', trace };
  }
  return { outcome: 'ack', trace };
}
