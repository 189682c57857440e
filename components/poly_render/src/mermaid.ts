import type { Workspace } from '@mousetrap/workspace_model';
import { brickGraph, type DiagramOptions } from './graph.ts';

// Words mermaid's flowchart grammar reads as keywords; a node with such an id breaks the chart.
const RESERVED = new Set([
  'end',
  'graph',
  'flowchart',
  'subgraph',
  'direction',
  'class',
  'classdef',
  'click',
  'style',
  'linkstyle',
  'default',
]);

/** A mermaid node id for a brick: the name itself when mermaid accepts it, else prefixed. */
export function mermaidId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return RESERVED.has(id.toLowerCase()) || /^[0-9]/.test(id) ? `brick_${id}` : id;
}

/**
 * The brick graph as a mermaid flowchart (pastes into GitHub markdown): components as boxes, bases as
 * rounded boxes in another colour, a dotted arrow for an import that is gone at run time (type-only or
 * in tests).
 */
export function renderMermaid(ws: Workspace, options: DiagramOptions = {}): string {
  const graph = brickGraph(ws, options);
  const lines = [`graph ${options.direction ?? 'TD'}`];
  if (options.project !== undefined) lines.push(`  %% bricks of project ${options.project}`);
  for (const node of graph.nodes) {
    const id = mermaidId(node.name);
    const label = node.name.replaceAll('"', '#quot;');
    lines.push(node.kind === 'base' ? `  ${id}(["${label}"])` : `  ${id}["${label}"]`);
  }
  for (const edge of graph.edges) {
    lines.push(`  ${mermaidId(edge.from)} ${edge.runtime ? '-->' : '-.->'} ${mermaidId(edge.to)}`);
  }
  lines.push(
    '  classDef component fill:#e8f5e9,stroke:#2e7d32,color:#1b5e20',
    '  classDef base fill:#e3f2fd,stroke:#1565c0,color:#0d47a1',
  );
  for (const kind of ['component', 'base'] as const) {
    const ids = graph.nodes.filter((node) => node.kind === kind).map((node) => mermaidId(node.name));
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${kind}`);
  }
  return `${lines.join('\n')}\n`;
}
