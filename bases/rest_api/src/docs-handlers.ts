import { etagOf } from './asset-etag.ts';
import { docsAsset } from './docs-assets.ts';
import { HttpError } from './errors.ts';
import type { Handler } from './handlers.ts';
import { openApiDocument } from './openapi.ts';
import { DOCS_CONTENT_SECURITY_POLICY, renderSwaggerUiPage } from './swagger-ui-page.ts';

const page = renderSwaggerUiPage(openApiDocument.info.title);

/** GET /openapi.json: the OpenAPI document. */
export const showOpenApi: Handler = (_deps, _req, res) => {
  res.json(openApiDocument);
};

/** GET /docs: Swagger UI on GET /openapi.json, under its own policy: everything from the app only. */
export const showDocs: Handler = (_deps, _req, res) => {
  res.set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY).type('html').send(page);
};

/** GET /docs/assets/:name: Swagger UI's files and the page's initializer; revalidated by ETag. */
export const showDocsAsset: Handler = async (_deps, req, res) => {
  const name = String(req.params.name);
  const asset = await docsAsset(name);
  if (!asset) throw new HttpError('not_found', `the docs page has no asset ${name}`);
  res
    .set({ 'Cache-Control': 'no-cache', ETag: etagOf(asset) })
    .type(asset.contentType)
    .send(asset.body);
};
