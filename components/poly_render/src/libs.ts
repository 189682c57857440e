import type { LibraryNeed, Workspace } from '@mousetrap/workspace_model';
import { compareText, librariesImported, libraryNeeds, sortedBricks } from '@mousetrap/workspace_model';

/** A library and the version range its owner's package.json gives it (`null`, kept in JSON, when not listed). */
export interface LibraryUse {
  library: string;
  version: string | null;
}

/** A library needed at run time that the owner's package.json does not list: a "module not found" waiting. */
export interface MissingLibrary {
  library: string;
  /** The brick or project whose package.json lacks it. */
  where: string;
  kind: 'brick' | 'project';
  /** That package.json, relative to the workspace root. */
  manifest: string;
  /** The bricks that import it at run time. */
  neededBy: string[];
}

/** A library a brick's package.json lists that neither its src nor its tests import. */
export interface UnusedLibrary {
  library: string;
  brick: string;
  version: string;
}

/** A library given different version ranges in different package.json files. */
export interface DriftingLibrary {
  library: string;
  /** Each range, sorted, with the bricks and projects that give it. */
  ranges: { range: string; where: string[] }[];
}

/**
 * What `poly libs` shows, as data. The development project is left out of `projects` and `missing`:
 * it gets its libraries through the bricks' own package.json files (npm workspaces install them).
 */
export interface LibsView {
  /** Every brick (components, then bases) with the libraries its src imports at run time. */
  bricks: { brick: string; libraries: LibraryUse[] }[];
  /** Every deployable project with the libraries its bricks need at run time and those it lists. */
  projects: { project: string; libraries: LibraryUse[] }[];
  missing: MissingLibrary[];
  unused: UnusedLibrary[];
  drifting: DriftingLibrary[];
}

/**
 * Libraries per brick and per project, and what is missing, unused or drifting between them. What a
 * brick or project needs, and so what is missing, is `libraryNeeds`: the same answer as P113 of
 * `poly check`.
 */
export function libsView(ws: Workspace): LibsView {
  const bricks = sortedBricks(ws.bricks);
  const projects = [...ws.projects].sort((a, b) => compareText(a.name, b.name));
  const needs = new Map(libraryNeeds(ws).map((owner) => [`${owner.kind} ${owner.owner}`, owner.needs]));
  const view: LibsView = { bricks: [], projects: [], missing: [], unused: [], drifting: [] };
  const noteMissing = (kind: 'brick' | 'project', where: string, dir: string, owned: LibraryNeed[]) => {
    for (const { library, version, neededBy } of owned) {
      if (version === undefined)
        view.missing.push({ library, where, kind, manifest: `${dir}/package.json`, neededBy });
    }
  };
  for (const brick of bricks) {
    const owned = needs.get(`brick ${brick.name}`) ?? [];
    view.bricks.push({
      brick: brick.name,
      libraries: owned.map(({ library, version }) => ({ library, version: version ?? null })),
    });
    noteMissing('brick', brick.name, brick.dir, owned);
    const used = new Set(librariesImported(ws, brick.name));
    for (const [library, version] of sortedEntries(brick.libraries)) {
      if (!used.has(library) && !used.has(typedLibrary(library))) {
        view.unused.push({ library, brick: brick.name, version });
      }
    }
  }
  for (const project of projects) {
    const owned = needs.get(`project ${project.name}`) ?? [];
    const listed = Object.keys(project.libraries);
    const names = [...new Set([...owned.map((need) => need.library), ...listed])].sort(compareText);
    view.projects.push({
      project: project.name,
      libraries: names.map((library) => ({
        library,
        version: Object.hasOwn(project.libraries, library) ? (project.libraries[library] as string) : null,
      })),
    });
    noteMissing('project', project.name, project.dir, owned);
  }
  view.drifting = drifting([
    ...bricks.map((brick) => ({ where: brick.name, libraries: brick.libraries })),
    ...[...projects, ...(ws.development === undefined ? [] : [ws.development])].map((project) => ({
      where: project.name,
      libraries: project.libraries,
    })),
  ]);
  return view;
}

function drifting(owners: { where: string; libraries: Record<string, string> }[]): DriftingLibrary[] {
  const byLibrary = new Map<string, Map<string, string[]>>();
  for (const owner of owners) {
    for (const [library, range] of Object.entries(owner.libraries)) {
      const ranges = byLibrary.get(library) ?? new Map<string, string[]>();
      ranges.set(range, [...(ranges.get(range) ?? []), owner.where]);
      byLibrary.set(library, ranges);
    }
  }
  return [...byLibrary]
    .filter(([, ranges]) => ranges.size > 1)
    .sort(([a], [b]) => compareText(a, b))
    .map(([library, ranges]) => ({
      library,
      ranges: [...ranges]
        .sort(([a], [b]) => compareText(a, b))
        .map(([range, where]) => ({ range, where: [...where].sort(compareText) })),
    }));
}

/** The package an `@types/…` package types (`@types/node` → `node`, `@types/a__b` → `@a/b`), so it counts as used. */
function typedLibrary(library: string): string {
  if (!library.startsWith('@types/')) return library;
  const name = library.slice('@types/'.length);
  return name.includes('__') ? `@${name.replace('__', '/')}` : name;
}

function sortedEntries(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => compareText(a, b));
}
