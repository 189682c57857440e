import type { Workspace } from '@mousetrap/workspace_model';
import type { Diagnostic } from './diagnostic.ts';
import { diagnostic } from './rules.ts';

/** P101: every import of another brick goes through its package name, and no component imports a base. */
export function checkImports(ws: Workspace): Diagnostic[] {
  const namespace = ws.config.namespace;
  const components = new Set(
    ws.bricks.filter((brick) => brick.kind === 'component').map((brick) => brick.name),
  );
  const bases = new Set(ws.bricks.filter((brick) => brick.kind === 'base').map((brick) => brick.name));
  const found: Diagnostic[] = [];
  for (const brick of ws.bricks) {
    for (const ref of brick.imports) {
      const { target, specifier, file, line } = ref;
      if (target.kind === 'relative' && target.leavesBrick) {
        found.push(
          diagnostic(
            'P101',
            `"${specifier}" leaves brick ${brick.name}: import other bricks by package name`,
            file,
            line,
          ),
        );
      }
      if (target.kind !== 'brick' || target.brick === brick.name) continue;
      if (target.deep) {
        const name = `@${namespace}/${target.brick}`;
        found.push(
          diagnostic(
            'P101',
            `"${specifier}" reaches inside brick ${target.brick}: import "${name}" instead`,
            file,
            line,
          ),
        );
      }
      // With a name clash (P105) the import may mean the component, so only a pure base counts.
      if (brick.kind === 'component' && bases.has(target.brick) && !components.has(target.brick)) {
        found.push(
          diagnostic(
            'P101',
            `component ${brick.name} imports base ${target.brick}: components never import bases`,
            file,
            line,
          ),
        );
      }
    }
  }
  return found;
}
