import { createHash } from 'node:crypto';

/** A file a page of the API loads, served by the app itself. */
export interface PageAsset {
  contentType: string;
  body: string | Buffer;
}

// The app generates no ETags (its other answers are no-store); an asset's never changes while the
// process runs, so it is hashed once. Express answers 304 itself when If-None-Match matches it.
const tags = new WeakMap<PageAsset, string>();

/** The strong ETag of an asset: a hash of its body, computed once per asset. */
export function etagOf(asset: PageAsset): string {
  let tag = tags.get(asset);
  if (tag === undefined) {
    tag = `"${createHash('sha256').update(asset.body).digest('base64url')}"`;
    tags.set(asset, tag);
  }
  return tag;
}
