import { renderJson } from '@mousetrap/poly_render';
import { checkVerdict, checkWorkspace } from '@mousetrap/workspace_checks';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly check`: every rule, sorted; `OK` when clean; exit 1 on an error, or with --strict on a warning. */
export function check(ctx: CommandContext): number {
  const diagnostics = checkWorkspace(ctx.ws);
  const strict = ctx.args.flags.strict === true;
  const { ok, errors, warnings } = checkVerdict(diagnostics, { strict });
  if (ctx.args.flags.json) {
    ctx.out(renderJson({ ok, errors, warnings, diagnostics }));
  } else if (diagnostics.length === 0) {
    ctx.out('OK\n');
  } else {
    for (const d of diagnostics) {
      ctx.out(`${d.severity} ${d.code} ${d.file}${d.line === undefined ? '' : `:${d.line}`}: ${d.message}\n`);
    }
    const failedOnWarnings = !ok && errors === 0 ? ' (--strict: warnings fail)' : '';
    ctx.out(
      `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}${failedOnWarnings}\n`,
    );
  }
  return ok ? EXIT.ok : EXIT.failures;
}
