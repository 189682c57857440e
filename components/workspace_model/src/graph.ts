import { compareText } from './compare.ts';
import type { ImportRef, Workspace } from './types.ts';

/** Which imports make an edge between bricks. */
export interface GraphOptions {
  /**
   * Count only what exists at run time: imports in `src` that are not type-only. Otherwise every
   * import counts, tests and types included.
   * @default false
   */
  runtimeOnly?: boolean;
  /**
   * For {@link brickDependencies} and {@link dependents}: follow imports transitively, not only
   * one step (the brick itself stays out, even within a cycle).
   * @default false
   */
  transitive?: boolean;
}

/** Options of {@link findCycles}. */
export interface CycleOptions {
  /**
   * Count every import (tests and types too) instead of only the run-time ones.
   * @default false
   */
  allImports?: boolean;
  /**
   * Stop after this many cycles: a tangle of n bricks can hold exponentially many.
   * @default 1000
   */
  maxCycles?: number;
}

interface Graph {
  /** brick → the bricks it imports, sorted. */
  uses: Map<string, string[]>;
  /** brick → the bricks that import it, sorted. */
  usedBy: Map<string, string[]>;
  /** Every brick, sorted. */
  order: string[];
}

// Workspaces are treated as immutable values, so each one's two graphs are built once.
const graphs = new WeakMap<Workspace, { all?: Graph; runtime?: Graph }>();

/** True when an import exists at run time: production code and not erased as a type. */
export function isRuntimeImport(ref: ImportRef): boolean {
  return ref.context === 'src' && !ref.typeOnly;
}

function graphOf(ws: Workspace, options: GraphOptions = {}): Graph {
  const runtimeOnly = options.runtimeOnly === true;
  let entry = graphs.get(ws);
  if (entry === undefined) {
    entry = {};
    graphs.set(ws, entry);
  }
  const known = runtimeOnly ? entry.runtime : entry.all;
  if (known !== undefined) return known;
  const names = new Set(ws.bricks.map((brick) => brick.name));
  const uses = new Map<string, Set<string>>();
  const usedBy = new Map<string, Set<string>>();
  for (const name of names) {
    uses.set(name, new Set());
    usedBy.set(name, new Set());
  }
  for (const brick of ws.bricks) {
    for (const ref of brick.imports) {
      if (ref.target.kind !== 'brick' || (runtimeOnly && !isRuntimeImport(ref))) continue;
      const used = ref.target.brick;
      if (used === brick.name || !names.has(used)) continue;
      uses.get(brick.name)?.add(used);
      usedBy.get(used)?.add(brick.name);
    }
  }
  const sorted = (map: Map<string, Set<string>>) =>
    new Map([...map].map(([name, set]) => [name, [...set].sort(compareText)]));
  const graph = { uses: sorted(uses), usedBy: sorted(usedBy), order: [...names].sort(compareText) };
  if (runtimeOnly) entry.runtime = graph;
  else entry.all = graph;
  return graph;
}

