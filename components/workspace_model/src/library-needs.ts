import { compareText } from './compare.ts';
import { dependencyClosure, isRuntimeImport } from './graph.ts';
import type { ImportRef, Workspace } from './types.ts';

/** A library a brick or a project needs at run time, and the range its package.json lists. */
export interface LibraryNeed {
  library: string;
  /** The range the owner's package.json lists; undefined when it does not: the library is missing. */
  version: string | undefined;
  /** The bricks that import it at run time, sorted (for a brick's own need: the brick). */
  neededBy: string[];
  /** Its first run-time import, in brick then file order: where a missing library is reported. */
  firstImport: ImportRef;
}

/** The run-time library needs of one brick or one deployable project, sorted by library. */
export interface LibraryNeeds {
  owner: string;
  kind: 'brick' | 'project';
  /** The owner's package.json, relative to the workspace root. */
  manifest: string;
  needs: LibraryNeed[];
}

/**
 * What each brick and each deployable project needs at run time: the libraries a brick's src imports
 * (type-only imports and tests need nothing), and for a project those of every brick its bricks
 * reach, shipped or not. The one answer `poly libs` and `poly check` (P113) both read, so they cannot
 * disagree on what is missing. The development project is left out: npm workspaces install its
 * libraries through the bricks' own package.json files.
 */
export function libraryNeeds(ws: Workspace): LibraryNeeds[] {
  const byBrick = new Map(ws.bricks.map((brick) => [brick.name, runtimeImports(brick.imports)]));
  const bricks = ws.bricks.map(
    (brick): LibraryNeeds => ({
      owner: brick.name,
      kind: 'brick',
      manifest: `${brick.dir}/package.json`,
      needs: collect([brick.name], byBrick, brick.libraries),
    }),
  );
  const projects = ws.projects.map(
    (project): LibraryNeeds => ({
      owner: project.name,
      kind: 'project',
      manifest: `${project.dir}/package.json`,
      needs: collect(
        dependencyClosure(ws, project.bricks, { runtimeOnly: true }),
        byBrick,
        project.libraries,
      ),
    }),
  );
  return [...bricks, ...projects];
}

// library → its run-time imports, in file order
function runtimeImports(imports: readonly ImportRef[]): Map<string, ImportRef[]> {
  const found = new Map<string, ImportRef[]>();
  for (const ref of imports) {
    if (ref.target.kind !== 'library' || !isRuntimeImport(ref)) continue;
    found.set(ref.target.library, [...(found.get(ref.target.library) ?? []), ref]);
  }
  return found;
}

function collect(
  bricks: readonly string[],
  byBrick: ReadonlyMap<string, ReadonlyMap<string, ImportRef[]>>,
  listed: Readonly<Record<string, string>>,
): LibraryNeed[] {
  const needs = new Map<string, LibraryNeed>();
  for (const brick of bricks) {
    for (const [library, refs] of byBrick.get(brick) ?? []) {
      const need = needs.get(library);
      if (need !== undefined) need.neededBy.push(brick);
      else {
        const version = Object.hasOwn(listed, library) ? listed[library] : undefined;
        needs.set(library, { library, version, neededBy: [brick], firstImport: refs[0] as ImportRef });
      }
    }
  }
  return [...needs.values()].sort((a, b) => compareText(a.library, b.library));
}
