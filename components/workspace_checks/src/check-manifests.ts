import { isRuntimeImport, type Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/**
 * P112: no brick lists a brick among its dependencies. P113 (the brick half): every library a
 * brick imports at run time is in its package.json, reported at the library's first such import.
 */
export function checkManifests(ws: Workspace): Diagnostic[] {
  const namespace = ws.config.namespace;
  const found: Diagnostic[] = [];
  for (const brick of ws.bricks) {
    for (const listed of brick.listedBricks) {
      found.push(
        diagnostic(
          'P112',
          `brick ${brick.name} lists "@${namespace}/${listed}" in its dependencies: bricks are imported by package name and shipped by projects`,
          `${brick.dir}/package.json`,
        ),
      );
    }
    const reported = new Set<string>();
    for (const ref of brick.imports) {
      if (ref.target.kind !== 'library' || !isRuntimeImport(ref)) continue;
      const library = ref.target.library;
      if (Object.hasOwn(brick.libraries, library) || reported.has(library)) continue;
      reported.add(library);
      found.push(
        diagnostic(
          'P113',
          `brick ${brick.name} imports library "${library}" at run time, but its package.json does not list it`,
          ref.file,
          ref.line,
        ),
      );
    }
  }
  return found;
}
