import type { ChangeImpact } from '@mousetrap/change_impact';
import { compareText } from '@mousetrap/workspace_model';

/** What `poly diff` reports: the point compared with, the changed files, and what they change and affect. */
export interface DiffView extends ChangeImpact {
  /** The point compared with, as the user should read it, e.g. `stable-12 (3f2a9c1)`. */
  since: string;
  /** Every changed file, relative to the root. */
  files: string[];
}

/** Which sections `poly diff` shows: bricks, projects, or both when neither is asked for. */
export interface DiffSections {
  bricks?: boolean;
  projects?: boolean;
}

function sections(view: DiffView, show: DiffSections): [string, string[]][] {
  const both = !show.bricks && !show.projects;
  return [
    ...(both || show.bricks
      ? ([
          ['changed bricks', view.changedBricks],
          ['affected bricks', view.affectedBricks],
        ] as [string, string[]][])
      : []),
    ...(both || show.projects
      ? ([
          ['changed projects', view.changedProjects],
          ['affected projects', view.affectedProjects],
        ] as [string, string[]][])
      : []),
  ];
}

/** `poly diff` as text: how many files changed since when, then a line per section. */
export function renderDiff(view: DiffView, show: DiffSections = {}): string {
  const shown = sections(view, show);
  const width = Math.max(...shown.map(([title]) => title.length)) + 1;
  const count = view.files.length;
  const lines = [`since ${view.since}: ${count} changed ${count === 1 ? 'file' : 'files'}`];
  if (view.workspaceFiles.length > 0) {
    lines.push(`workspace files changed (${view.workspaceFiles.join(', ')}): everything is affected`);
  }
  for (const [title, list] of shown) {
    lines.push(`${`${title}:`.padEnd(width)} ${list.length > 0 ? list.join(', ') : '(none)'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `poly diff --short`: the names in the sections shown, once each, sorted, one a line (for scripts). */
export function renderDiffShort(view: DiffView, show: DiffSections = {}): string {
  const names = [...new Set(sections(view, show).flatMap(([, list]) => list))].sort(compareText);
  return names.map((name) => `${name}\n`).join('');
}
