import { spawn } from 'node:child_process';

/** Options of {@link run}. */
export interface RunOptions {
  /** Environment of the command. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Working directory. @default process.cwd() */
  cwd?: string;
  /** Written to the command's standard input, then closed. */
  input?: string;
  /** Pipes the output through to ours instead of capturing it (long builds a person watches). @default false */
  inherit?: boolean;
  /** Resolves with the exit code instead of throwing when it is not 0. @default false */
  allowFailure?: boolean;
}

/** What a finished command printed and how it ended. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command that exited with a code other than 0; the message ends with the tail of its output. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
    super(`\`${command}\` exited with ${result.code}${output === '' ? '' : `:\n${output}`}`);
  }
}

/**
 * Runs a program without a shell and resolves when it exits, so that a failing step of an image
 * build or a container check names the command and shows what it printed.
 */
export function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const command = [program, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [
        options.input === undefined ? 'ignore' : 'pipe',
        options.inherit ? 'inherit' : 'pipe',
        options.inherit ? 'inherit' : 'pipe',
      ],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin?.end(options.input);
    child.on('error', (cause) => reject(new Error(`cannot run \`${command}\`: ${cause.message}`, { cause })));
    child.on('close', (code, signal) => {
      const result = { code: code ?? (signal === null ? 1 : 128), stdout, stderr };
      if (result.code === 0 || options.allowFailure) resolve(result);
      else reject(new CommandError(command, result));
    });
  });
}

/** Whether `program` runs and exits 0 with `args` (a probe such as `docker info`). */
export async function succeeds(
  program: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<boolean> {
  try {
    return (await run(program, args, { env, allowFailure: true })).code === 0;
  } catch {
    return false;
  }
}
