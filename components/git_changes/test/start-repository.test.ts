import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRepository } from '../src/start-repository.ts';
import { createRepo } from './git-repo.ts';

const options = { message: 'A new workspace', tag: 'stable-1' };
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** startRepository runs git with the process's environment: these tests choose what git sees. */
const saved = { ...process.env };
function useGitEnv(identity: boolean): void {
  Object.assign(process.env, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
  if (identity) {
    Object.assign(process.env, {
      GIT_AUTHOR_NAME: 'Fixture',
      GIT_AUTHOR_EMAIL: 'fixture@example.com',
      GIT_COMMITTER_NAME: 'Fixture',
      GIT_COMMITTER_EMAIL: 'fixture@example.com',
    });
  } else {
    // Without a configured identity, git must not guess one from the host name.
    Object.assign(process.env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.useConfigOnly',
      GIT_CONFIG_VALUE_0: 'true',
    });
    for (const name of ['AUTHOR', 'COMMITTER'])
      for (const part of ['NAME', 'EMAIL']) delete process.env[`GIT_${name}_${part}`];
  }
}

const dirs: string[] = [];
function workspaceFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'start-repo-'));
  dirs.push(dir);
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  writeFileSync(join(dir, 'workspace.json'), '{}\n');
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(join(dir, 'node_modules', 'ignored.js'), '');
  return dir;
}

beforeEach(() => useGitEnv(true));
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('startRepository', () => {
  test('in a folder outside any repository, initialises one, commits every file git does not ignore, and tags it', async () => {
    const dir = workspaceFolder();
    expect(await startRepository(dir, options)).toEqual({
      kind: 'committed',
      initialised: true,
      tag: 'stable-1',
    });
    expect(git(dir, 'log', '--format=%s')).toBe('A new workspace');
    expect(git(dir, 'ls-files')).toBe('.gitignore\nworkspace.json');
    expect(git(dir, 'tag', '--points-at', 'HEAD')).toBe('stable-1');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  test('in an empty repository whose top is the folder (git init run first), commits there', async () => {
    const dir = workspaceFolder();
    git(dir, 'init', '--quiet');
    expect(await startRepository(dir, options)).toEqual({
      kind: 'committed',
      initialised: false,
      tag: 'stable-1',
    });
    expect(git(dir, 'rev-list', '--count', 'stable-1')).toBe('1');
  });

  test('in a repository with history, leaves it alone', async () => {
    const repo = createRepo();
    try {
      repo.write('README.md', 'hello\n');
      const head = repo.commit('first');
      repo.write('workspace.json', '{}\n');
      expect(await startRepository(repo.root, options)).toEqual({
        kind: 'inside',
        top: git(repo.root, 'rev-parse', '--show-toplevel'),
      });
      expect(git(repo.root, 'rev-parse', 'HEAD')).toBe(head);
      expect(git(repo.root, 'tag')).toBe('');
    } finally {
      repo.remove();
    }
  });

  test('below the top of another repository, even one without history, makes no repository of its own', async () => {
    const outer = workspaceFolder();
    git(outer, 'init', '--quiet');
    const dir = join(outer, 'acme');
    mkdirSync(dir);
    writeFileSync(join(dir, 'workspace.json'), '{}\n');
    expect(await startRepository(dir, options)).toEqual({
      kind: 'inside',
      top: git(outer, 'rev-parse', '--show-toplevel'),
    });
    expect(spawnSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: outer }).status).not.toBe(0);
    expect(git(dir, 'rev-parse', '--show-toplevel')).toBe(git(outer, 'rev-parse', '--show-toplevel'));
  });

  test('when git has no user.name or user.email, initialises but neither commits nor tags', async () => {
    useGitEnv(false);
    const dir = workspaceFolder();
    expect(await startRepository(dir, options)).toEqual({ kind: 'no_identity', initialised: true });
    expect(spawnSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: dir }).status).not.toBe(0);
    expect(git(dir, 'tag')).toBe('');
  });
});
