import type { BrickKind, DepsOptions, Workspace } from '@mousetrap/workspace_model';
import { findCycles, projectNamed, sortedBricks, usesOf } from '@mousetrap/workspace_model';
import { countedImports } from './legend.ts';
import { type RenderOptions, style } from './style.ts';
import { GAP, underline } from './table.ts';

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
  // Every column but the first is one character wide (a letter of a name, or x + .), so rows are
  // joined directly: a 300-brick matrix has 90,000 cells, too many to measure one by one.
  const width = Math.max('brick'.length, ...names.map((name) => name.length));
  const line = (first: string, firstWidth: number, cells: readonly string[]) =>
    `${first}${' '.repeat(width - firstWidth)}${GAP}${cells.join(GAP)}`.trimEnd();
  const headerLines = Array.from({ length: height }, (_, at) => {
    const first = at === height - 1 ? 'brick' : '';
    return s.bold(
      line(
        first,
        first.length,
        names.map((name) => name[at] ?? ' '),
      ),
    );
  });
  const rows = view.rows.map((row) => {
    const direct = new Set(row.direct);
    const transitive = new Set(row.transitive);
    const cells = names.map((name) =>
      direct.has(name) ? s.green('x') : transitive.has(name) ? s.yellow('+') : s.dim('.'),
    );
    const name = row.kind === 'component' ? s.green(row.brick) : s.cyan(row.brick);
    return line(name, row.brick.length, cells);
  });
  const widths = [width, ...names.map(() => 1)];
  const lines = [
    ...headerLines,
    underline(widths, options),
    ...rows,
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
