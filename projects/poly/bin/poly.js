#!/usr/bin/env node
// This workspace's own `poly`: poly_cli's launchFromSource rebuilds the bundle when it is missing
// or older than a source it ships, then runs it. The bundle lends the launcher; before the first
// build, tsx loads it from source. The package published from dist/ (`poly build poly`) has the
// bundle itself as its bin.
let poly = await import('../dist/main.js').catch(() => ({}));
if (typeof poly.launchFromSource !== 'function') {
  (await import('tsx/esm/api')).register();
  poly = await import('@mousetrap/poly_cli');
}
await poly.launchFromSource(new URL('..', import.meta.url));
