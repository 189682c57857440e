import { infoView, renderInfo, renderInfoShort, renderJson } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesSince } from './changes.ts';

/**
 * `poly info`: counts and the brick × project table (with --short, a line per project), marking
 * changed (*) and affected (+) bricks.
 */
export async function info(ctx: CommandContext): Promise<number> {
  const { label, impact } = await changesSince(ctx);
  const view = infoView(ctx.ws, {
    changed: impact.changedBricks,
    affected: impact.affectedBricks,
    sinceLabel: label,
  });
  const render = ctx.args.flags.short ? renderInfoShort : renderInfo;
  ctx.out(ctx.args.flags.json ? renderJson(view) : render(view, { color: ctx.color }));
  return EXIT.ok;
}
