import { describeWithServices } from '@mousetrap/test_kit';
import { openApiDocument } from '../src/openapi.ts';
import type { OpenApiDocument } from '../src/openapi-types.ts';
import { ROUTES } from '../src/routes.ts';
import { type ServedApi, useApiSuite } from './harness.ts';

/** `/jobs/:id` as OpenAPI writes it: `/jobs/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('rest_api OpenAPI document', () => {
  test('describes every route of the routes table, and nothing else', () => {
    const routed = ROUTES.map((route) => `${route.method} ${openApiPath(route.path)}`).sort();
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(routed);
  });

  test('every $ref points at a schema the document defines', () => {
    const refs = [...JSON.stringify(openApiDocument).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(Object.keys(openApiDocument.components.schemas)).toContain(ref?.split('/').pop());
    }
  });
});

describeWithServices('rest_api GET /openapi.json and GET /docs', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'api');
  let api: ServedApi | undefined;

  test('GET /openapi.json answers the OpenAPI 3.1 document with every route path and the error schema', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/openapi.json`);
    const document = (await response.json()) as OpenApiDocument;
    expect(response.status).toBe(200);
    expect(document.openapi).toBe('3.1.0');
    for (const route of ROUTES) expect(document.paths[openApiPath(route.path)]).toHaveProperty(route.method);
    expect(document.components.schemas.Error).toMatchObject({
      required: ['error', 'message', 'status', 'correlation_id'],
    });
  });

  test('GET /docs answers a self-contained HTML page naming every path, method and response', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/docs`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const route of ROUTES) {
      expect(html).toContain(`<code>${openApiPath(route.path)}</code>`);
      expect(html).toContain(`>${route.method.toUpperCase()}</span>`);
    }
    for (const header of [
      'Idempotency-Key',
      'X-Correlation-ID',
      'Retry-After',
      'Location',
      'WWW-Authenticate',
    ]) {
      expect(html).toContain(header);
    }
    expect(html).toContain('<code>403</code>');
    expect(html).toContain('<code>413</code>');
    expect(html).toContain('correlation_id');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
  });
});
