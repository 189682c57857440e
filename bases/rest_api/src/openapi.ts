import { API_SCHEMAS, schemaRef } from './openapi-schemas.ts';
import type {
  HeaderObject,
  OpenApiDocument,
  ParameterObject,
  ResponseObject,
  SchemaObject,
} from './openapi-types.ts';

const json = (schema: SchemaObject) => ({ 'application/json': { schema } });

const correlationHeader: HeaderObject = {
  description:
    'The request’s correlation id: the one sent, or a new UUID. It travels with the job’s messages.',
  schema: { type: 'string' },
};

const correlationParameter: ParameterObject = {
  name: 'X-Correlation-ID',
  in: 'header',
  required: false,
  description: '1–200 characters of A–Z a–z 0–9 . _ : -; any other value is replaced by a new UUID.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,200}$' },
};

const answer = (description: string, schema?: SchemaObject, headers: Record<string, HeaderObject> = {}) =>
  ({
    description,
    headers: { 'X-Correlation-ID': correlationHeader, ...headers },
    ...(schema ? { content: json(schema) } : {}),
  }) satisfies ResponseObject;

const failure = (description: string, headers: Record<string, HeaderObject> = {}) =>
  answer(description, schemaRef('Error'), headers);

const retryAfter: HeaderObject = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer' },
};
const internal = failure(
  'An unexpected error; the message is generic and the details are in the server’s log.',
);
const unavailable = failure('The database (or broker) cannot be reached; try again shortly.', {
  'Retry-After': retryAfter,
});
const unavailableOrOverloaded = failure(
  'unavailable: the database cannot be reached; overloaded: the broker refuses more work (it blocks ' +
    'publishers, or too many publishes await its confirm) and nothing was recorded. Try again shortly.',
  { 'Retry-After': retryAfter },
);

/** The OpenAPI 3.1 description of every route, header, answer and the error body; GET /docs renders it. */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'mousetrap API',
    version: '0.1.0',
    description:
      'Starts jobs that fetch places and summarise them, and serves the newest summary. Every answer carries ' +
      'X-Correlation-ID. Every error is a JSON Error body. A known path asked with another method answers 405 ' +
      'with an Allow header; an unknown path answers 404.',
  },
  paths: {
    '/': {
      get: {
        operationId: 'getLatestResult',
        summary: 'The newest result',
        description: 'In the seed’s shape, or {} when no job has finished yet.',
        parameters: [correlationParameter],
        responses: {
          '200': answer('The newest result, or {}.', schemaRef('LatestResult')),
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/refresh': {
      post: {
        operationId: 'refresh',
        summary: 'Start a job',
        description:
          'Records the job durably, then hands it to the fetch worker. When the server has an API key, ' +
          'the request must carry it as a bearer token or in X-API-Key.',
        security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
        parameters: [
          correlationParameter,
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'Sending the same key again answers with the job it first started, not a new one.',
            schema: { type: 'string', pattern: '^[\\x20-\\x7E]{1,200}$' },
          },
        ],
        requestBody: {
          description: 'Optional and ignored; when present it must be JSON.',
          required: false,
          content: json({ type: 'object' }),
        },
        responses: {
          '202': answer('The job is recorded.', schemaRef('Accepted'), {
            Location: { description: 'Where to follow the job: /jobs/{id}.', schema: { type: 'string' } },
          }),
          '400': failure('A malformed Idempotency-Key, or a body that is not JSON.'),
          '401': failure('The API key is missing or wrong.', {
            'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
          }),
          '413': failure('The body is larger than the limit (16 kB by default).'),
          '500': internal,
          '503': unavailableOrOverloaded,
        },
      },
    },
    '/jobs/{id}': {
      get: {
        operationId: 'getJob',
        summary: 'A job’s state',
        description: 'queued → fetching → processing → done | failed, with the time of each step.',
        parameters: [
          correlationParameter,
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The job id.',
            schema: { type: 'string', format: 'uuid' },
          },
        ],
        responses: {
          '200': answer('The job.', schemaRef('Job')),
          '400': failure('The id is not a UUID.'),
          '404': failure('There is no job with this id.'),
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness',
        description: 'Answers 200 whenever the process answers at all.',
        parameters: [correlationParameter],
        responses: { '200': answer('Alive.', schemaRef('Health')) },
      },
    },
    '/ready': {
      get: {
        operationId: 'getReadiness',
        summary: 'Readiness',
        description: 'Checks the database and the broker, each within 2 seconds.',
        parameters: [correlationParameter],
        responses: {
          '200': answer('Both dependencies answer.', schemaRef('Readiness')),
          '503': answer('A dependency does not answer; its check holds the reason.', schemaRef('Readiness')),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        description:
          'http_requests_total, http_request_duration_seconds, jobs_submitted_total and process metrics.',
        parameters: [correlationParameter],
        responses: {
          '200': {
            description: 'The Prometheus text format.',
            headers: { 'X-Correlation-ID': correlationHeader },
            content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
          },
          '500': internal,
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        parameters: [correlationParameter],
        responses: { '200': answer('The OpenAPI 3.1 document.', { type: 'object' }) },
      },
    },
    '/docs': {
      get: {
        operationId: 'getDocs',
        summary: 'This document as a web page',
        parameters: [correlationParameter],
        responses: {
          '200': {
            description: 'A self-contained HTML page.',
            headers: { 'X-Correlation-ID': correlationHeader },
            content: { 'text/html': { schema: { type: 'string' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: API_SCHEMAS,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    },
  },
};
