import { libraryNeeds, type Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/**
 * P113: every library a brick imports at run time is in the brick's package.json (reported at its
 * first such import), and every library a deployable project's bricks need at run time is in the
 * project's. The needs come from `libraryNeeds`, which `poly libs` reads too.
 */
export function checkLibraries(ws: Workspace): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const { owner, kind, manifest, needs } of libraryNeeds(ws)) {
    for (const need of needs) {
      if (need.version !== undefined) continue;
      if (kind === 'brick') {
        found.push(
          diagnostic(
            'P113',
            `brick ${owner} imports library "${need.library}" at run time, but its package.json does not list it`,
            need.firstImport.file,
            need.firstImport.line,
          ),
        );
      } else {
        const by = need.neededBy;
        found.push(
          diagnostic(
            'P113',
            `project ${owner} does not list library "${need.library}", which ${by.join(', ')} ${by.length === 1 ? 'imports' : 'import'} at run time`,
            manifest,
          ),
        );
      }
    }
  }
  return found;
}
