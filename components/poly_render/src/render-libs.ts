import type { LibraryUse, LibsView } from './libs.ts';
import { type RenderOptions, style } from './style.ts';
import { renderTable } from './table.ts';

/**
 * `poly libs` as text: a table of libraries per brick and per project (bricks without libraries left
 * out), then the missing, unused and drifting lists, each saying `none` when clean.
 */
export function renderLibs(view: LibsView, options: RenderOptions): string {
  const s = style(options);
  const version = (use: LibraryUse): string => use.version ?? s.red('missing');
  const table = (title: string, owners: { name: string; libraries: LibraryUse[] }[]): string =>
    renderTable(
      [title, 'library', 'version'],
      owners.flatMap((owner) => owner.libraries.map((use) => [owner.name, use.library, version(use)])),
      options,
    );
  // Missing libraries break a container at run time; unused and drifting ones only warn.
  const heading = (title: string, count: number, paint: (text: string) => string): string =>
    `${s.bold(title)}: ${count === 0 ? 'none' : paint(String(count))}`;
  const lines = [
    table(
      'brick',
      view.bricks.map((entry) => ({ name: entry.brick, libraries: entry.libraries })),
    ),
    table(
      'project',
      view.projects.map((entry) => ({ name: entry.project, libraries: entry.libraries })),
    ),
    heading('missing', view.missing.length, s.red),
    ...view.missing.map(
      (entry) =>
        `  ${entry.manifest} lacks ${entry.library} (imported at run time by ${entry.neededBy.join(', ')})`,
    ),
    heading('unused', view.unused.length, s.yellow),
    ...view.unused.map(
      (entry) =>
        `  ${entry.brick} lists ${entry.library} ${entry.version}, imported by neither its src nor its tests`,
    ),
    heading('drifting', view.drifting.length, s.yellow),
    ...view.drifting.map(
      (entry) =>
        `  ${entry.library}: ${entry.ranges.map((range) => `${range.range} (${range.where.join(', ')})`).join(', ')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
