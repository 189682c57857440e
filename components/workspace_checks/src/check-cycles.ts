import { findCycles, isRuntimeImport, type Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/** P104: import cycles between bricks at run time, each reported at the import that opens it. */
export function checkCycles(ws: Workspace): Diagnostic[] {
  return findCycles(ws).map((cycle) => {
    const [from, to] = cycle;
    const brick = ws.bricks.find((candidate) => candidate.name === from);
    const opening = brick?.imports.find(
      (ref) => isRuntimeImport(ref) && ref.target.kind === 'brick' && ref.target.brick === to,
    );
    const message = `import cycle between bricks: ${cycle.join(' > ')}`;
    return opening === undefined
      ? diagnostic('P104', message, `${brick?.dir ?? from}/package.json`)
      : diagnostic('P104', message, opening.file, opening.line);
  });
}
