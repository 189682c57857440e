#!/usr/bin/env node
// The `poly` bin. It runs the poly project's bundle (dist/main.js), which starts in about half the
// time of compiling the TypeScript on the fly. When the bundle is missing or older than any source
// file of the bricks it ships (right after npm install, or after an edit), it first rebuilds it
// with `poly build poly` (project_build, through tsx), so what runs always matches the source.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const project = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(project, '..', '..');
const bundle = join(project, 'dist', 'main.js');

function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  const sources = [join(project, 'package.json')];
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!name.startsWith('@mousetrap/')) continue;
    const brick = name.slice('@mousetrap/'.length);
    for (const folder of ['components', 'bases']) {
      try {
        sources.push(join(root, folder, brick, 'src'));
        statSync(sources.at(-1));
      } catch {
        sources.pop();
      }
    }
  }
  return sources.every(
    (path) => (statSync(path).isDirectory() ? newestChange(path) : statSync(path).mtimeMs) <= built,
  );
}

if (!bundleIsFresh()) {
  const { register } = await import('tsx/esm/api');
  register();
  const { buildProject } = await import('@mousetrap/project_build');
  await buildProject({ root, project: 'poly' });
}
await import(pathToFileURL(bundle).href);
