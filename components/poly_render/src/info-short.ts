import type { InfoRow, InfoView } from './info.ts';
import { type RenderOptions, style } from './style.ts';

/**
 * `poly info --short`: the counts, then one line per project instead of the brick × project matrix:
 * how many bricks it ships, its bases, a `|`, its components, each with its change mark. The
 * development project says `every brick` when it ships them all, and a last line `(no project)`
 * names the bricks no deployable project ships. One line per project, so `grep` finds a project.
 */
export function renderInfoShort(view: InfoView, options: RenderOptions): string {
  const s = style(options);
  const name = (row: InfoRow): string => {
    const text = row.kind === 'component' ? s.green(row.brick) : s.cyan(row.brick);
    return row.mark === '' ? text : text + s.bold(s.yellow(row.mark));
  };
  const bricks = (rows: InfoRow[]): string => {
    const bases = rows.filter((row) => row.kind === 'base').map(name);
    const components = rows.filter((row) => row.kind === 'component').map(name);
    return [...bases, ...(bases.length > 0 && components.length > 0 ? ['|'] : []), ...components].join(' ');
  };
  const deployable = view.projects.slice(0, view.counts.projects);
  const lines: [string, number, string][] = view.projects.map((project) => {
    const label = view.labels[project] ?? project;
    const shipped = view.rows.filter((row) => row.projects[project] === true);
    const all = !deployable.includes(project) && shipped.length === view.rows.length && shipped.length > 0;
    return [
      label === project ? project : `${project} (${label})`,
      shipped.length,
      all ? 'every brick' : bricks(shipped),
    ];
  });
  const unshipped = view.rows.filter((row) => deployable.every((project) => row.projects[project] !== true));
  if (unshipped.length > 0) lines.push(['(no project)', unshipped.length, bricks(unshipped)]);
  const width = Math.max(...lines.map(([label]) => label.length));
  const countWidth = Math.max(...lines.map(([, count]) => String(count).length));
  const { counts } = view;
  return [
    `components: ${counts.components}  bases: ${counts.bases}  projects: ${counts.projects}  bricks: ${counts.bricks}`,
    `since: ${view.since}`,
    '',
    ...lines.map(([label, count, list]) =>
      `${s.bold(label.padEnd(width))}  ${String(count).padStart(countWidth)}  ${list}`.trimEnd(),
    ),
    s.dim('bases | components  * changed  + affected (uses a changed brick)'),
    '',
  ].join('\n');
}
