import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithServices } from '@mousetrap/test_kit';
import swaggerUiFolder from 'swagger-ui-dist/absolute-path.js';
import { DOCS_ASSET_NAMES } from '../src/docs-assets.ts';
import { SWAGGER_INITIALIZER } from '../src/swagger-ui-page.ts';
import { expectErrorBody, type ServedApi, useApiSuite } from './harness.ts';

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** Each asset, its content type, and the bytes it must be: the installed package's file, or the API's own script. */
const ASSETS: [name: string, contentType: string, body: () => Promise<Buffer>][] = [
  ['swagger-ui.css', CSS, () => readFile(join(swaggerUiFolder(), 'swagger-ui.css'))],
  ['index.css', CSS, () => readFile(join(swaggerUiFolder(), 'index.css'))],
  ['swagger-ui-bundle.js', JS, () => readFile(join(swaggerUiFolder(), 'swagger-ui-bundle.js'))],
  ['swagger-initializer.js', JS, async () => Buffer.from(SWAGGER_INITIALIZER)],
  ['favicon-32x32.png', 'image/png', () => readFile(join(swaggerUiFolder(), 'favicon-32x32.png'))],
];

describeWithServices('rest_api GET /docs/assets/:name', ['postgres'], ({ databaseUrl }) => {
  const suite = useApiSuite(databaseUrl, 'apidocs');
  let api: ServedApi | undefined;

  test('serves exactly the files the table lists, and the document names them all', () => {
    expect(ASSETS.map(([name]) => name).sort()).toEqual([...DOCS_ASSET_NAMES].sort());
  });

  test.each(ASSETS)(
    '%s answers the file with content type %s, a strong ETag and no-cache; with that ETag, 304 and no body',
    async (name, contentType, body) => {
      api = await suite.serve();
      const response = await fetch(`${api.url}/docs/assets/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const etag = response.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]{43}"$/);
      expect(Buffer.from(await response.arrayBuffer()).equals(await body())).toBe(true);

      // fetch() adds Cache-Control: no-cache to a conditional request unless one is given.
      const again = await fetch(`${api.url}/docs/assets/${name}`, {
        headers: { 'If-None-Match': etag ?? '', 'Cache-Control': 'max-age=0' },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    },
  );

  test.each([
    'nothing.js',
    'swagger-ui-bundle.js.map',
    'swagger-ui-standalone-preset.js',
    'index.html',
    'oauth2-redirect.html',
    'package.json',
    '..%2Fpackage.json',
    '..%2F..%2F..%2Fpackage.json',
  ])('%s, a file the page does not load, answers 404 with an Error body', async (name) => {
    api = await suite.serve();
    const response = await fetch(`${api.url}/docs/assets/${name}`);
    expect(response.status).toBe(404);
    expectErrorBody(await response.json(), response, 'not_found');
  });
});
