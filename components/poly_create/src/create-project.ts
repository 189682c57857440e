import { compareText, type Workspace } from '@mousetrap/workspace_model';
import { INITIAL_VERSION } from './brick-files.ts';
import { PolyCreateError } from './errors.ts';
import { formatPackageJson, formatWorkspaceJson, isObject, readJsonFile, sortKeys } from './json-file.ts';
import { assertNewName } from './name-clash.ts';
import type { Plan, PlannedFile } from './plan.ts';
import { readmeEntry } from './readme-entry.ts';
import { type Registration, registerWorkspace, withRegistrations } from './registration.ts';
import { brickVersion, runtimeNeeds } from './runtime-needs.ts';

/** What `poly create project` is asked for. */
export interface CreateProjectOptions {
  /** snake_case, unique across components, bases and projects. */
  name: string;
  /** A base to ship, with every brick and library it needs at run time. */
  base?: string;
  /** One line on what the project deploys. @default '' — left empty rather than invented. */
  description?: string;
}

/**
 * The plan of a new project: `projects/<name>/package.json` (with `base`: that base, the bricks
 * it reaches at run time and the libraries they import, at the versions the bricks list), its
 * entry in workspace.json, the root workspaces if their patterns miss it, and its README line.
 */
export function planCreateProject(ws: Workspace, options: CreateProjectOptions): Plan {
  const { folders, namespace } = ws.config;
  assertNewName(ws, options.name, 'project');
  const dir = `${folders.projects}/${options.name}`;
  const notes: string[] = [];
  const dependencies: Record<string, string> = {};
  if (options.base === undefined) {
    notes.push(`${dir} ships no base yet: list one in its package.json, then run poly sync`);
  } else {
    assertBase(ws, options.base);
    const needs = runtimeNeeds(ws, [options.base]);
    for (const brick of needs.bricks) dependencies[`@${namespace}/${brick}`] = brickVersion(ws, brick);
    Object.assign(dependencies, needs.libraries);
    notes.push(...needs.notes.map((note) => `${dir}: ${note}`));
  }
  const manifest: PlannedFile = {
    path: `${dir}/package.json`,
    action: 'create',
    content: formatPackageJson({
      name: `@${namespace}/${options.name}`,
      version: INITIAL_VERSION,
      private: true,
      description: options.description ?? '',
      type: 'module',
      main: 'dist/main.js',
      scripts: { start: 'node dist/main.js' },
      dependencies: sortKeys(dependencies),
    }),
  };
  const registrations: Registration[] = [
    registerProject(ws, options.name),
    registerWorkspace(ws.root, dir),
    readmeEntry(ws, { folder: folders.projects, name: options.name, description: options.description ?? '' }),
    ...notes.map((note) => ({ note })),
  ];
  return withRegistrations([manifest], registrations);
}

function assertBase(ws: Workspace, name: string): void {
  const brick = ws.bricks.find((candidate) => candidate.name === name);
  if (brick?.kind === 'base') return;
  const bases = ws.bricks.filter((candidate) => candidate.kind === 'base').map((candidate) => candidate.name);
  const known = bases.length === 0 ? 'the workspace has no bases' : `the bases are ${bases.join(', ')}`;
  const what = brick ? `${name} is a ${brick.kind}, not a base` : `there is no base named ${name}`;
  throw new PolyCreateError('unknown_base', `${what}: ${known}`);
}

/** workspace.json with the project added to `projects`, everything else as it was. */
function registerProject(ws: Workspace, name: string): Registration {
  const file = readJsonFile(ws.root, 'workspace.json');
  if (!file) return { note: `workspace.json not found: add ${name} to its projects by hand` };
  const projects = isObject(file.value.projects) ? file.value.projects : {};
  const names = Object.keys(projects);
  const sorted = names.every(
    (current, index) => index === 0 || compareText(names[index - 1] as string, current) <= 0,
  );
  // Sorted stays sorted; an order someone chose by hand is kept, the new project goes last.
  const added = sorted ? sortKeys({ ...projects, [name]: {} }) : { ...projects, [name]: {} };
  const updated = { ...file.value, projects: added };
  const content = formatWorkspaceJson(updated, file.text);
  return { file: { path: 'workspace.json', action: 'update', content, previous: file.text } };
}
