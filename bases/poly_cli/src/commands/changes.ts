import { type ChangeImpact, mapChanges } from '@mousetrap/change_impact';
import { changedSince, GitError, type TagPatterns } from '@mousetrap/git_changes';
import { flagValue, type ParsedArgs } from '../args.ts';
import type { CommandContext } from '../context.ts';

/** What git says changed since a point, before it is mapped onto the workspace. */
export interface History {
  label: string;
  files: string[];
}

/** The files changed since a point, and the bricks and projects they change and affect. */
export interface Changes extends History {
  impact: ChangeImpact;
}

/**
 * Asks git for the files changed since `--since` (default: the newest stable tag). run-poly asks
 * before it loads the workspace, so that git works while the workspace is read.
 */
export function askHistory(root: string, args: ParsedArgs, tags: TagPatterns): Promise<History> {
  const asked = changedSince(root, flagValue(args, 'since'), tags).then(({ point, files }) => ({
    label: point.label,
    files,
  }));
  // The command awaits it; a workspace that fails to load first must not leave it unhandled.
  asked.catch(() => {});
  return asked;
}

/**
 * The changes since `--since`, or undefined outside a git work tree when no `--since` was asked for:
 * with no history, info and test go on without it (a `--since` that cannot be met still fails).
 */
export async function changesIfRepository(ctx: CommandContext): Promise<Changes | undefined> {
  try {
    const { label, files } = await (ctx.history ?? askHistory(ctx.root, ctx.args, ctx.ws.config.tags));
    return { label, files, impact: mapChanges(ctx.ws, files) };
  } catch (error) {
    const outside = error instanceof GitError && error.code === 'not_a_repository';
    if (outside && flagValue(ctx.args, 'since') === undefined) return undefined;
    throw error;
  }
}

/** What to do to have history to compare with, for a workspace outside git. */
export const startGitHint = (ctx: CommandContext): string =>
  `git init, commit, and tag it ${ctx.ws.config.tags.stable.replace('*', '1')}`;
