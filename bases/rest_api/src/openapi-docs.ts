import { DOCS_ASSET_NAMES } from './docs-assets.ts';
import {
  answer,
  assetNameParameter,
  correlationParameter,
  failure,
  internal,
  textAnswer,
} from './openapi-parts.ts';
import type { OpenApiDocument } from './openapi-types.ts';

/** The document's own routes in the OpenAPI document: the JSON, the Swagger UI page and its files. */
export const DOCS_PATHS: OpenApiDocument['paths'] = {
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
      summary: 'This document in Swagger UI',
      description:
        'Swagger UI, served by the app from its npm package, on GET /openapi.json: every operation, and ' +
        '"Try it out" to send a request from the page (Authorize takes the API key). Its ' +
        'Content-Security-Policy allows only the app itself (and data: images).',
      parameters: [correlationParameter],
      responses: { '200': textAnswer('The page.', ['text/html']) },
    },
  },
  '/docs/assets/{name}': {
    get: {
      operationId: 'getDocsAsset',
      summary: 'A file of the docs page',
      description:
        'Swagger UI’s stylesheet, script and icon, read from its installed package, and the page’s ' +
        'initializer; served by the app (nothing from elsewhere).',
      parameters: [correlationParameter, assetNameParameter(DOCS_ASSET_NAMES)],
      responses: {
        '200': textAnswer('The file; revalidate it (ETag) before reuse.', [
          'text/css',
          'text/javascript',
          'image/png',
        ]),
        '404': failure('The docs page has no file by this name.'),
        '500': internal,
      },
    },
  },
};
