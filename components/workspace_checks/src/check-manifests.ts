import type { Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/** P112: no brick lists a brick among its dependencies. */
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
  }
  return found;
}
