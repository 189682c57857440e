import { DASHBOARD_PATHS } from './openapi-dashboard.ts';
import { DOCS_PATHS } from './openapi-docs.ts';
import {
  answer,
  bodyTooLarge,
  correlationHeader,
  correlationParameter,
  crossOrigin,
  failure,
  ignoredBody,
  internal,
  jobIdParameter,
  json,
  unavailable,
  unavailableOrOverloaded,
} from './openapi-parts.ts';
import { API_SCHEMAS, schemaRef } from './openapi-schemas.ts';
import type { OpenApiDocument } from './openapi-types.ts';

/** The OpenAPI 3.1 description of every route, header, answer and the error body; GET /docs shows it in Swagger UI. */
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
        summary: 'The newest result, or the dashboard for a browser',
        description:
          'In the seed’s shape, or {} when no job has finished yet. A request whose Accept header prefers ' +
          'text/html (a browser) gets the dashboard page instead, as GET /dashboard answers it; no Accept ' +
          'header, */* or application/json gets the JSON. The answer varies by Accept.',
        parameters: [
          correlationParameter,
          {
            name: 'Accept',
            in: 'header',
            required: false,
            description:
              'text/html (preferred over JSON) for the dashboard page; anything else for the JSON.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            ...answer('The newest result, or {}; or the dashboard page.', schemaRef('LatestResult')),
            content: { ...json(schemaRef('LatestResult')), 'text/html': { schema: { type: 'string' } } },
          },
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
        requestBody: ignoredBody,
        responses: {
          '202': answer('The job is recorded.', schemaRef('Accepted'), {
            Location: { description: 'Where to follow the job: /jobs/{id}.', schema: { type: 'string' } },
          }),
          '400': failure('A malformed Idempotency-Key.'),
          '401': failure('The API key is missing or wrong.', {
            'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
          }),
          '403': crossOrigin,
          '413': bodyTooLarge,
          '500': internal,
          '503': unavailableOrOverloaded,
        },
      },
    },
    '/jobs/{id}': {
      get: {
        operationId: 'getJob',
        summary: 'A job’s state',
        description:
          'queued → fetching → processing → done | failed, with the time of each step. A stage shows once it has run for 250 ms: a job whose stages are faster goes from queued to done, with their times.',
        parameters: [correlationParameter, jobIdParameter],
        responses: {
          '200': answer('The job.', schemaRef('Job')),
          '400': failure('The id is not a UUID.'),
          '404': failure('There is no job with this id.'),
          '500': internal,
          '503': unavailable,
        },
      },
    },
    '/jobs/{id}/retry': {
      post: {
        operationId: 'retryJob',
        summary: 'Retry a failed job',
        description:
          'Puts a failed job back to queued, its error cleared, and hands it to the fetch worker again (or ' +
          'the outbox relay does, if the broker is away). Only a failed job can be retried. Needs the API key ' +
          'when the server has one, as POST /refresh does.',
        security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
        parameters: [correlationParameter, jobIdParameter],
        requestBody: ignoredBody,
        responses: {
          '202': answer('The job is queued again.', schemaRef('Accepted'), {
            Location: { description: 'Where to follow the job: /jobs/{id}.', schema: { type: 'string' } },
          }),
          '400': failure('The id is not a UUID.'),
          '401': failure('The API key is missing or wrong.', {
            'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
          }),
          '403': crossOrigin,
          '404': failure('There is no job with this id.'),
          '409': failure('The job is not failed (queued, running or done), so there is nothing to retry.'),
          '413': bodyTooLarge,
          '500': internal,
          '503': unavailable,
        },
      },
    },
    ...DASHBOARD_PATHS,
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
    ...DOCS_PATHS,
  },
  components: {
    schemas: API_SCHEMAS,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    },
  },
};
