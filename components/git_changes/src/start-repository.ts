import { realpath } from 'node:fs/promises';
import { gitOutput, runGit } from './run-git.ts';

/** What a new workspace's first commit is. */
export interface StartRepositoryOptions {
  /** The first commit's message. */
  message: string;
  /** The tag on it: the first stable point, so that changes are measured from there. */
  tag: string;
}

/** What {@link startRepository} did. */
export type RepositoryStart =
  /** Committed everything and tagged it; `initialised` when it ran `git init` first. */
  | { kind: 'committed'; initialised: boolean; tag: string }
  /** The folder belongs to a repository with history, or is below another's top: left alone. */
  | { kind: 'inside'; top: string }
  /** Git has no user.name or user.email to commit with: no commit, no tag. */
  | { kind: 'no_identity'; initialised: boolean };

const sameFolder = async (a: string, b: string): Promise<boolean> =>
  (await realpath(a).catch(() => a)) === (await realpath(b).catch(() => b));

/**
 * Makes a new workspace's folder a repository with one commit of everything in it and a stable
 * tag on that commit, so that "what changed" has a starting point. An empty repository whose top
 * is `root` (`git init` run first) is used as it is; a folder inside a repository with history,
 * or below another repository's top, is left alone. Commits with the user's own git config.
 */
export async function startRepository(
  root: string,
  options: StartRepositoryOptions,
): Promise<RepositoryStart> {
  const top = await runGit(root, ['rev-parse', '--show-toplevel']);
  let initialised = false;
  if (top.status === 0) {
    const topDir = top.stdout.trim();
    const history = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
    if (history.status === 0 || !(await sameFolder(topDir, root))) return { kind: 'inside', top: topDir };
  } else {
    await gitOutput(root, ['init', '--quiet']);
    initialised = true;
  }
  for (const ident of ['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT']) {
    if ((await runGit(root, ['var', ident])).status !== 0) return { kind: 'no_identity', initialised };
  }
  await gitOutput(root, ['add', '--all']);
  await gitOutput(root, ['commit', '--quiet', '-m', options.message]);
  await gitOutput(root, ['tag', '--end-of-options', options.tag]);
  return { kind: 'committed', initialised, tag: options.tag };
}
