import { runInNewContext } from 'node:vm';
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

  test('GET /docs answers the Swagger UI page: scripts and styles from docs/assets only, nothing inline, nothing from elsewhere', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/docs`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain(`<title>${openApiDocument.info.title}</title>`);
    expect(html).toContain('<div id="swagger-ui">');
    // The bundle defines SwaggerUIBundle, which the initializer calls: both deferred, in this order.
    const scripts = [...html.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes)).toEqual([
      ' src="docs/assets/swagger-ui-bundle.js" defer',
      ' src="docs/assets/swagger-initializer.js" defer',
    ]);
    expect(scripts.map(([, , body]) => body)).toEqual(['', '']);
    expect(html).not.toMatch(/<style|style=|\son\w+=|javascript:|https?:\/\//i);
    const links = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, link]) => link);
    for (const link of links) expect(link).toMatch(/^(docs\/assets\/[\w.-]+|openapi\.json)$/);
    for (const link of links) {
      const linked = await fetch(new URL(link ?? '', `${api.url}/docs`));
      expect([link, linked.status]).toEqual([link, 200]);
    }
  });

  test('the initializer points Swagger UI at openapi.json beside the page, with no validator and no ?url= from the address bar', async () => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/docs/assets/swagger-initializer.js`);
    // The script runs here as in the browser, with only the one global the bundle would define.
    const sandbox = {
      window: {} as { ui?: Record<string, unknown> },
      document: { baseURI: `${api.url}/docs` },
      URL,
      SwaggerUIBundle: Object.assign((config: Record<string, unknown>) => config, {
        presets: { apis: 'apis' },
      }),
    };
    runInNewContext(await response.text(), sandbox);
    expect(sandbox.window.ui).toEqual({
      url: `${api.url}/openapi.json`,
      dom_id: '#swagger-ui',
      layout: 'BaseLayout',
      presets: ['apis'],
      deepLinking: true,
      displayRequestDuration: true,
      validatorUrl: null,
      queryConfigEnabled: false,
      persistAuthorization: false,
    });
    const document = await fetch(String(sandbox.window.ui?.url));
    expect(document.status).toBe(200);
    expect(((await document.json()) as OpenApiDocument).info.title).toBe(openApiDocument.info.title);
  });
});
