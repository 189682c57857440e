import * as v from 'valibot';

/** The two queues of the pipeline, also the two message types. */
export const QUEUE_NAMES = ['start_fetch', 'data_processing'] as const;

/** A queue of the pipeline, and the type of the messages it carries. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The envelope every message travels in (DESIGN §3); the payload is checked by its consumer. */
export const EnvelopeSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  type: v.picklist(QUEUE_NAMES),
  version: v.literal(1),
  job_id: v.pipe(v.string(), v.uuid()),
  // Printable ASCII, as the API makes them: it travels on as an AMQP property of at most 255 bytes.
  correlation_id: v.pipe(
    v.string(),
    v.regex(/^[ -~]{1,200}$/, 'a correlation id is 1 to 200 printable ASCII characters'),
  ),
  occurred_at: v.pipe(v.string(), v.isoTimestamp()),
  payload: v.unknown(),
});

/** A message: `{ id, type, version: 1, job_id, correlation_id, occurred_at, payload }`. */
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;

/**
 * Makes the envelope for a job's stage. Its id is `<job_id>:<type>`, the same every time, so a
 * re-published or redelivered message is recognisable as a duplicate.
 */
export function createEnvelope(input: {
  type: QueueName;
  jobId: string;
  correlationId: string;
  payload: unknown;
  now?: Date;
}): Envelope {
  return {
    id: `${input.jobId}:${input.type}`,
    type: input.type,
    version: 1,
    job_id: input.jobId,
    correlation_id: input.correlationId,
    occurred_at: (input.now ?? new Date()).toISOString(),
    payload: input.payload,
  };
}

/** The message body of an envelope: JSON, as both transports carry it. */
export function encodeMessage(envelope: Envelope): string {
  const body: string | undefined = JSON.stringify(envelope);
  if (body === undefined) throw new TypeError('expected an envelope, got undefined');
  return body;
}

/** What a consumer makes of a message body: the envelope, or the reason it is not a valid one. */
export type ParsedMessage = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/** Reads a message body that arrived on `queue`: it must be JSON, an envelope, and of that queue's type. */
export function parseMessage(body: string, queue: QueueName): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const result = v.safeParse(EnvelopeSchema, json);
  if (!result.success) return { ok: false, reason: `not an envelope: ${v.summarize(result.issues)}` };
  if (result.output.type !== queue) {
    return { ok: false, reason: `a '${result.output.type}' message on the '${queue}' queue` };
  }
  return { ok: true, envelope: result.output };
}