function reachable(graph: Graph, edges: Map<string, string[]>, roots: readonly string[]): string[] {
  const seen = new Set(roots);
  const queue = [...seen];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const neighbour of edges.get(next) ?? []) {
      if (!seen.has(neighbour)) {
        seen.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  // Many bricks reached (a matrix asks this of every brick) are put in order faster by picking
  // them from the sorted list of all than by sorting; names that are no brick need the sort.
  if (seen.size > 32) {
    const known = graph.order.filter((name) => seen.has(name));
    if (known.length === seen.size) return known;
  }
  return [...seen].sort(compareText);
}

function neighbours(
  graph: Graph,
  edges: Map<string, string[]>,
  brick: string,
  transitive?: boolean,
): string[] {
  const direct = edges.get(brick) ?? [];
  if (transitive !== true) return [...direct];
  return reachable(graph, edges, direct).filter((name) => name !== brick);
}

/** The bricks a brick imports (directly unless `transitive`), itself excluded; empty for an unknown name. */
export function brickDependencies(ws: Workspace, brick: string, options: GraphOptions = {}): string[] {
  const graph = graphOf(ws, options);
  return neighbours(graph, graph.uses, brick, options.transitive);
}

/** The bricks that import a brick (directly unless `transitive`), itself excluded; empty for an unknown name. */
export function dependents(ws: Workspace, brick: string, options: GraphOptions = {}): string[] {
  const graph = graphOf(ws, options);
  return neighbours(graph, graph.usedBy, brick, options.transitive);
}

/** The roots and every brick they reach through imports: what must ship with them. */
export function dependencyClosure(ws: Workspace, roots: readonly string[], options?: GraphOptions): string[] {
  const graph = graphOf(ws, options);
  return reachable(graph, graph.uses, roots);
}

/**
 * The changed bricks and every brick that imports them, transitively, by any import: a type or a
 * test import is affected by a change too.
 */
export function affectedBricks(ws: Workspace, changed: readonly string[]): string[] {
  const graph = graphOf(ws);
  return reachable(graph, graph.usedBy, changed);
}

/** The library packages a brick imports, sorted; empty for an unknown name. */
export function librariesImported(ws: Workspace, brick: string, options: GraphOptions = {}): string[] {
  const found = ws.bricks.find((candidate) => candidate.name === brick);
  const libraries = new Set<string>();
  for (const ref of found?.imports ?? []) {
    if (ref.target.kind !== 'library' || (options.runtimeOnly === true && !isRuntimeImport(ref))) continue;
    libraries.add(ref.target.library);
  }
  return [...libraries].sort(compareText);
}

/** The deployable projects (not the development project) that list a brick. */
export function projectsShipping(ws: Workspace, brick: string): string[] {
  return ws.projects.filter((project) => project.bricks.includes(brick)).map((project) => project.name);
}

function compareCycles(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const order = compareText(a[i] as string, b[i] as string);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/**
 * Every elementary import cycle between bricks (run-time imports unless `allImports`), each as a
 * path `[a, b, a]` starting at its smallest name, sorted. Johnson's algorithm, so each cycle is
 * found once and the time stays proportional to the cycles there are.
 */
export function findCycles(ws: Workspace, options: CycleOptions = {}): string[][] {
  const graph = graphOf(ws, { runtimeOnly: options.allImports !== true });
  const { uses } = graph;
  const maxCycles = options.maxCycles ?? 1000;
  const names = graph.order;
  const order = new Map(names.map((name, index) => [name, index]));
  const cycles: string[][] = [];

  const cyclic = onCycles(graph);
  for (let s = 0; s < names.length && cycles.length < maxCycles; s += 1) {
    const start = names[s] as string;
    if (!cyclic.has(start)) continue;
    const component = strongComponent(start, (name) => (order.get(name) ?? -1) >= s, graph);
    if (component.size < 2) continue;
    const next = (name: string) => (uses.get(name) ?? []).filter((w) => component.has(w));
    const blocked = new Set<string>();
    const blockedBy = new Map<string, Set<string>>();
    const path: string[] = [];
    const unblock = (name: string): void => {
      blocked.delete(name);
      const waiting = blockedBy.get(name);
      if (waiting === undefined) return;
      blockedBy.delete(name);
      for (const other of waiting) if (blocked.has(other)) unblock(other);
    };
    const circuit = (name: string): boolean => {
      let closed = false;
      path.push(name);
      blocked.add(name);
      for (const w of next(name)) {
        if (cycles.length >= maxCycles) break;
        if (w === start) {
          cycles.push([...path, start]);
          closed = true;
        } else if (!blocked.has(w) && circuit(w)) closed = true;
      }
      if (closed) unblock(name);
      else {
        for (const w of next(name)) {
          const waiting = blockedBy.get(w) ?? new Set<string>();
          waiting.add(name);
          blockedBy.set(w, waiting);
        }
      }
      path.pop();
      return closed;
    };
    circuit(start);
  }
  return cycles.sort(compareCycles);
}

/**
 * The bricks that lie on some cycle: those in a strongly connected component of two or more
 * (Tarjan's algorithm, one pass). Johnson's search starts only from these, so an acyclic workspace
 * costs one pass instead of two searches per brick.
 */
function onCycles(graph: Graph): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cyclic = new Set<string>();
  const visit = (name: string): void => {
    index.set(name, index.size);
    low.set(name, index.get(name) as number);
    stack.push(name);
    onStack.add(name);
    for (const w of graph.uses.get(name) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(name, Math.min(low.get(name) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(name, Math.min(low.get(name) as number, index.get(w) as number));
    }
    if (low.get(name) !== index.get(name)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      component.push(w);
      if (w === name) break;
    }
    if (component.length > 1) for (const w of component) cyclic.add(w);
  };
  for (const name of graph.order) if (!index.has(name)) visit(name);
  return cyclic;
}

// The strongly connected component holding `start` within the bricks `allowed` admits: those
// `start` reaches that also reach it.
function strongComponent(start: string, allowed: (name: string) => boolean, graph: Graph): Set<string> {
  const reach = (edges: Map<string, string[]>): Set<string> => {
    const seen = new Set([start]);
    const queue = [start];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const w of edges.get(name) ?? []) {
        if (allowed(w) && !seen.has(w)) {
          seen.add(w);
          queue.push(w);
        }
      }
    }
    return seen;
  };
  const forward = reach(graph.uses);
  const backward = reach(graph.usedBy);
  return new Set([...forward].filter((name) => backward.has(name)));
}
