import { renderJson, wsView } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';

/** `poly ws`: the whole workspace model as JSON. */
export function ws(ctx: CommandContext): number {
  ctx.out(renderJson(wsView(ctx.ws)));
  return EXIT.ok;
}
