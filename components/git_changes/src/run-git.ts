import { execFile } from 'node:child_process';
import { GitError } from './errors.ts';

/** What a git command printed and how it ended. */
export interface GitOutput {
  stdout: string;
  stderr: string;
  /** 0 on success; git's exit status otherwise. */
  status: number;
}

/**
 * Variables a git hook exports; inherited, they would point every command at the hook's
 * repository instead of `root`.
 */
const hookVariables = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR'];

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of hookVariables) delete env[name];
  return env;
}

/**
 * Runs `git -c core.quotepath=off <args>` in `root` without a shell. A non-zero exit is returned,
 * not thrown, so callers can tell "no such ref" from a failure; a git that cannot start throws.
 */
export function runGit(root: string, args: readonly string[]): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.quotepath=off', ...args],
      { cwd: root, env: childEnv(), maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, stderr, status: 0 });
        if (typeof error.code === 'number') return resolve({ stdout, stderr, status: error.code });
        reject(
          new GitError('git_failed', `git ${args[0] ?? ''} could not run in ${root}: ${error.message}`, {
            cause: error,
          }),
        );
      },
    );
  });
}

/**
 * Runs git and returns its stdout. When git fails, throws `not_a_repository` if `root` is outside a
 * work tree (asked only then, so that a command costs one git process), else `git_failed` with git's
 * own message.
 */
export async function gitOutput(root: string, args: readonly string[]): Promise<string> {
  const output = await runGit(root, args);
  if (output.status !== 0) {
    await assertRepository(root);
    throw new GitError(
      'git_failed',
      `git ${args.join(' ')} failed (${output.status}): ${output.stderr.trim()}`,
    );
  }
  return output.stdout;
}

/** Throws `not_a_repository` unless `root` is inside a git work tree. */
export async function assertRepository(root: string): Promise<void> {
  const output = await runGit(root, ['rev-parse', '--is-inside-work-tree']);
  if (output.status !== 0 || output.stdout.trim() !== 'true') {
    throw new GitError('not_a_repository', `${root} is not inside a git work tree`);
  }
}

/** Splits `-z` output into its entries. */
export const splitNul = (text: string): string[] => text.split('\0').filter((entry) => entry !== '');
