import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from './manifest.ts';

/** The package.json written next to a bundle: what `npm install --omit=dev` needs to run it. */
export interface ProductionManifest {
  name: string;
  version: string;
  private: true;
  type: 'module';
  main: 'main.js';
  scripts: { start: 'node main.js' };
  engines: { node: string };
  /** Only the libraries the bundle imports, each pinned to the version in the lockfile. */
  dependencies: Record<string, string>;
}

/**
 * Reads the version of each library from package-lock.json (lockfile v2/v3), for exact pins; a
 * `not_locked` BuildError when the lockfile is missing or does not hold one of them.
 */
export async function lockedVersions(
  root: string,
  libraries: Iterable<string>,
): Promise<Record<string, string>> {
  const wanted = [...libraries].sort();
  if (wanted.length === 0) return {};
  let lock: { packages?: Record<string, { version?: string }> };
  try {
    lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8'));
  } catch (cause) {
    throw new BuildError(
      'not_locked',
      'no readable package-lock.json at the workspace root; run npm install',
      {
        cause,
      },
    );
  }
  const versions: Record<string, string> = {};
  for (const library of wanted) {
    const version = lock.packages?.[`node_modules/${library}`]?.version;
    if (version === undefined) {
      throw new BuildError('not_locked', `${library} is not in package-lock.json; run npm install`);
    }
    versions[library] = version;
  }
  return versions;
}

/**
 * The package.json of a bundle published to a registry: not private, each of its commands runs the
 * bundle, and only the bundle and its source map go in (npm adds package.json, README and LICENSE).
 */
export interface PublishedManifest {
  name: string;
  version: string;
  license?: string;
  type: 'module';
  bin: Record<string, 'main.js'>;
  files: ['main.js', 'main.js.map'];
  engines: { node: string };
  /** Only the libraries the bundle imports, each pinned to the version in the lockfile. */
  dependencies: Record<string, string>;
  /** The project's published fields (description, publishConfig and the like), as they are. */
  [field: string]: unknown;
}

/**
 * The pruned manifest of a project's bundle: its name, and the libraries the bundle really imports.
 * A project to publish (ProjectManifest's `published`) gets a {@link PublishedManifest}.
 */
export function productionManifest(
  project: {
    packageName: string;
    version: string;
    engines?: string;
    license?: string;
    bin?: string[];
    /** Set for a package to publish: ProjectManifest's `published`. */
    published?: Record<string, unknown>;
  },
  dependencies: Record<string, string>,
): ProductionManifest | PublishedManifest {
  const engines = { node: project.engines ?? '>=20.19' };
  if (project.published === undefined) {
    return {
      name: project.packageName,
      version: project.version,
      private: true,
      type: 'module',
      main: 'main.js',
      scripts: { start: 'node main.js' },
      engines,
      dependencies,
    };
  }
  const { publishConfig, ...about } = project.published;
  return {
    name: project.packageName,
    version: project.version,
    ...about,
    ...(project.license === undefined ? {} : { license: project.license }),
    type: 'module',
    bin: Object.fromEntries((project.bin ?? []).map((name) => [name, 'main.js' as const])),
    files: ['main.js', 'main.js.map'],
    engines,
    dependencies,
    publishConfig,
  };
}
