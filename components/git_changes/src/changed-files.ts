import { gitOutput, splitNul } from './run-git.ts';

/**
 * The files changed between `ref` and the working tree, relative to `root`, sorted: committed
 * since `ref`, staged, unstaged, and untracked files that are not ignored. A rename counts as both
 * paths. With `ref` undefined (no stable point yet) every tracked and untracked file counts.
 * Only files under `root` are listed, so a workspace inside a larger repository sees its own.
 * Outside a git work tree, throws `not_a_repository`.
 */
export async function changedFiles(root: string, ref: string | undefined): Promise<string[]> {
  const listTracked =
    ref === undefined
      ? gitOutput(root, ['ls-files', '-z'])
      : gitOutput(root, ['diff', '--name-only', '-z', '--no-renames', '--relative', ref, '--']);
  const [tracked, untracked] = await Promise.all([
    listTracked,
    gitOutput(root, ['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  const files = new Set([...splitNul(tracked), ...splitNul(untracked)]);
  return [...files].sort();
}
