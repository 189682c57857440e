import { infoView, renderInfo, renderInfoShort, renderJson } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesIfRepository, startGitHint } from './changes.ts';

/**
 * `poly info`: counts and the brick × project table (with --short, a line per project), marking
 * changed (*) and affected (+) bricks.
 */
export async function info(ctx: CommandContext): Promise<number> {
  const changes = await changesIfRepository(ctx);
  const view = infoView(ctx.ws, {
    changed: changes?.impact.changedBricks ?? [],
    affected: changes?.impact.affectedBricks ?? [],
    sinceLabel: changes?.label ?? `no git repository, so nothing is marked (${startGitHint(ctx)})`,
  });
  const render = ctx.args.flags.short ? renderInfoShort : renderInfo;
  ctx.out(ctx.args.flags.json ? renderJson(view) : render(view, { color: ctx.color }));
  return EXIT.ok;
}
