import { type DiffView, renderDiff, renderDiffShort, renderJson } from '@mousetrap/poly_render';
import type { CommandContext } from '../context.ts';
import { EXIT } from '../context.ts';
import { changesIfRepository, startGitHint } from './changes.ts';

/**
 * `poly diff`: changed files mapped to bricks and projects, with what they affect transitively.
 * Outside git there is nothing to compare with: a configuration error (exit 2).
 */
export async function diff(ctx: CommandContext): Promise<number> {
  const changes = await changesIfRepository(ctx);
  if (changes === undefined) {
    ctx.err(
      `diff compares with git history, and ${ctx.root} is not in a git repository: ${startGitHint(ctx)}`,
    );
    return EXIT.usage;
  }
  const view: DiffView = { since: changes.label, files: changes.files, ...changes.impact };
  const { bricks, projects, short, json } = ctx.args.flags;
  const show = { bricks: bricks === true, projects: projects === true };
  ctx.out(json ? renderJson(view) : short ? renderDiffShort(view, show) : renderDiff(view, show));
  return EXIT.ok;
}
