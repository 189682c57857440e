import { schemaRef } from './openapi-schemas.ts';
import type {
  HeaderObject,
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
} from './openapi-types.ts';

/** A JSON body of the given schema, as a request's or an answer's content. */
export const json = (schema: SchemaObject) => ({ 'application/json': { schema } });

/** The X-Correlation-ID header every answer carries. */
export const correlationHeader: HeaderObject = {
  description:
    'The request’s correlation id: the one sent, or a new UUID. It travels with the job’s messages.',
  schema: { type: 'string' },
};

/** The X-Correlation-ID header a request may send. */
export const correlationParameter: ParameterObject = {
  name: 'X-Correlation-ID',
  in: 'header',
  required: false,
  description: '1–200 characters of A–Z a–z 0–9 . _ : -; any other value is replaced by a new UUID.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,200}$' },
};

/** The `id` path parameter of the job routes. */
export const jobIdParameter: ParameterObject = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The job id.',
  schema: { type: 'string', format: 'uuid' },
};

/** An answer with the correlation header, further headers, and a JSON body when a schema is given. */
/** The path parameter naming one of a page's files, by the names it serves. */
export const assetNameParameter = (names: readonly string[]): ParameterObject => ({
  name: 'name',
  in: 'path',
  required: true,
  description: 'The file.',
  schema: { enum: [...names] },
});

export const answer = (
  description: string,
  schema?: SchemaObject,
  headers: Record<string, HeaderObject> = {},
) =>
  ({
    description,
    headers: { 'X-Correlation-ID': correlationHeader, ...headers },
    ...(schema ? { content: json(schema) } : {}),
  }) satisfies ResponseObject;

/** An answer with an Error body. */
export const failure = (description: string, headers: Record<string, HeaderObject> = {}) =>
  answer(description, schemaRef('Error'), headers);

/** An answer whose body is not JSON: HTML, CSS, JavaScript, SVG text or a PNG image. */
export const textAnswer = (description: string, contentTypes: readonly string[]): ResponseObject => ({
  description,
  headers: { 'X-Correlation-ID': correlationHeader },
  content: Object.fromEntries(contentTypes.map((type) => [type, { schema: { type: 'string' } }])),
});

const retryAfter: HeaderObject = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer' },
};

/** The 500 answer of any operation that can fail unexpectedly. */
export const internal = failure(
  'An unexpected error; the message is generic and the details are in the server’s log.',
);

/** The 503 answer of an operation that needs the database. */
export const unavailable = failure('The database (or broker) cannot be reached; try again shortly.', {
  'Retry-After': retryAfter,
});

/** The 503 answer of an operation that records and publishes a job. */
export const unavailableOrOverloaded = failure(
  'unavailable: the database cannot be reached, or did not answer in time (then the job may still be ' +
    'recorded once it does: a retry with the same Idempotency-Key gets it); overloaded: the broker ' +
    'refuses more work (it blocks publishers, or too many publishes await its confirm) and nothing was ' +
    'recorded. Try again shortly.',
  { 'Retry-After': retryAfter },
);

/** The 403 of every state-changing route: a browser's request on behalf of a page elsewhere. */
export const crossOrigin = failure(
  'A browser request from another origin: Sec-Fetch-Site other than same-origin or none, or an Origin that ' +
    'is not the host the request was sent to (Origin: null included). Checked before the API key.',
);

/** The body of every POST: anything or nothing, read and dropped, as in the seed. */
export const ignoredBody: OperationObject['requestBody'] = {
  description: 'Optional and ignored: any content type, any bytes, up to 16 KiB (16384 bytes).',
  required: false,
  content: { '*/*': { schema: {} } },
};

/** The 413 of every POST. */
export const bodyTooLarge = failure('The body is larger than 16 KiB.');
