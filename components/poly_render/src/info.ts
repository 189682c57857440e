import type { BrickKind, Workspace } from '@mousetrap/workspace_model';
import { allProjects, sortedBricks } from '@mousetrap/workspace_model';
import { type RenderOptions, style } from './style.ts';
import { renderTable } from './table.ts';

/** What changed since the stable point, worked out by the caller (git lives elsewhere). */
export interface InfoMarks {
  /** Bricks with a changed file. */
  changed: readonly string[];
  /** Bricks that use a changed brick, directly or not. */
  affected: readonly string[];
  /** The point compared with, as the user should read it, e.g. `stable-12 (3f2a9c1)`. */
  sinceLabel: string;
}

/** One brick's line in `poly info`. */
export interface InfoRow {
  brick: string;
  kind: BrickKind;
  /** `*` changed, `+` affected (uses a changed brick), `''` neither; changed wins. */
  mark: '*' | '+' | '';
  /** Project name → whether the project ships the brick (lists it in its package.json). */
  projects: Record<string, boolean>;
}

/** What `poly info` shows, as data (its `--json` document). */
export interface InfoView {
  /** `projects` counts the deployable ones; the development project is not counted. */
  counts: { components: number; bases: number; projects: number; bricks: number };
  since: string;
  /** Deployable projects sorted, then `development`. */
  projects: string[];
  /** Project name → its column header: the alias from workspace.json, else the name. */
  labels: Record<string, string>;
  /** Components first, then bases, each sorted. */
  rows: InfoRow[];
}

/** The brick × project overview behind `poly info`, with each brick's change mark. */
export function infoView(ws: Workspace, marks: InfoMarks): InfoView {
  const projects = allProjects(ws);
  const bricks = sortedBricks(ws.bricks);
  const components = bricks.filter((brick) => brick.kind === 'component').length;
  const changed = new Set(marks.changed);
  const affected = new Set(marks.affected);
  const shipped = projects.map((project) => [project.name, new Set(project.bricks)] as const);
  return {
    counts: {
      components,
      bases: bricks.length - components,
      projects: ws.projects.length,
      bricks: bricks.length,
    },
    since: marks.sinceLabel,
    projects: projects.map((project) => project.name),
    labels: Object.fromEntries(
      projects.map((project) => [
        project.name,
        project.alias ?? ws.config.projects[project.name]?.alias ?? project.name,
      ]),
    ),
    // Sets, not lists: 300 bricks × 21 projects would otherwise be a million comparisons.
    rows: bricks.map((brick) => ({
      brick: brick.name,
      kind: brick.kind,
      mark: changed.has(brick.name) ? '*' : affected.has(brick.name) ? '+' : '',
      projects: Object.fromEntries(shipped.map(([project, has]) => [project, has.has(brick.name)])),
    })),
  };
}

/**
 * `poly info` as text: counts, the since point, the brick × project table and a legend.
 * A shipped brick is `✔` on a terminal and `x` in plain output, which stays ASCII for pipes and logs.
 */
export function renderInfo(view: InfoView, options: RenderOptions): string {
  const s = style(options);
  const ships = options.color ? '✔' : 'x';
  const { counts } = view;
  const header = `components: ${counts.components}  bases: ${counts.bases}  projects: ${counts.projects}  bricks: ${counts.bricks}`;
  const rows = view.rows.map((row) => {
    const name = row.kind === 'component' ? s.green(row.brick) : s.cyan(row.brick);
    const mark = row.mark === '' ? '' : ` ${s.bold(s.yellow(row.mark))}`;
    return [
      name + mark,
      row.kind,
      ...view.projects.map((project) => (row.projects[project] === true ? s.green(ships) : '')),
    ];
  });
  const table = renderTable(
    ['brick', 'kind', ...view.projects.map((project) => view.labels[project] ?? project)],
    rows,
    { color: options.color, align: ['left', 'left', ...view.projects.map(() => 'center' as const)] },
  );
  const legend = s.dim(`${ships} ships the brick  * changed  + affected (uses a changed brick)`);
  return `${header}\nsince: ${view.since}\n\n${table}\n${legend}\n`;
}
