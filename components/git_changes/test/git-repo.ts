import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away git repository in a temp folder, driven the way a developer would. */
export interface GitRepo {
  root: string;
  git(...args: string[]): string;
  write(path: string, text: string): void;
  move(from: string, to: string): void;
  /** Stages everything and commits; `date` (ISO) fixes author and committer dates. */
  commit(message: string, date?: string): string;
  remove(): void;
}

/**
 * Git with only the repository's own config (a developer's global `commit.gpgsign` or
 * `tag.sort` must not change a test), and without a hook's GIT_DIR pointing elsewhere.
 */
function gitEnv(date: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const name of Object.keys(env))
    if (/^GIT_(DIR|WORK_TREE|INDEX_FILE|PREFIX|COMMON_DIR)$/.test(name)) delete env[name];
  if (date !== undefined) Object.assign(env, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  return env;
}

/** Creates an empty repository on branch `main` with a local user. */
export function createRepo(): GitRepo {
  const root = mkdtempSync(join(tmpdir(), 'git-changes-'));
  const run = (args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd: root,
      env: gitEnv(date),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  run(['init', '--quiet', '--initial-branch=main']);
  run(['config', 'user.name', 'Fixture']);
  run(['config', 'user.email', 'fixture@example.com']);
  return {
    root,
    git: (...args) => run(args).trim(),
    write(path, text) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    },
    move: (from, to) => renameSync(join(root, from), join(root, to)),
    commit(message, date) {
      run(['add', '--all']);
      run(['commit', '--quiet', '--allow-empty', '-m', message], date);
      return run(['rev-parse', 'HEAD']).trim();
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
