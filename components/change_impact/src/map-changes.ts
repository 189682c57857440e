import { affectedBricks, type Project, type Workspace } from '@mousetrap/workspace_model';
import { locateFile } from './locate-file.ts';

/** What a set of changed files means for the workspace. Every list is sorted by name. */
export interface ChangeImpact {
  /** Bricks with a changed file in their folder. */
  changedBricks: string[];
  /** Bricks that import a changed brick, directly or transitively, and did not change themselves. */
  affectedBricks: string[];
  /** Projects with a changed file in their folder (`development` for `development/`). */
  changedProjects: string[];
  /** Projects that ship a changed or affected brick and did not change themselves. */
  affectedProjects: string[];
  /** Changed root files that affect everything (package.json, lockfile, tsconfig, jest config…). */
  workspaceFiles: string[];
  /** Changed files that belong to no brick or project and affect nothing (docs, CI scripts). */
  otherFiles: string[];
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/**
 * Maps changed files (relative to the root) to changed bricks and projects, then follows
 * dependents transitively: a brick importing an affected brick is affected, and a project
 * shipping any of them is affected. A changed workspace file (the lockfile, tsconfig…) affects
 * every brick and project.
 */
export function mapChanges(ws: Workspace, files: readonly string[]): ChangeImpact {
  const changedBricks = new Set<string>();
  const changedProjects = new Set<string>();
  const workspaceFiles: string[] = [];
  const otherFiles: string[] = [];
  for (const file of files) {
    const location = locateFile(ws, file);
    if (location.kind === 'brick') changedBricks.add(location.brick);
    else if (location.kind === 'project') changedProjects.add(location.project);
    else if (location.kind === 'workspace') workspaceFiles.push(file);
    else otherFiles.push(file);
  }
  const everything = workspaceFiles.length > 0;
  const reached = everything
    ? ws.bricks.map((brick) => brick.name)
    : affectedBricks(ws, sorted(changedBricks));
  const reachedSet = new Set(reached);
  const ships = (project: Project) => everything || project.bricks.some((brick) => reachedSet.has(brick));
  const shipping = new Set(ws.projects.filter(ships).map((project) => project.name));
  // The development project ships every brick; it is affected like any project, which is what
  // makes its own end-to-end tests run.
  const development = ws.development;
  if (development !== undefined && ships(development)) shipping.add(development.name);
  return {
    changedBricks: sorted(changedBricks),
    affectedBricks: sorted(reached.filter((brick) => !changedBricks.has(brick))),
    changedProjects: sorted(changedProjects),
    affectedProjects: sorted([...shipping].filter((project) => !changedProjects.has(project))),
    workspaceFiles: sorted(workspaceFiles),
    otherFiles: sorted(otherFiles),
  };
}
