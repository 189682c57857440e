import { renderJson } from '@mousetrap/poly_render';
import { checkWorkspace } from '@mousetrap/workspace_checks';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly check`: every rule, sorted; `OK` when clean; exit 1 on an error. */
export function check(ctx: CommandContext): number {
  const diagnostics = checkWorkspace(ctx.ws);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (ctx.args.flags.json) {
    ctx.out(renderJson({ ok: errors === 0, errors, warnings, diagnostics }));
  } else if (diagnostics.length === 0) {
    ctx.out('OK\n');
  } else {
    for (const d of diagnostics) {
      ctx.out(`${d.severity} ${d.code} ${d.file}${d.line === undefined ? '' : `:${d.line}`}: ${d.message}\n`);
    }
    ctx.out(
      `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}\n`,
    );
  }
  return errors > 0 ? EXIT.failures : EXIT.ok;
}
