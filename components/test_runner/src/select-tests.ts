import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeImpact } from '@mousetrap/change_impact';
import type { Project, Workspace } from '@mousetrap/workspace_model';
import { TestRunError } from './errors.ts';

/** Why a folder's tests run: its brick changed, was affected, ships in a chosen project, `--all`, or `--brick`. */
export type TestReason = 'changed' | 'affected' | 'project' | 'all' | 'named';

/** One folder handed to jest. */
export interface TestTarget {
  /** The brick, or the project whose own `test/` folder this is (`development`). */
  name: string;
  /** The folder, relative to the root: a brick's folder, or a project's `test/` folder. */
  dir: string;
  reason: TestReason;
}

/** What to test instead of the changed and affected bricks. */
export interface SelectOptions {
  /** Every brick with tests, and the projects' own tests. */
  all?: boolean;
  /** Every brick these projects ship (folder names or aliases), and their own tests. */
  projects?: string[];
  /** Just these bricks. */
  bricks?: string[];
}

/** The chosen folders, components first, then bases (each by name), then projects' own tests. */
export interface TestSelection {
  targets: TestTarget[];
}

const testFile = /\.test\.[cm]?[jt]sx?$/;

/** True when `<root>/<dir>/test` holds at least one test file, at any depth. */
function hasTests(root: string, dir: string): boolean {
  const folder = join(root, dir, 'test');
  if (!existsSync(folder)) return false;
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).some((file) => testFile.test(file));
}

/** The deployable projects, then the development project. */
const allProjects = (ws: Workspace): Project[] =>
  ws.development === undefined ? ws.projects : [...ws.projects, ws.development];

function findProject(ws: Workspace, name: string): Project {
  const project = allProjects(ws).find((candidate) => candidate.name === name || candidate.alias === name);
  if (project === undefined) throw new TestRunError('unknown_project', `no project named "${name}"`);
  return project;
}

function checkBrick(ws: Workspace, name: string): void {
  if (!ws.bricks.some((brick) => brick.name === name)) {
    throw new TestRunError('unknown_brick', `no brick named "${name}"`);
  }
}

const names = (items: readonly { name: string }[]) => items.map((item) => item.name);

/** The reason each brick and project is tested for (the first one given wins), before folders without tests are dropped. */
function reasons(ws: Workspace, impact: ChangeImpact, options: SelectOptions) {
  const bricks = new Map<string, TestReason>();
  const projects = new Map<string, TestReason>();
  const add = (map: Map<string, TestReason>, list: readonly string[], reason: TestReason) => {
    for (const name of list) if (!map.has(name)) map.set(name, reason);
  };
  if (options.all === true) {
    add(bricks, names(ws.bricks), 'all');
    add(projects, names(allProjects(ws)), 'all');
  } else if (options.bricks !== undefined || options.projects !== undefined) {
    const chosen = (options.projects ?? []).map((name) => findProject(ws, name));
    for (const name of options.bricks ?? []) checkBrick(ws, name);
    add(bricks, options.bricks ?? [], 'named');
    add(projects, names(chosen), 'named');
    for (const project of chosen) add(bricks, project.bricks, 'project');
  } else {
    add(bricks, impact.changedBricks, 'changed');
    add(bricks, impact.affectedBricks, 'affected');
    add(projects, impact.changedProjects, 'changed');
    add(projects, impact.affectedProjects, 'affected');
    // An affected project's other bricks are unchanged and import nothing changed, so their
    // tests cannot have changed outcome; a changed project (its manifest) can change any of them.
    for (const name of impact.changedProjects) add(bricks, findProject(ws, name).bricks, 'project');
  }
  return { bricks, projects };
}

/**
 * Chooses the folders `poly test` runs: by default the changed and affected bricks, every brick
 * a changed project ships, and the own tests of changed and affected projects (development's
 * end-to-end tests); `--all`, `--project` or `--brick` choose instead. Folders without a test
 * file are left out, so an empty list means there is nothing to run.
 */
export function selectTests(ws: Workspace, impact: ChangeImpact, options: SelectOptions = {}): TestSelection {
  const { bricks, projects } = reasons(ws, impact, options);
  const targets: TestTarget[] = [];
  for (const brick of ws.bricks) {
    const reason = bricks.get(brick.name);
    if (reason !== undefined && hasTests(ws.root, brick.dir)) {
      targets.push({ name: brick.name, dir: brick.dir, reason });
    }
  }
  for (const project of allProjects(ws)) {
    const reason = projects.get(project.name);
    if (reason !== undefined && hasTests(ws.root, project.dir)) {
      targets.push({ name: project.name, dir: `${project.dir}/test`, reason });
    }
  }
  return { targets };
}
