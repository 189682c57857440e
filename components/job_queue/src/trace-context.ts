import { currentTraceparent, inSpan, openSpan, recordSpan, tracingOn } from '@mousetrap/tracing';
import type { Envelope, QueueName } from './envelope.ts';
import type { Delivery } from './types.ts';

/** The W3C header naming the span that published a message: its consumer's spans are its children. */
const TRACEPARENT_HEADER = 'traceparent';

/** When the message was sent (ms since the epoch), so that its wait in the queue is a span. */
const PUBLISHED_AT_HEADER = 'x-published-at';

/** On a retry's copy: the span of the attempt that failed, which the next attempt's span links to. */
const RETRY_OF_HEADER = 'x-retry-of';

type Headers = Record<string, unknown> | undefined;

const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;

/** The trace headers of a message published now, inside its publish span; none while tracing is off. */
function publishHeaders(): Record<string, string | number> | undefined {
  const traceparent = currentTraceparent();
  if (traceparent === undefined) return undefined;
  return { [TRACEPARENT_HEADER]: traceparent, [PUBLISHED_AT_HEADER]: Date.now() };
}

/** The headers a retry's copy carries on top of its message's own: the attempt it follows, and when it was sent. */
export function retryHeaders(attempt: string | undefined): Record<string, string | number> {
  return attempt === undefined ? {} : { [RETRY_OF_HEADER]: attempt, [PUBLISHED_AT_HEADER]: Date.now() };
}

/** Runs a publish of `envelope` to `queue` in a producer span, `send` getting the headers to put on it. */
export function inPublishSpan<T>(
  queue: QueueName,
  envelope: Envelope,
  send: (headers: Record<string, string | number> | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return send(undefined);
  return inSpan(
    `publish ${queue}`,
    {
      kind: 'producer',
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': queue,
        'messaging.message.id': envelope.id,
        'mousetrap.job_id': envelope.job_id,
      },
    },
    () => send(publishHeaders()),
  );
}

/** What a handled message's spans left behind: the consume span's traceparent, for a retry's link. */
export interface ConsumeTrace {
  traceparent: string | undefined;
}

/** A message handled while tracing is off, or refused before any span. */
export const UNTRACED: ConsumeTrace = { traceparent: undefined };

/**
 * Records a consumed message's wait in its queue (from its publish to now) and runs `handle` in a
 * consumer span; both are children of the publish span its `traceparent` header names, so a job's
 * spans form one trace across services. A retry's span links to the attempt it follows.
 */
export async function inConsumeSpan<T>(
  queue: QueueName,
  envelope: Envelope,
  delivery: Delivery,
  headers: Headers,
  handle: () => Promise<T>,
): Promise<{ result: T; trace: ConsumeTrace } | { error: unknown; trace: ConsumeTrace }> {
  if (!tracingOn()) {
    try {
      return { result: await handle(), trace: UNTRACED };
    } catch (error) {
      return { error, trace: UNTRACED };
    }
  }
  const parent = textOf(headers?.[TRACEPARENT_HEADER]);
  const attributes = {
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': queue,
    'messaging.message.id': envelope.id,
    'mousetrap.job_id': envelope.job_id,
    'mousetrap.attempt': delivery.attempt,
    'mousetrap.redeliveries': delivery.redeliveries,
  };
  const publishedAt = Number(headers?.[PUBLISHED_AT_HEADER]);
  if (parent !== undefined && Number.isFinite(publishedAt)) {
    recordSpan(`wait ${queue}`, { parent, attributes, startTime: publishedAt, endTime: Date.now() });
  }
  const span = openSpan(`process ${queue}`, {
    kind: 'consumer',
    // A message sent without a trace (tracing was off then) starts one here.
    parent: parent ?? null,
    links: [textOf(headers?.[RETRY_OF_HEADER])],
    attributes,
  });
  const trace = { traceparent: span.traceparent };
  try {
    return { result: await span.run(handle), trace };
  } catch (error) {
    span.fail(error);
    return { error, trace };
  } finally {
    span.end();
  }
}
