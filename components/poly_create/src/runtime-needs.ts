import {
  compareText,
  dependencyClosure,
  librariesImported,
  type Workspace,
} from '@mousetrap/workspace_model';
import { INITIAL_VERSION } from './brick-files.ts';
import { readJsonFile } from './json-file.ts';

/** What a set of bricks needs at run time: the bricks they reach and the libraries those import. */
export interface RuntimeNeeds {
  /** The roots and every brick they reach through run-time imports, by name, sorted. */
  bricks: string[];
  /** Each library those bricks import at run time, with the version range the bricks list. */
  libraries: Record<string, string>;
  /** Libraries left out, and why: no brick lists a version, or the bricks disagree. */
  notes: string[];
}

/**
 * The bricks `roots` reach at run time and the libraries those import, versioned from the bricks'
 * own package.json. Type-only imports and tests do not count, as in `poly check`.
 */
export function runtimeNeeds(ws: Workspace, roots: readonly string[]): RuntimeNeeds {
  const reached = new Set(dependencyClosure(ws, roots, { runtimeOnly: true }));
  const bricks = ws.bricks.filter((brick) => reached.has(brick.name));
  const versions = new Map<string, Map<string, string[]>>();
  const unlisted = new Map<string, string[]>();
  for (const brick of bricks) {
    for (const library of librariesImported(ws, brick.name, { runtimeOnly: true })) {
      const version = brick.libraries[library];
      if (version === undefined) {
        unlisted.set(library, [...(unlisted.get(library) ?? []), brick.name]);
        continue;
      }
      const byVersion = versions.get(library) ?? new Map<string, string[]>();
      byVersion.set(version, [...(byVersion.get(version) ?? []), brick.name]);
      versions.set(library, byVersion);
    }
  }
  const libraries: Record<string, string> = {};
  const notes: string[] = [];
  for (const library of [...new Set([...versions.keys(), ...unlisted.keys()])].sort(compareText)) {
    const byVersion = versions.get(library);
    const [only, ...others] = byVersion ? [...byVersion.keys()] : [];
    if (only !== undefined && others.length === 0) libraries[library] = only;
    else if (only === undefined) {
      const by = unlisted.get(library) ?? [];
      const verb =
        by.length === 1 ? 'imports it but does not list it in its' : 'import it but do not list it in their';
      notes.push(`library ${library} not added: ${by.join(', ')} ${verb} package.json`);
    } else {
      const listed = [...(byVersion?.entries() ?? [])].map(([version, by]) => `${by.join(', ')}: ${version}`);
      notes.push(`library ${library} not added: the bricks list different versions (${listed.join('; ')})`);
    }
  }
  return { bricks: bricks.map((brick) => brick.name).sort(compareText), libraries, notes };
}

/** The version in a brick's package.json: what a project lists it at. */
export function brickVersion(ws: Workspace, name: string): string {
  const brick = ws.bricks.find((candidate) => candidate.name === name);
  const version = brick ? readJsonFile(ws.root, `${brick.dir}/package.json`)?.value.version : undefined;
  return typeof version === 'string' ? version : INITIAL_VERSION;
}
