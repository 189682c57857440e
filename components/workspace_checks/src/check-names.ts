import type { Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/**
 * P105: every package is `@<namespace>/<folder>` and no two of them can end up with the same
 * name: a component and a base, a project and a brick, a project folder and the development project.
 */
export function checkNames(ws: Workspace): Diagnostic[] {
  const namespace = ws.config.namespace;
  const found: Diagnostic[] = [];
  const components = new Map(
    ws.bricks.filter((brick) => brick.kind === 'component').map((brick) => [brick.name, brick]),
  );
  const brickKinds = new Map(ws.bricks.map((brick) => [brick.name, brick.kind]));

  for (const brick of ws.bricks) {
    const file = `${brick.dir}/package.json`;
    const component = components.get(brick.name);
    if (brick.kind === 'base' && component !== undefined) {
      found.push(
        diagnostic(
          'P105',
          `${brick.name} is both a component (${component.dir}) and a base (${brick.dir})`,
          file,
        ),
      );
    }
    if (brick.manifestName !== brick.packageName) {
      found.push(diagnostic('P105', misnamed(brick.manifestName, brick.packageName), file));
    }
  }

  const projects = ws.development === undefined ? ws.projects : [...ws.projects, ws.development];
  for (const project of projects) {
    const file = `${project.dir}/package.json`;
    const clash = brickKinds.get(project.name);
    if (clash !== undefined) {
      found.push(diagnostic('P105', `project ${project.name} has the name of a ${clash}`, file));
    }
    if (!project.development && project.name === 'development' && ws.development !== undefined) {
      found.push(diagnostic('P105', `project ${project.name} has the name of the development project`, file));
    }
    const expected = `@${namespace}/${project.name}`;
    if (project.manifestName !== expected)
      found.push(diagnostic('P105', misnamed(project.manifestName, expected), file));
  }

  const projectNames = new Set(ws.projects.map((project) => project.name));
  for (const project of ws.projects) {
    const alias = project.alias;
    if (alias !== undefined && alias !== project.name && (projectNames.has(alias) || brickKinds.has(alias))) {
      const other = projectNames.has(alias) ? 'another project' : `a ${brickKinds.get(alias)}`;
      found.push(
        diagnostic(
          'P105',
          `the alias ${alias} of project ${project.name} is the name of ${other}`,
          'workspace.json',
        ),
      );
    }
  }
  return found;
}

function misnamed(actual: string, expected: string): string {
  return actual === ''
    ? `package.json has no "name": it must be "${expected}" (namespace and folder)`
    : `package name "${actual}" must be "${expected}" (namespace and folder)`;
}
