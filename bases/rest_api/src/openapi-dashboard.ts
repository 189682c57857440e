import { DASHBOARD_ASSET_NAMES } from '@mousetrap/dashboard';
import {
  answer,
  assetNameParameter,
  correlationParameter,
  failure,
  internal,
  textAnswer,
  unavailable,
} from './openapi-parts.ts';
import { schemaRef } from './openapi-schemas.ts';
import type { OpenApiDocument } from './openapi-types.ts';

/** The dashboard's routes in the OpenAPI document: its page, its live panels and its assets. */
export const DASHBOARD_PATHS: OpenApiDocument['paths'] = {
  '/dashboard': {
    get: {
      operationId: 'getDashboard',
      summary: 'The pipeline dashboard',
      description:
        'An HTML page (also served at / to browsers): start a job and watch it, recent jobs with the time ' +
        'in each stage and a Retry button for failed ones, queue depths, dead letters and consumers, ' +
        'throughput per minute, and the latest result on a world map. Its Content-Security-Policy allows ' +
        'only the app itself; it polls GET /dashboard/panels.',
      parameters: [correlationParameter],
      responses: {
        '200': textAnswer('The page.', ['text/html']),
        '500': internal,
        '503': unavailable,
      },
    },
  },
  '/dashboard/panels': {
    get: {
      operationId: 'getDashboardPanels',
      summary: 'The dashboard’s live panels',
      description:
        'Each panel of the page (map, queues, activity, jobs) rendered as HTML from one fresh read of the ' +
        'store and the broker; a broker that does not answer only blanks the queue counts.',
      parameters: [correlationParameter],
      responses: {
        '200': answer('The panels and when they were read.', schemaRef('DashboardPanels')),
        '500': internal,
        '503': unavailable,
      },
    },
  },
  '/dashboard/assets/{name}': {
    get: {
      operationId: 'getDashboardAsset',
      summary: 'A file of the dashboard',
      description: 'The page’s stylesheet, script and world map, served by the app (nothing from elsewhere).',
      parameters: [correlationParameter, assetNameParameter(DASHBOARD_ASSET_NAMES)],
      responses: {
        '200': textAnswer('The file; revalidate it (ETag) before reuse.', [
          'text/css',
          'text/javascript',
          'image/svg+xml',
        ]),
        '404': failure('The dashboard has no file by this name.'),
      },
    },
  },
};
