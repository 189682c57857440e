import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import swaggerUiFolder from 'swagger-ui-dist/absolute-path.js';
import type { PageAsset } from './asset-etag.ts';
import { SWAGGER_INITIALIZER } from './swagger-ui-page.ts';

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** Where an asset's body comes from: a file of the installed swagger-ui-dist, or the API itself. */
type Source = { contentType: string; packageFile: string } | { contentType: string; body: string };

// Only what the page loads: no source maps, no standalone preset (the page uses the base layout,
// without the bar that would load other documents), no index.html or OAuth2 redirect page.
const SOURCES: Readonly<Record<string, Source>> = {
  'swagger-ui.css': { contentType: CSS, packageFile: 'swagger-ui.css' },
  'index.css': { contentType: CSS, packageFile: 'index.css' },
  'swagger-ui-bundle.js': { contentType: JS, packageFile: 'swagger-ui-bundle.js' },
  'swagger-initializer.js': { contentType: JS, body: SWAGGER_INITIALIZER },
  'favicon-32x32.png': { contentType: 'image/png', packageFile: 'favicon-32x32.png' },
};

/** The names of the docs page's assets, as GET /docs/assets/{name} serves them. */
export const DOCS_ASSET_NAMES: readonly string[] = Object.keys(SOURCES);

// Each file is read once, on the first request for it, and kept: the installed package does not
// change under a running process. A failed read is not kept, so the next request tries again.
const loaded = new Map<string, Promise<PageAsset>>();

async function load(source: Source): Promise<PageAsset> {
  if ('body' in source) return { contentType: source.contentType, body: source.body };
  const body = await readFile(join(swaggerUiFolder(), source.packageFile));
  return { contentType: source.contentType, body };
}

/** The asset called `name`, or undefined when the docs page has none by that name. */
export async function docsAsset(name: string): Promise<PageAsset | undefined> {
  const source = Object.hasOwn(SOURCES, name) ? SOURCES[name] : undefined;
  if (source === undefined) return undefined;
  let asset = loaded.get(name);
  if (asset === undefined) {
    asset = load(source);
    loaded.set(name, asset);
    asset.catch(() => loaded.delete(name));
  }
  return asset;
}
