import { resolveSince, type SincePoint, type TagPatterns } from './resolve-since.ts';
import { gitOutput, splitNul } from './run-git.ts';

const listTracked = (root: string, ref: string | undefined): Promise<string> =>
  ref === undefined
    ? gitOutput(root, ['ls-files', '-z'])
    : gitOutput(root, ['diff', '--name-only', '-z', '--no-renames', '--relative', ref, '--']);

const listUntracked = (root: string): Promise<string> =>
  gitOutput(root, ['ls-files', '-z', '--others', '--exclude-standard']);

const merge = (tracked: string, untracked: string): string[] =>
  [...new Set([...splitNul(tracked), ...splitNul(untracked)])].sort();

/**
 * The files changed between `ref` and the working tree, relative to `root`, sorted: committed
 * since `ref`, staged, unstaged, and untracked files that are not ignored. A rename counts as both
 * paths. With `ref` undefined (no stable point yet) every tracked and untracked file counts.
 * Only files under `root` are listed, so a workspace inside a larger repository sees its own.
 * Outside a git work tree, throws `not_a_repository`.
 */
export async function changedFiles(root: string, ref: string | undefined): Promise<string[]> {
  const [tracked, untracked] = await Promise.all([listTracked(root, ref), listUntracked(root)]);
  return merge(tracked, untracked);
}

/**
 * {@link resolveSince} then {@link changedFiles}, with git listing the untracked files meanwhile:
 * two rounds of git processes instead of three.
 */
export async function changedSince(
  root: string,
  since: string | undefined,
  tags: TagPatterns,
): Promise<{ point: SincePoint; files: string[] }> {
  const untracked = listUntracked(root);
  // Awaited below; when resolveSince fails first, its error is the one to report.
  untracked.catch(() => {});
  const point = await resolveSince(root, since, tags);
  const tracked = await listTracked(root, point.ref);
  return { point, files: merge(tracked, await untracked) };
}
