import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BuildOptions, buildProject } from './build-project.ts';
import { readProjectManifest } from './manifest.ts';

/** Whether a project's bundle still matches its sources, and if not, why not. */
export type BundleFreshness = { fresh: true } | { fresh: false; reason: string };

/** Options of {@link ensureFreshBundle}. */
export interface FreshBundleOptions extends BuildOptions {
  /**
   * Builds the bundle when it is missing or stale, told why.
   * @default buildProject with the same options
   */
  rebuild?: (options: BuildOptions, reason: string) => Promise<unknown>;
}

/** What {@link ensureFreshBundle} found and did. */
export interface FreshBundle {
  /** The bundle, absolute. */
  outfile: string;
  /** Why it was rebuilt; undefined when it was fresh. */
  rebuilt: string | undefined;
}

const bundleOf = (options: BuildOptions): string =>
  join(options.outdir ?? join(options.root, 'projects', options.project, 'dist'), 'main.js');

// Synchronous on purpose: the check runs before every command of this workspace's own poly, and a
// hundred stat calls one after another take a fraction of what they take through the thread pool.
const mtimeOf = (path: string): number | undefined => statSync(path, { throwIfNoEntry: false })?.mtimeMs;

const changedAfter = (path: string, time: number): boolean => (mtimeOf(path) ?? 0) > time;

/** The first file under `dir` changed after `time`, or undefined. */
function changedUnder(dir: string, time: number): string | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const changed = changedUnder(path, time);
      if (changed !== undefined) return changed;
    } else if (changedAfter(path, time)) return path;
  }
  return undefined;
}

/**
 * Whether a project's bundle (`dist/main.js`) is newer than every file it is built from: the
 * project's package.json and, for each brick it ships, the brick's package.json and every file
 * under its `src/`. Changed means a later modification time, so it costs stat calls, no reads.
 */
export async function bundleFreshness(options: BuildOptions): Promise<BundleFreshness> {
  const outfile = bundleOf(options);
  const built = mtimeOf(outfile);
  if (built === undefined) return { fresh: false, reason: `${relative(options.root, outfile)} is missing` };
  const stale = (path: string): BundleFreshness => ({
    fresh: false,
    reason: `${relative(options.root, path)} changed after the bundle was built`,
  });
  const { bricks } = await readProjectManifest(
    options.root,
    options.project,
    options.namespace ?? 'mousetrap',
  );
  const brickDirs = bricks.flatMap((brick) =>
    ['components', 'bases'].map((folder) => join(options.root, folder, brick)),
  );
  const manifests = [
    join(options.root, 'projects', options.project, 'package.json'),
    ...brickDirs.map((dir) => join(dir, 'package.json')),
  ];
  for (const file of manifests) if (changedAfter(file, built)) return stale(file);
  for (const dir of brickDirs) {
    const changed = changedUnder(join(dir, 'src'), built);
    if (changed !== undefined) return stale(changed);
  }
  return { fresh: true };
}

/**
 * Rebuilds a project's bundle when it is missing or older than a source it is built from (see
 * {@link bundleFreshness}), so that what runs is what the sources say.
 */
export async function ensureFreshBundle(options: FreshBundleOptions): Promise<FreshBundle> {
  const { rebuild = buildProject, ...build } = options;
  const freshness = await bundleFreshness(build);
  if (!freshness.fresh) await rebuild(build, freshness.reason);
  return { outfile: bundleOf(build), rebuilt: freshness.fresh ? undefined : freshness.reason };
}
