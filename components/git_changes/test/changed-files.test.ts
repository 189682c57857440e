import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedFiles, changedSince } from '../src/changed-files.ts';
import { GitError } from '../src/errors.ts';
import { createRepo, type GitRepo } from './git-repo.ts';

let repo: GitRepo;
let base: string;

beforeEach(() => {
  repo = createRepo();
  repo.write('.gitignore', 'dist/\n');
  repo.write('components/a/src/index.ts', 'export const a = 1;\n');
  repo.write('components/b/src/index.ts', 'export const b = 1;\n');
  repo.write('components/c/src/old name.ts', 'export const c = 1;\n');
  base = repo.commit('initial');
});

afterEach(() => repo.remove());

describe('changedFiles', () => {
  test('when nothing changed since the ref, lists nothing', async () => {
    expect(await changedFiles(repo.root, base)).toEqual([]);
  });

  test('counts committed, staged, unstaged and untracked files, sorted, but not ignored ones', async () => {
    repo.write('components/b/src/index.ts', 'export const b = 2;\n');
    repo.commit('b');
    repo.write('components/a/src/index.ts', 'export const a = 2;\n');
    repo.git('add', 'components/a/src/index.ts');
    repo.write('components/c/src/old name.ts', 'export const c = 2;\n');
    repo.write('components/c/src/new.ts', 'export const n = 1;\n');
    repo.write('dist/bundle.js', 'ignored');
    expect(await changedFiles(repo.root, base)).toEqual([
      'components/a/src/index.ts',
      'components/b/src/index.ts',
      'components/c/src/new.ts',
      'components/c/src/old name.ts',
    ]);
  });

  test('a committed rename counts both the old and the new path', async () => {
    repo.git('mv', 'components/c/src/old name.ts', 'components/a/src/moved.ts');
    repo.commit('move');
    expect(await changedFiles(repo.root, base)).toEqual([
      'components/a/src/moved.ts',
      'components/c/src/old name.ts',
    ]);
  });

  test('a rename not yet staged counts both the old and the new path', async () => {
    repo.move('components/c/src/old name.ts', 'components/b/src/moved.ts');
    expect(await changedFiles(repo.root, base)).toEqual([
      'components/b/src/moved.ts',
      'components/c/src/old name.ts',
    ]);
  });

  test('a deleted file counts', async () => {
    rmSync(join(repo.root, 'components/b/src/index.ts'));
    expect(await changedFiles(repo.root, base)).toEqual(['components/b/src/index.ts']);
  });

  test('without a ref, every tracked and untracked file counts', async () => {
    repo.write('components/d/src/index.ts', 'export const d = 1;\n');
    expect(await changedFiles(repo.root, undefined)).toEqual([
      '.gitignore',
      'components/a/src/index.ts',
      'components/b/src/index.ts',
      'components/c/src/old name.ts',
      'components/d/src/index.ts',
    ]);
  });

  test('when the workspace is a folder of a larger repository, lists its files relative to it', async () => {
    repo.write('components/a/src/index.ts', 'export const a = 3;\n');
    repo.write('components/b/src/extra.ts', 'export const e = 1;\n');
    expect(await changedFiles(join(repo.root, 'components'), base)).toEqual([
      'a/src/index.ts',
      'b/src/extra.ts',
    ]);
  });

  test('outside a git work tree, throws not_a_repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'not-git-'));
    try {
      await expect(changedFiles(plain, undefined)).rejects.toMatchObject({
        constructor: GitError,
        code: 'not_a_repository',
      });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('changedSince', () => {
  const tags = { stable: 'stable-*', release: 'v[0-9]*' };

  test('changedSince: resolves the newest stable tag and lists what changed since, untracked files too', async () => {
    repo.git('tag', 'stable-1');
    repo.write('components/a/src/index.ts', 'export const a = 2;\n');
    repo.write('components/b/src/new.ts', 'export const n = 1;\n');
    expect(await changedSince(repo.root, undefined, tags)).toEqual({
      point: { ref: base, label: 'stable-1 (tag)' },
      files: ['components/a/src/index.ts', 'components/b/src/new.ts'],
    });
  });

  test('changedSince: with no stable tag, every tracked and untracked file counts', async () => {
    repo.write('components/b/src/new.ts', 'export const n = 1;\n');
    const { point, files } = await changedSince(repo.root, undefined, tags);
    expect(point.ref).toBeUndefined();
    expect(files).toEqual([
      '.gitignore',
      'components/a/src/index.ts',
      'components/b/src/index.ts',
      'components/b/src/new.ts',
      'components/c/src/old name.ts',
    ]);
  });

  test('changedSince: outside a git work tree, throws not_a_repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'not-git-'));
    try {
      await expect(changedSince(plain, undefined, tags)).rejects.toMatchObject({
        constructor: GitError,
        code: 'not_a_repository',
      });
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});
