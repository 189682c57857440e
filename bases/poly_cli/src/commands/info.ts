import { infoView, renderInfo, renderJson } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesIfRepository, startGitHint } from './changes.ts';

/** `poly info`: counts and the brick × project table, marking changed (*) and affected (+) bricks. */
export async function info(ctx: CommandContext): Promise<number> {
  const changes = await changesIfRepository(ctx);
  const view = infoView(ctx.ws, {
    changed: changes?.impact.changedBricks ?? [],
    affected: changes?.impact.affectedBricks ?? [],
    sinceLabel: changes?.label ?? `no git repository, so nothing is marked (${startGitHint(ctx)})`,
  });
  ctx.out(ctx.args.flags.json ? renderJson(view) : renderInfo(view, { color: ctx.color }));
  return EXIT.ok;
}
