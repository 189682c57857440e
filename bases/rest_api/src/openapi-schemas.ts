import { ERROR_STATUS } from './errors.ts';
import type { SchemaObject } from './openapi-types.ts';

/** A reference to one of {@link API_SCHEMAS} by name. */
export const schemaRef = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });

const place: SchemaObject = {
  type: 'array',
  description: '[latitude, longitude, place, country code, time zone], all strings.',
  prefixItems: [
    { type: 'string' },
    { type: 'string' },
    { type: 'string' },
    { type: 'string' },
    { type: 'string' },
  ],
  minItems: 5,
  maxItems: 5,
};

const timestamp = (when: string): SchemaObject => ({
  type: ['string', 'null'],
  format: 'date-time',
  description: `When the job ${when}; null until then.`,
});

/** The JSON Schemas of the API's bodies, the error body first; the OpenAPI document refers to them. */
export const API_SCHEMAS: Readonly<Record<string, SchemaObject>> = {
  Error: {
    type: 'object',
    required: ['error', 'message', 'status', 'correlation_id'],
    properties: {
      error: { type: 'string', enum: Object.keys(ERROR_STATUS), description: 'A short code.' },
      message: { type: 'string', description: 'What went wrong, for people.' },
      status: { type: 'integer', description: 'The HTTP status, repeated.' },
      correlation_id: { type: 'string', description: 'As in the X-Correlation-ID header.' },
    },
  },
  Accepted: {
    type: 'object',
    required: ['status', 'job_id'],
    properties: { status: { const: 'ok' }, job_id: { type: 'string', format: 'uuid' } },
  },
  Summary: {
    type: 'object',
    required: ['centroid', 'most_northerly'],
    properties: {
      centroid: {
        type: 'array',
        description: '[mean latitude, mean longitude].',
        prefixItems: [{ type: 'number' }, { type: 'number' }],
        minItems: 2,
        maxItems: 2,
      },
      most_northerly: place,
    },
  },
  DashboardPanels: {
    type: 'object',
    required: ['generated_at', 'panels'],
    properties: {
      generated_at: {
        type: 'string',
        format: 'date-time',
        description: 'When the store and broker were read.',
      },
      panels: {
        type: 'object',
        description: 'The inner HTML of each panel of the page, escaped by the app.',
        required: ['map', 'queues', 'activity', 'jobs'],
        additionalProperties: { type: 'string' },
      },
    },
  },
  LatestResult: { oneOf: [schemaRef('Summary'), { type: 'object', maxProperties: 0 }] },
  Job: {
    type: 'object',
    required: ['id', 'status', 'correlation_id', 'attempts', 'redrives', 'created_at'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: { enum: ['queued', 'fetching', 'processing', 'done', 'failed'] },
      correlation_id: { type: 'string' },
      idempotency_key: { type: ['string', 'null'] },
      attempts: { type: 'integer' },
      redrives: {
        type: 'integer',
        description:
          'How often the job was re-driven after it made no progress within its stage’s time budget.',
      },
      error: { type: ['string', 'null'], description: 'Why the job failed.' },
      created_at: { type: 'string', format: 'date-time' },
      published_at: timestamp('was handed to the fetch worker'),
      fetching_at: timestamp('started fetching'),
      processing_at: timestamp('started processing'),
      done_at: timestamp('finished'),
      failed_at: timestamp('failed'),
      result: {
        type: 'object',
        description: 'Present when the job is done: its summary, in the shape GET / answers.',
        required: ['centroid', 'most_northerly'],
        properties: {
          centroid: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
          most_northerly: { type: 'array', items: { type: 'string' }, minItems: 5, maxItems: 5 },
        },
      },
    },
  },
  Health: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
  Readiness: {
    type: 'object',
    required: ['status', 'checks'],
    properties: {
      status: { enum: ['ready', 'not_ready'] },
      checks: {
        type: 'object',
        description: '"ok", or why the check failed.',
        properties: { database: { type: 'string' }, broker: { type: 'string' } },
      },
    },
  },
};
