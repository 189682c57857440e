import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadWorkspace, type Workspace } from '@mousetrap/workspace_model';
import { applyPlan } from '../src/apply-plan.ts';
import { planCreateBrick } from '../src/create-brick.ts';
import { planCreateWorkspace, REQUIRED_TOOLCHAIN } from '../src/create-workspace.ts';

/** This repository's root: the toolchain versions and node_modules the generated workspaces use. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The versions of the required tools, as this repository's root package.json lists them. */
export const TOOLCHAIN: Record<string, string> = Object.fromEntries(
  Object.entries(
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies as Record<
      string,
      string
    >,
  ).filter(([name]) => REQUIRED_TOOLCHAIN.includes(name)),
);

/** Temp folders made by a test file, removed by {@link removeTempDirs} in its afterEach. */
const made: string[] = [];

/** A new empty temp folder. */
export function tempDir(prefix = 'poly-create-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every temp folder made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A workspace made by `poly create workspace` in a temp folder; returns its root. */
export async function newWorkspace(name = 'acme'): Promise<string> {
  const root = tempDir();
  await applyPlan(root, planCreateWorkspace({ dir: root, name, toolchain: TOOLCHAIN }));
  return root;
}

/** The workspace model of `root`, read afresh. */
export const load = (root: string): Promise<Workspace> => loadWorkspace(root);

/** Creates a component or a base in the workspace at `root`, as `poly create` does. */
export async function addBrick(
  root: string,
  kind: 'component' | 'base',
  name: string,
  description?: string,
): Promise<void> {
  const plan = planCreateBrick(await load(root), { kind, name, ...(description ? { description } : {}) });
  await applyPlan(root, plan);
}

/** A file's text, relative to the root. */
export const read = (root: string, path: string): string => readFileSync(join(root, path), 'utf8');

/** A JSON file, relative to the root. */
export const readJson = (root: string, path: string): Record<string, unknown> => JSON.parse(read(root, path));

/** Writes a file relative to the root, making its folder. */
export function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Every file under `root` with its content, for "nothing was written" assertions. */
export function snapshot(root: string, dir = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(root, dir)).sort()) {
    const path = dir === '' ? entry : `${dir}/${entry}`;
    if (statSync(join(root, path)).isDirectory()) Object.assign(files, snapshot(root, path));
    else files[path] = read(root, path);
  }
  return files;
}

/**
 * Base http_api imports geo_cache at run time (which lists lru-cache), shapes only as a type,
 * and clock and supertest only in its tests; geo_cache is at version 0.2.0.
 */
export async function geoWorkspace(): Promise<string> {
  const root = await newWorkspace();
  for (const name of ['geo_cache', 'clock', 'shapes']) await addBrick(root, 'component', name);
  await addBrick(root, 'base', 'http_api', 'the HTTP API');
  const geo = readJson(root, 'components/geo_cache/package.json');
  write(
    root,
    'components/geo_cache/package.json',
    JSON.stringify({ ...geo, version: '0.2.0', dependencies: { 'lru-cache': '^11.0.0' } }),
  );
  write(
    root,
    'components/geo_cache/src/cache.ts',
    "import { LRUCache } from 'lru-cache';\nexport { LRUCache };\n",
  );
  write(
    root,
    'bases/http_api/src/wiring.ts',
    [
      "import { describeGeoCache } from '@acme/geo_cache';",
      "import type { describeShapes } from '@acme/shapes';",
      'export const wired = (): ReturnType<typeof describeShapes> | undefined => (describeGeoCache() ? undefined : undefined);',
      '',
    ].join('\n'),
  );
  write(
    root,
    'bases/http_api/test/wiring.test.ts',
    "import { describeClock } from '@acme/clock';\nimport request from 'supertest';\nvoid describeClock;\nvoid request;\n",
  );
  return root;
}
