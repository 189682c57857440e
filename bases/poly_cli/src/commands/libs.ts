import { libsView, renderJson, renderLibs } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly libs`: libraries per brick and project, and what is missing, unused or drifting. */
export function libs(ctx: CommandContext): number {
  const view = libsView(ctx.ws);
  ctx.out(ctx.args.flags.json ? renderJson(view) : renderLibs(view, { color: ctx.color }));
  return EXIT.ok;
}
