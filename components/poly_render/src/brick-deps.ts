import type { BrickKind, DepsOptions, Edges, Workspace } from '@mousetrap/workspace_model';
import { brickNamed, shippedBy, usedByOf, usesOf } from '@mousetrap/workspace_model';
import { countedImports } from './legend.ts';
import { type RenderOptions, style } from './style.ts';

/** What `poly deps --brick <b>` shows, as data: both directions of one brick's dependencies. */
export interface BrickDepsView {
  brick: string;
  kind: BrickKind;
  /** True when only run-time imports were counted (see {@link DepsOptions}). */
  runtimeOnly: boolean;
  /** Bricks it imports itself (`direct`), and those it reaches only through them (`transitive`). */
  uses: Edges;
  /** Bricks that import it themselves, and those that reach it only through others. */
  usedBy: Edges;
  /** Projects that ship it: deployable ones sorted, then `development`. */
  projects: string[];
}

/** One brick's "uses / used by" view, for judging what a change to it touches. */
export function brickDepsView(ws: Workspace, brick: string, options: DepsOptions = {}): BrickDepsView {
  const { kind } = brickNamed(ws, brick);
  return {
    brick,
    kind,
    runtimeOnly: options.runtimeOnly === true,
    uses: usesOf(ws, brick, options),
    usedBy: usedByOf(ws, brick, options),
    projects: shippedBy(ws, brick),
  };
}

/** `poly deps --brick <b>` as text: the projects shipping it, then what it uses and what uses it. */
export function renderBrickDeps(view: BrickDepsView, options: RenderOptions): string {
  const s = style(options);
  const section = (title: string, edges: { direct: string[]; transitive: string[] }): string[] => {
    const lines = [
      ...edges.direct.map((name) => `  ${s.green('x')} ${name}`),
      ...edges.transitive.map((name) => `  ${s.yellow('+')} ${name}`),
    ];
    return [s.bold(`${title}:`), ...(lines.length === 0 ? [s.dim('  (none)')] : lines)];
  };
  const lines = [
    `${s.bold(view.brick)} (${view.kind})`,
    `projects: ${view.projects.length === 0 ? '(none)' : view.projects.join(', ')}`,
    '',
    ...section('uses', view.uses),
    ...section('used by', view.usedBy),
    '',
    s.dim(`x directly  + through another brick  (${countedImports(view.runtimeOnly)})`),
  ];
  return `${lines.join('\n')}\n`;
}
