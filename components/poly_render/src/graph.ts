import type { BrickKind, Workspace } from '@mousetrap/workspace_model';
import { edgesOf, projectNamed, sortedBricks } from '@mousetrap/workspace_model';

/** Which part of the workspace a diagram draws, and which way it flows. */
export interface DiagramOptions {
  /** Draw only the bricks this project ships (and the imports between them). */
  project?: string;
  /** Top-down (bases on top) or left to right. @default 'TD' */
  direction?: 'TD' | 'LR';
}

/** The brick graph as plain nodes and edges, sorted, for the mermaid and dot writers. */
export interface BrickGraph {
  nodes: { name: string; kind: BrickKind }[];
  /** `runtime` is false when every import along the edge is type-only or in tests. */
  edges: { from: string; to: string; runtime: boolean }[];
}

/** The bricks and their direct imports, restricted to a project's bricks when asked. */
export function brickGraph(ws: Workspace, options: DiagramOptions = {}): BrickGraph {
  const shipped =
    options.project === undefined ? undefined : new Set(projectNamed(ws, options.project).bricks);
  const nodes = sortedBricks(ws.bricks)
    .filter((brick) => shipped === undefined || shipped.has(brick.name))
    .map((brick) => ({ name: brick.name, kind: brick.kind }));
  const drawn = new Set(nodes.map((node) => node.name));
  const edges = nodes.flatMap((node) =>
    edgesOf(ws, node.name)
      .filter((edge) => drawn.has(edge.to))
      .map((edge) => ({ from: node.name, to: edge.to, runtime: edge.runtime })),
  );
  return { nodes, edges };
}
