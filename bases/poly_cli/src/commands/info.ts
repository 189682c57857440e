import { infoView, renderInfo, renderJson } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesSince } from './changes.ts';

/** `poly info`: counts and the brick × project table, marking changed (*) and affected (+) bricks. */
export async function info(ctx: CommandContext): Promise<number> {
  const { label, impact } = await changesSince(ctx);
  const view = infoView(ctx.ws, {
    changed: impact.changedBricks,
    affected: impact.affectedBricks,
    sinceLabel: label,
  });
  ctx.out(ctx.args.flags.json ? renderJson(view) : renderInfo(view, { color: ctx.color }));
  return EXIT.ok;
}
