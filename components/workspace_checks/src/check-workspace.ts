import type { Workspace } from '@mousetrap/workspace_model';
import { checkCycles } from './check-cycles.ts';
import { checkImports } from './check-imports.ts';
import { checkLibraries } from './check-libraries.ts';
import { checkManifests } from './check-manifests.ts';
import { checkNames } from './check-names.ts';
import { checkProjects } from './check-projects.ts';
import { checkVersions } from './check-versions.ts';
import { compareDiagnostics, type Diagnostic } from './diagnostic.ts';

/** Every rule of the workspace (P101 … P301) applied to a loaded workspace; sorted, so the same workspace gives the same list. */
export function checkWorkspace(ws: Workspace): Diagnostic[] {
  return [
    ...checkImports(ws),
    ...checkCycles(ws),
    ...checkNames(ws),
    ...checkProjects(ws),
    ...checkManifests(ws),
    ...checkLibraries(ws),
    ...checkVersions(ws),
  ].sort(compareDiagnostics);
}
