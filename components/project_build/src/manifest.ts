import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The fields of a project's package.json that a published package carries over as they are: what
 * a registry shows and how it publishes.
 */
export const PUBLISHED_FIELDS = [
  'description',
  'keywords',
  'homepage',
  'bugs',
  'repository',
  'author',
  'publishConfig',
] as const;

/** A project's package.json as the build reads it: the bricks and the libraries it ships. */
export interface ProjectManifest {
  name: string;
  /** The `name` and `version` in its package.json. */
  packageName: string;
  version: string;
  /** Brick names (without the namespace) the project ships. */
  bricks: string[];
  /** Library names the project ships, kept external in the bundle. */
  libraries: string[];
  /** The commands its package.json `bin` names: each runs the bundle once published. */
  bin: string[];
  /** `engines.node` of the project's package.json, else of the root's. */
  engines?: string;
  /** The project's `license`, else the root's. */
  license?: string;
  /**
   * Set when the project is a package to publish, which its package.json says with a
   * `publishConfig`: the {@link PUBLISHED_FIELDS} it has, as they are.
   */
  published?: Partial<Record<(typeof PUBLISHED_FIELDS)[number], unknown>>;
}

/**
 * Why a build failed: `unknown_project`, `no_base` (not exactly one base with src/main.ts),
 * `unlisted_import` (the bundle imports a brick or library the project does not list),
 * `bundle_failed` (esbuild failed otherwise) or `not_locked` (package-lock.json is missing or lacks a
 * library the bundle imports).
 */
export type BuildErrorCode =
  | 'unknown_project'
  | 'no_base'
  | 'unlisted_import'
  | 'bundle_failed'
  | 'not_locked';

/** A failed build; callers branch on `code`. */
export class BuildError extends Error {
  override readonly name = 'BuildError';
  constructor(
    readonly code: BuildErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface PackageJson {
  name?: string;
  version?: string;
  license?: string;
  engines?: { node?: string };
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

const readPackageJson = async (path: string): Promise<PackageJson | undefined> =>
  JSON.parse(await readFile(path, 'utf8').catch(() => 'null')) ?? undefined;

/** Reads `projects/<project>/package.json` and splits its dependencies into bricks and libraries. */
export async function readProjectManifest(
  root: string,
  project: string,
  namespace: string,
): Promise<ProjectManifest> {
  let text: string;
  try {
    text = await readFile(join(root, 'projects', project, 'package.json'), 'utf8');
  } catch (cause) {
    throw new BuildError('unknown_project', `no project "${project}" (projects/${project}/package.json)`, {
      cause,
    });
  }
  const json = JSON.parse(text) as PackageJson;
  const rootJson = await readPackageJson(join(root, 'package.json'));
  const dependencies = Object.keys(json.dependencies ?? {});
  const prefix = `@${namespace}/`;
  // A bin given as one path is named after the package, as npm names it.
  const packageName = json.name ?? `${prefix}${project}`;
  const bin =
    typeof json.bin === 'string' ? [packageName.split('/').at(-1) as string] : Object.keys(json.bin ?? {});
  const engines = json.engines?.node ?? rootJson?.engines?.node;
  const license = json.license ?? rootJson?.license;
  const published =
    json.publishConfig === undefined
      ? undefined
      : Object.fromEntries(
          PUBLISHED_FIELDS.filter((field) => json[field] !== undefined).map((f) => [f, json[f]]),
        );
  return {
    name: project,
    packageName,
    version: json.version ?? '0.0.0',
    bricks: dependencies.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)),
    libraries: dependencies.filter((name) => !name.startsWith(prefix)),
    bin,
    ...(engines === undefined ? {} : { engines }),
    ...(license === undefined ? {} : { license }),
    ...(published === undefined ? {} : { published }),
  };
}
