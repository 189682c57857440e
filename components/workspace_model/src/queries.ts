import { compareText } from './compare.ts';
import { WorkspaceError } from './errors.ts';
import { brickDependencies, dependents, type GraphOptions, projectsShipping } from './graph.ts';
import type { Brick, Project, Workspace } from './types.ts';

/** Which imports the dependency queries count. */
export interface DepsOptions {
  /**
   * Count only run-time imports (src, not type-only). Otherwise every import counts, types and
   * tests too, which is also what decides the affected set of `poly diff` and `poly test`.
   * @default false
   */
  runtimeOnly?: boolean;
}

/** Direct and transitive-only neighbours of a brick. */
export interface Edges {
  direct: string[];
  transitive: string[];
}

/** A brick by name, or a `WorkspaceError` `unknown_brick`. */
export function brickNamed(ws: Workspace, name: string): Brick {
  const brick = ws.bricks.find((candidate) => candidate.name === name);
  if (brick === undefined)
    throw new WorkspaceError('unknown_brick', `no brick named ${name} in this workspace`);
  return brick;
}

/** A project (or `development`) by name, or a `WorkspaceError` `unknown_project`. */
export function projectNamed(ws: Workspace, name: string): Project {
  const project = allProjects(ws).find((candidate) => candidate.name === name);
  if (project === undefined)
    throw new WorkspaceError('unknown_project', `no project named ${name} in this workspace`);
  return project;
}

/** The deployable projects sorted by name, then the development project last. */
export function allProjects(ws: Workspace): Project[] {
  const deployable = [...ws.projects].sort((a, b) => compareText(a.name, b.name));
  return ws.development === undefined ? deployable : [...deployable, ws.development];
}

/** The projects that ship a brick: deployable ones sorted, then `development` when it lists the brick. */
export function shippedBy(ws: Workspace, brick: string): string[] {
  const deployable = [...projectsShipping(ws, brick)].sort(compareText);
  return ws.development?.bricks.includes(brick) === true ? [...deployable, ws.development.name] : deployable;
}

/** Components first, then bases, each sorted by name. */
export function sortedBricks(bricks: readonly Brick[]): Brick[] {
  return [...bricks].sort(
    (a, b) => Number(a.kind === 'base') - Number(b.kind === 'base') || compareText(a.name, b.name),
  );
}

/** A brick's uses: the bricks it imports itself, and those it reaches only through them. */
export function usesOf(ws: Workspace, brick: string, options: DepsOptions = {}): Edges {
  return split(
    brickDependencies(ws, brick, graph(options)),
    brickDependencies(ws, brick, graph(options, true)),
  );
}

/** The bricks that import a brick themselves, and those that reach it only through them. */
export function usedByOf(ws: Workspace, brick: string, options: DepsOptions = {}): Edges {
  return split(dependents(ws, brick, graph(options)), dependents(ws, brick, graph(options, true)));
}

/** The bricks a brick imports; `runtime` is false when every import of one is type-only or in tests. */
export function edgesOf(ws: Workspace, brick: string): { to: string; runtime: boolean }[] {
  const runtime = brickDependencies(ws, brick, { runtimeOnly: true });
  return brickDependencies(ws, brick).map((to) => ({ to, runtime: runtime.includes(to) }));
}

function graph(options: DepsOptions, transitive = false): GraphOptions {
  return { runtimeOnly: options.runtimeOnly === true, transitive };
}

function split(direct: string[], all: string[]): Edges {
  const isDirect = new Set(direct);
  return { direct, transitive: all.filter((name) => !isDirect.has(name)) };
}
