import type { Workspace } from '@mousetrap/workspace_model';
import { brickFiles, INITIAL_VERSION } from './brick-files.ts';
import { assertNewName } from './name-clash.ts';
import type { Plan, PlannedFile } from './plan.ts';
import { readmeEntry } from './readme-entry.ts';
import {
  addDependencies,
  type Registration,
  registerTypeScript,
  registerWorkspace,
  withRegistrations,
} from './registration.ts';

/** What `poly create component|base` is asked for. */
export interface CreateBrickOptions {
  kind: 'component' | 'base';
  /** snake_case, unique across components, bases and projects. */
  name: string;
  /**
   * One line on what the brick is for, written to its package.json and its README line.
   * @default '' — left empty rather than invented, so nothing reads as finished that is not.
   */
  description?: string;
}

/**
 * The plan of a new component or base: its package.json, `src/index.ts`, one source file and its
 * test (a base also gets `src/main.ts`), the development project's dependency on it, the root
 * workspaces and tsconfig include if their patterns miss it, and its README line.
 */
export function planCreateBrick(ws: Workspace, options: CreateBrickOptions): Plan {
  const { folders, namespace } = ws.config;
  assertNewName(ws, options.name, options.kind);
  const description = options.description ?? '';
  const dir = `${options.kind === 'component' ? folders.components : folders.bases}/${options.name}`;
  const files: PlannedFile[] = Object.entries(
    brickFiles({ kind: options.kind, name: options.name, namespace, description }),
  ).map(([path, content]) => ({ path: `${dir}/${path}`, action: 'create', content }));
  const development = ws.development?.dir ?? folders.development;
  const registrations: Registration[] = [
    addDependencies(ws.root, `${development}/package.json`, {
      [`@${namespace}/${options.name}`]: INITIAL_VERSION,
    }),
    registerWorkspace(ws.root, dir),
    registerTypeScript(ws.root, dir),
    readmeEntry(ws, {
      folder: options.kind === 'component' ? folders.components : folders.bases,
      name: options.name,
      description,
    }),
  ];
  return withRegistrations(files, registrations);
}
