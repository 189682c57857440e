import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

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
  const json = JSON.parse(text) as { name?: string; version?: string; dependencies?: Record<string, string> };
  const dependencies = Object.keys(json.dependencies ?? {});
  const prefix = `@${namespace}/`;
  return {
    name: project,
    packageName: json.name ?? `${prefix}${project}`,
    version: json.version ?? '0.0.0',
    bricks: dependencies.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)),
    libraries: dependencies.filter((name) => !name.startsWith(prefix)),
  };
}
