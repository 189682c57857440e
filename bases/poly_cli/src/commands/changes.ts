import { type ChangeImpact, mapChanges } from '@mousetrap/change_impact';
import { changedFiles, GitError, resolveSince } from '@mousetrap/git_changes';
import { flagValue } from '../args.ts';
import type { CommandContext } from '../context.ts';

/** The files changed since a point, and the bricks and projects they change and affect. */
export interface Changes {
  label: string;
  files: string[];
  impact: ChangeImpact;
}

/** The files changed since `--since` (default: the newest stable tag), mapped to bricks and projects. */
export async function changesSince(ctx: CommandContext): Promise<Changes> {
  const point = await resolveSince(ctx.root, flagValue(ctx.args, 'since'), ctx.ws.config.tags);
  const files = await changedFiles(ctx.root, point.ref);
  return { label: point.label, files, impact: mapChanges(ctx.ws, files) };
}

/**
 * {@link changesSince}, or undefined outside a git work tree when no `--since` was asked for:
 * with no history, info and test go on without it (a `--since` that cannot be met still fails).
 */
export async function changesIfRepository(ctx: CommandContext): Promise<Changes | undefined> {
  try {
    return await changesSince(ctx);
  } catch (error) {
    const outside = error instanceof GitError && error.code === 'not_a_repository';
    if (outside && flagValue(ctx.args, 'since') === undefined) return undefined;
    throw error;
  }
}

/** What to do to have history to compare with, for a workspace outside git. */
export const startGitHint = (ctx: CommandContext): string =>
  `git init, commit, and tag it ${ctx.ws.config.tags.stable.replace('*', '1')}`;
