import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../src/errors.ts';
import { resolveSince } from '../src/resolve-since.ts';
import { createRepo, type GitRepo } from './git-repo.ts';

const tags = { stable: 'stable-*', release: 'v[0-9]*' };
let repo: GitRepo;

beforeEach(() => {
  repo = createRepo();
});

afterEach(() => repo.remove());

describe('resolveSince', () => {
  test('with no since, resolves the newest stable tag by creation date', async () => {
    repo.write('f', '1');
    repo.commit('one', '2024-01-01T00:00:00Z');
    repo.git('tag', 'stable-10');
    repo.write('f', '2');
    const newer = repo.commit('two', '2024-02-01T00:00:00Z');
    repo.git('tag', 'stable-9');
    repo.write('f', '3');
    repo.commit('three', '2024-03-01T00:00:00Z');
    expect(await resolveSince(repo.root, undefined, tags)).toEqual({ ref: newer, label: 'stable-9 (tag)' });
  });

  test('when two stable tags share a creation time, the higher version wins', async () => {
    const sha = repo.commit('one', '2024-01-01T00:00:00Z');
    repo.git('tag', 'stable-10');
    repo.git('tag', 'stable-9');
    expect(await resolveSince(repo.root, 'stable', tags)).toEqual({ ref: sha, label: 'stable-10 (tag)' });
  });

  test('an annotated stable tag resolves to its commit, not the tag object', async () => {
    const sha = repo.commit('one');
    repo.git('tag', '-a', 'stable-1', '-m', 'green build');
    expect(await resolveSince(repo.root, 'stable', tags)).toEqual({ ref: sha, label: 'stable-1 (tag)' });
  });

  test('a stable tag of an annotated tag resolves to the commit at the end of the chain', async () => {
    const sha = repo.commit('one');
    repo.git('tag', '-a', 'stable-1', '-m', 'green build');
    repo.git('tag', '-a', 'stable-2', 'stable-1', '-m', 'tag of a tag');
    expect(await resolveSince(repo.root, 'stable', tags)).toEqual({ ref: sha, label: 'stable-2 (tag)' });
  });

  test('release resolves the highest version, so v1.10.0 beats v1.2.0 whatever the dates', async () => {
    const ten = repo.commit('ten', '2024-01-01T00:00:00Z');
    repo.git('tag', 'v1.10.0');
    repo.commit('two', '2024-02-01T00:00:00Z');
    repo.git('tag', 'v1.2.0');
    repo.git('tag', 'stable-1');
    expect(await resolveSince(repo.root, 'release', tags)).toEqual({ ref: ten, label: 'v1.10.0 (tag)' });
  });

  test('with no stable tag, returns no ref so that everything counts as changed', async () => {
    repo.commit('one');
    repo.git('tag', 'v1.0.0');
    expect(await resolveSince(repo.root, undefined, tags)).toEqual({
      ref: undefined,
      label: 'no stable tag: every brick counts as changed',
    });
  });

  test('with no release tag, returns no ref', async () => {
    repo.commit('one');
    expect(await resolveSince(repo.root, 'release', tags)).toEqual({
      ref: undefined,
      label: 'no release tag: every brick counts as changed',
    });
  });

  test('a tag name resolves to its commit', async () => {
    const sha = repo.commit('one');
    repo.git('tag', 'before-refactor');
    repo.commit('two');
    expect(await resolveSince(repo.root, 'before-refactor', tags)).toEqual({
      ref: sha,
      label: 'before-refactor (tag)',
    });
  });

  test('a sha or a revision expression resolves to that commit', async () => {
    const first = repo.commit('one');
    const second = repo.commit('two');
    repo.commit('three');
    expect(await resolveSince(repo.root, first, tags)).toEqual({ ref: first, label: first });
    expect(await resolveSince(repo.root, 'HEAD~1', tags)).toEqual({ ref: second, label: 'HEAD~1' });
  });

  test('a branch resolves to its merge-base with HEAD, not its tip', async () => {
    repo.write('f', 'base');
    const fork = repo.commit('fork point');
    repo.git('switch', '--quiet', '-c', 'feature');
    repo.write('g', 'feature');
    repo.commit('on feature');
    repo.git('switch', '--quiet', 'main');
    repo.write('h', 'main');
    repo.commit('on main');
    repo.git('switch', '--quiet', 'feature');
    expect(await resolveSince(repo.root, 'main', tags)).toEqual({ ref: fork, label: 'merge-base with main' });
  });

  test('an unknown ref throws unknown_ref', async () => {
    repo.commit('one');
    for (const since of ['no-such-branch', 'deadbeef', '--output=x']) {
      await expect(resolveSince(repo.root, since, tags)).rejects.toMatchObject({
        constructor: GitError,
        code: 'unknown_ref',
      });
    }
  });

  test('a branch with no shared history throws no_merge_base', async () => {
    repo.commit('one');
    repo.git('switch', '--quiet', '--orphan', 'island');
    repo.commit('unrelated');
    await expect(resolveSince(repo.root, 'main', tags)).rejects.toMatchObject({ code: 'no_merge_base' });
  });

  test('outside a git work tree, throws not_a_repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'not-git-'));
    try {
      await expect(resolveSince(plain, undefined, tags)).rejects.toMatchObject({
        constructor: GitError,
        code: 'not_a_repository',
      });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
