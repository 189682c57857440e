import type { Workspace } from '@mousetrap/workspace_model';
import { brickGraph, type DiagramOptions } from './graph.ts';

/** A DOT string literal: every id is quoted, so any brick name is safe. */
function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The brick graph as a Graphviz digraph (`dot -Tsvg`): components as boxes, bases as rounded boxes
 * in another colour, a dashed edge for an import that is gone at run time (type-only or in tests).
 */
export function renderDot(ws: Workspace, options: DiagramOptions = {}): string {
  const graph = brickGraph(ws, options);
  const lines = [
    `digraph ${quote(options.project ?? 'workspace')} {`,
    `  rankdir=${options.direction === 'LR' ? 'LR' : 'TB'};`,
    '  node [shape=box, style=filled, fontname="Helvetica"];',
  ];
  for (const node of graph.nodes) {
    lines.push(
      node.kind === 'base'
        ? `  ${quote(node.name)} [style="rounded,filled", fillcolor="#e3f2fd", color="#1565c0"];`
        : `  ${quote(node.name)} [fillcolor="#e8f5e9", color="#2e7d32"];`,
    );
  }
  for (const edge of graph.edges) {
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${edge.runtime ? '' : ' [style=dashed]'};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
