import { type ChangeImpact, mapChanges } from '@mousetrap/change_impact';
import { changedFiles, resolveSince } from '@mousetrap/git_changes';
import { flagValue } from '../args.ts';
import type { CommandContext } from '../context.ts';

/** The files changed since `--since` (default: the newest stable tag), mapped to bricks and projects. */
export async function changesSince(
  ctx: CommandContext,
): Promise<{ label: string; files: string[]; impact: ChangeImpact }> {
  const point = await resolveSince(ctx.root, flagValue(ctx.args, 'since'), ctx.ws.config.tags);
  const files = await changedFiles(ctx.root, point.ref);
  return { label: point.label, files, impact: mapChanges(ctx.ws, files) };
}
