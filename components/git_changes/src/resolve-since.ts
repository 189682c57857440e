import { GitError } from './errors.ts';
import { assertRepository, gitOutput, runGit } from './run-git.ts';

/** The tag patterns of workspace.json (git globs such as `stable-*` and `v[0-9]*`). */
export interface TagPatterns {
  /** Marks the last stable point (CI moves it after a green build). */
  stable: string;
  /** Marks a release; the highest version wins. */
  release: string;
}

/** The point a diff starts from. */
export interface SincePoint {
  /** A commit sha; `undefined` when there is no such point yet and every file counts as changed. */
  ref: string | undefined;
  /** Says what the point is, for people: `stable-3 (tag)`, `merge-base with main`, `HEAD~1`. */
  label: string;
}

/** The label of a point that does not exist yet, so every brick counts as changed. */
const noTag = (kind: 'stable' | 'release') => `no ${kind} tag: every brick counts as changed`;

/** A tag and the commit it names (undefined when it names a tree or a blob). */
interface Tag {
  name: string;
  commit: string | undefined;
}

/**
 * The newest tag matching `pattern` (by creation date then version for stable, by version for
 * release) with its commit, in one git process: an annotated tag's commit is the object it peels to.
 */
async function newestTag(
  root: string,
  pattern: string,
  kind: 'stable' | 'release',
): Promise<Tag | undefined> {
  // The last --sort is the primary key; version order breaks ties of tags made in the same second.
  const sort = kind === 'stable' ? ['--sort=-v:refname', '--sort=-creatordate'] : ['--sort=-v:refname'];
  const format =
    '--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)';
  const tags = await gitOutput(root, ['tag', '--list', ...sort, format, '--end-of-options', pattern]);
  const line = tags.split('\n').find((entry) => entry !== '');
  if (line === undefined) return undefined;
  const [name = '', type, object, peeledType, peeled] = line.split('\0');
  if (type === 'commit') return { name, commit: object };
  // A tag of a tag peels once here; git itself follows the rest of the chain.
  if (peeledType === 'commit') return { name, commit: peeled };
  return { name, commit: await commitOf(root, `refs/tags/${name}`) };
}

/** The commit `rev` names, or undefined when it names none. */
async function commitOf(root: string, rev: string): Promise<string | undefined> {
  const verify = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`];
  const output = await runGit(root, verify);
  return output.status === 0 ? output.stdout.trim() : undefined;
}

function tagPoint(tag: Tag): SincePoint {
  if (tag.commit === undefined) throw new GitError('unknown_ref', `tag ${tag.name} does not name a commit`);
  return { ref: tag.commit, label: `${tag.name} (tag)` };
}

async function mergeBase(root: string, branch: string, ref: string): Promise<SincePoint> {
  const output = await runGit(root, ['merge-base', 'HEAD', ref]);
  if (output.status !== 0) throw new GitError('no_merge_base', `HEAD and ${branch} share no history`);
  return { ref: output.stdout.trim(), label: `merge-base with ${branch}` };
}

/**
 * Turns `poly diff --since` into a commit: undefined or `stable` → the newest stable tag,
 * `release` → the highest release tag, a tag name → that tag, a branch (local or remote) → its
 * merge-base with HEAD, anything else git can resolve (a sha, `HEAD~1`) → that commit. With no
 * stable or release tag yet, `ref` is undefined: every file counts as changed.
 */
export async function resolveSince(
  root: string,
  since: string | undefined,
  tags: TagPatterns,
): Promise<SincePoint> {
  const keyword = since ?? 'stable';
  if (keyword === 'stable' || keyword === 'release') {
    // Outside a work tree the listing fails, and gitOutput then throws not_a_repository.
    const tag = await newestTag(root, tags[keyword], keyword);
    return tag === undefined ? { ref: undefined, label: noTag(keyword) } : tagPoint(tag);
  }
  await assertRepository(root);
  if (keyword === '' || keyword.startsWith('-')) {
    throw new GitError('unknown_ref', `"${keyword}" is not a ref`);
  }
  const tagged = await commitOf(root, `refs/tags/${keyword}`);
  if (tagged !== undefined) return tagPoint({ name: keyword, commit: tagged });
  for (const namespace of ['refs/heads/', 'refs/remotes/']) {
    const ref = await commitOf(root, `${namespace}${keyword}`);
    if (ref !== undefined) return mergeBase(root, keyword, ref);
  }
  const ref = await commitOf(root, keyword);
  if (ref === undefined) throw new GitError('unknown_ref', `"${keyword}" names no tag, branch or commit`);
  return { ref, label: keyword };
}
