import { dependencyClosure, dependents, type Project, type Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

const runtimeOnly = { runtimeOnly: true } as const;

/**
 * P107: a project ships every brick its bricks need at run time, transitively. P207: every brick
 * a deployable project ships is reached from one of its bases. The development project is checked
 * for P107 only: it is never deployed alone. (A project's libraries are P113, in check-libraries.ts.)
 */
export function checkProjects(ws: Workspace): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const project of ws.projects) {
    found.push(...missingBricks(ws, project), ...unreachedBricks(ws, project));
  }
  if (ws.development !== undefined) found.push(...missingBricks(ws, ws.development));
  return found;
}

function shipped(ws: Workspace, project: Project): string[] {
  const known = new Set(ws.bricks.map((brick) => brick.name));
  return project.bricks.filter((brick) => known.has(brick));
}

function missingBricks(ws: Workspace, project: Project): Diagnostic[] {
  const listed = new Set(project.bricks);
  const needed = dependencyClosure(ws, shipped(ws, project), runtimeOnly);
  const reached = new Set(needed);
  return needed
    .filter((brick) => !listed.has(brick))
    .map((brick) => {
      const importers = dependents(ws, brick, runtimeOnly).filter((user) => reached.has(user));
      return diagnostic(
        'P107',
        `project ${project.name} does not ship brick ${brick}, which ${importers.join(', ')} ${importers.length === 1 ? 'imports' : 'import'} at run time`,
        `${project.dir}/package.json`,
      );
    });
}

function unreachedBricks(ws: Workspace, project: Project): Diagnostic[] {
  const bricks = shipped(ws, project);
  const bases = ws.bricks
    .filter((brick) => brick.kind === 'base' && bricks.includes(brick.name))
    .map((brick) => brick.name);
  const reached = new Set(dependencyClosure(ws, bases, runtimeOnly));
  const from =
    bases.length === 0
      ? 'it ships no base'
      : `none of its bases (${bases.join(', ')}) reaches it at run time`;
  return bricks
    .filter((brick) => !reached.has(brick))
    .map((brick) =>
      diagnostic(
        'P207',
        `project ${project.name} ships brick ${brick}, but ${from}`,
        `${project.dir}/package.json`,
      ),
    );
}
