import type { BrickKind, DepsOptions, Workspace } from '@mousetrap/workspace_model';
import { findCycles, projectNamed, sortedBricks, usesOf } from '@mousetrap/workspace_model';
import { countedImports } from './legend.ts';
import { type RenderOptions, style } from './style.ts';
import { type Align, columnWidths, formatRow, underline } from './table.ts';

/** One brick's row in the matrix: the bricks it imports itself, and those it reaches only through them. */
export interface DepsRow {
  brick: string;
  kind: BrickKind;
  /** Bricks it imports itself, sorted. */
  direct: string[];
  /** Bricks it reaches only through others, sorted. */
  transitive: string[];
}

/** What `poly deps` shows, as data: the brick × brick matrix and the import cycles. */
export interface DepsMatrixView {
  /** The project the matrix is restricted to; `null` (kept in JSON) for the whole workspace. */
  project: string | null;
  /** True when only run-time imports were counted (see {@link DepsOptions}). */
  runtimeOnly: boolean;
  /** Components first, then bases, each sorted; the columns are the same bricks in the same order. */
  rows: DepsRow[];
  /** Each run-time import cycle (P104) as a closed path `[a, b, a]`, whatever imports the matrix counts. */
  cycles: string[][];
}

/** The whole workspace's brick × brick matrix, direct and transitive, with its cycles. */
export function depsMatrixView(ws: Workspace, options: DepsOptions = {}): DepsMatrixView {
  return {
    project: null,
    runtimeOnly: options.runtimeOnly === true,
    rows: sortedBricks(ws.bricks).map((brick) => ({
      brick: brick.name,
      kind: brick.kind,
      ...usesOf(ws, brick.name, options),
    })),
    cycles: findCycles(ws),
  };
}

/**
 * The matrix restricted to the bricks a project ships: rows, columns and cycles. A shipped brick's use
 * of one the project does not ship is left out here; `poly check` reports it (P107).
 */
export function projectDepsView(ws: Workspace, project: string, options: DepsOptions = {}): DepsMatrixView {
  const shipped = new Set(projectNamed(ws, project).bricks);
  const whole = depsMatrixView(ws, options);
  return {
    ...whole,
    project,
    rows: whole.rows
      .filter((row) => shipped.has(row.brick))
      .map((row) => ({
        ...row,
        direct: row.direct.filter((name) => shipped.has(name)),
        transitive: row.transitive.filter((name) => shipped.has(name)),
      })),
    cycles: whole.cycles.filter((cycle) => cycle.every((name) => shipped.has(name))),
  };
}

/** A cycle as the user reads it: `a > b > a`. */
export function cyclePath(cycle: readonly string[]): string {
  return cycle.join(' > ');
}

/**
 * `poly deps` as text: a row per brick, a one-character column per brick with its name written
 * downwards (as the Clojure tool does), `x` for a direct use and `+` for a transitive one.
 */
export function renderDepsMatrix(view: DepsMatrixView, options: RenderOptions): string {
  const s = style(options);
  const names = view.rows.map((row) => row.brick);
  const height = Math.max(1, ...names.map((name) => name.length));
  const headerLines = Array.from({ length: height }, (_, line) => [
    line === height - 1 ? 'brick' : '',
    ...names.map((name) => name[line] ?? ''),
  ]);
  const rows = view.rows.map((row) => [
    row.kind === 'component' ? s.green(row.brick) : s.cyan(row.brick),
    ...names.map((name) =>
      row.direct.includes(name) ? s.green('x') : row.transitive.includes(name) ? s.yellow('+') : s.dim('.'),
    ),
  ]);
  const widths = columnWidths([...headerLines, ...rows]);
  const align: Align[] = ['left', ...names.map(() => 'center' as const)];
  const lines = [
    ...headerLines.map((cells) => s.bold(formatRow(cells, widths, align))),
    underline(widths, options),
    ...rows.map((cells) => formatRow(cells, widths, align)),
    '',
    s.dim(`x uses directly  + uses through another brick  (${countedImports(view.runtimeOnly)})`),
  ];
  if (view.project !== null) lines.unshift(`project: ${view.project}`, '');
  if (view.cycles.length > 0) {
    lines.push('', s.bold(s.red(`cycles: ${view.cycles.length}`)));
    for (const cycle of view.cycles) lines.push(`  ${s.red(cyclePath(cycle))}`);
  }
  return `${lines.join('\n')}\n`;
}
