import type { Workspace } from '@mousetrap/workspace_model';

/** Where a changed file lives, as far as change detection cares. */
export type FileLocation =
  /** Inside a brick's folder (`components/<b>/…`, `bases/<b>/…`). */
  | { kind: 'brick'; brick: string }
  /** Inside a project's folder (`projects/<p>/…`, or `development/…`). */
  | { kind: 'project'; project: string }
  /** A root file every brick depends on (manifests, lockfile, TypeScript and jest config). */
  | { kind: 'workspace' }
  /** Anything else: docs, CI scripts, root files that change no brick's behaviour. */
  | { kind: 'other' };

/**
 * Root files whose change can alter any brick's build or tests: npm's manifest, lockfile and
 * settings, workspace.json, TypeScript config, and jest's config with the files it names
 * (`jest-summary-reporter.cjs`, a setup file), swc and Node version pins.
 */
const workspaceFile =
  /^(package\.json|package-lock\.json|npm-shrinkwrap\.json|\.npmrc|\.nvmrc|\.node-version|workspace\.json|tsconfig(\..+)?\.json|jest[.-].+|\.swcrc)$/;

/** Maps a path relative to the workspace root to the brick, project or kind of root file it belongs to. */
export function locateFile(ws: Workspace, file: string): FileLocation {
  for (const brick of ws.bricks)
    if (file.startsWith(`${brick.dir}/`)) return { kind: 'brick', brick: brick.name };
  const projects = ws.development === undefined ? ws.projects : [...ws.projects, ws.development];
  for (const project of projects) {
    if (file.startsWith(`${project.dir}/`)) return { kind: 'project', project: project.name };
  }
  if (!file.includes('/') && workspaceFile.test(file)) return { kind: 'workspace' };
  return { kind: 'other' };
}
