import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { TestRunError } from './errors.ts';
import { type JestJson, plain, readJestResults, relativeTo, type TestRunResult } from './jest-results.ts';
import { progressFdVariable, progressReporterSource, type TestProgress } from './progress-reporter.ts';
import type { TestTarget } from './select-tests.ts';

/** How to run the chosen tests. */
export interface RunOptions {
  /** Called at the start and after each test file; the run does not wait for it. */
  onProgress?: (event: TestProgress) => void;
  /** The environment of the jest process; `NODE_OPTIONS=--experimental-vm-modules` is added. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Extra jest arguments, before the folders (e.g. `--config`, `--runInBand`). @default [] */
  jestArgs?: string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function parseEvent(line: string): TestProgress | undefined {
  try {
    return JSON.parse(line) as TestProgress;
  } catch {
    return undefined; // only our reporter writes here; a torn line is not worth failing the run for
  }
}

/** Runs jest once and resolves with its exit code and stderr, reporting progress as it comes. */
function spawnJest(
  root: string,
  realRoot: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onProgress: RunOptions['onProgress'],
) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => {
    const event = parseEvent(line);
    if (event === undefined || onProgress === undefined) return;
    onProgress(event.kind === 'file' ? { ...event, file: relativeTo(realRoot, event.file) } : event);
  });
  return new Promise<{ exitCode: number; stderr: string }>((resolve, reject) => {
    child.once('error', (cause) =>
      reject(new TestRunError('jest_failed', `jest could not start: ${cause.message}`, { cause })),
    );
    child.once('close', (code) => resolve({ exitCode: code ?? 1, stderr }));
  });
}

/**
 * Runs the targets' tests in one jest process (the root's `node_modules/jest` and jest config),
 * with `--experimental-vm-modules`, reporting each finished test file through `onProgress`,
 * and returns the counts and the failures from jest's JSON results. No targets: zeros, no jest.
 */
export async function runTests(
  root: string,
  targets: readonly TestTarget[],
  options: RunOptions = {},
): Promise<TestRunResult> {
  if (targets.length === 0) return { passed: 0, failed: 0, skipped: 0, failedTests: [], exitCode: 0 };
  const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  if (!existsSync(jest)) throw new TestRunError('jest_not_found', `no jest at ${jest}; run npm install`);
  // Jest matches patterns against real absolute paths, so anchor each folder there: `log/` must
  // not also select `log_shipping/`.
  const real = realpathSync(root);
  const patterns = targets.map((target) => `^${escapeRegExp(join(real, target.dir))}/`);
  const scratch = await mkdtemp(join(tmpdir(), 'poly-test-'));
  try {
    const output = join(scratch, 'results.json');
    const reporter = join(scratch, 'progress-reporter.cjs');
    await writeFile(reporter, progressReporterSource);
    const base = options.env ?? process.env;
    const nodeOptions = base.NODE_OPTIONS ?? '';
    const env = {
      ...base,
      NODE_OPTIONS: nodeOptions.includes('--experimental-vm-modules')
        ? nodeOptions
        : `${nodeOptions} --experimental-vm-modules`.trim(),
      [progressFdVariable]: '3',
    };
    const args = [jest, '--json', `--outputFile=${output}`, `--reporters=${reporter}`, '--passWithNoTests'];
    const run = await spawnJest(
      root,
      real,
      [...args, ...(options.jestArgs ?? []), ...patterns],
      env,
      options.onProgress,
    );
    const json = await readFile(output, 'utf8').catch(() => undefined);
    if (json === undefined) {
      const tail = plain(run.stderr).trim().split('\n').slice(-20).join('\n');
      throw new TestRunError('jest_failed', `jest exited with ${run.exitCode} without results:\n${tail}`);
    }
    return readJestResults(real, JSON.parse(json) as JestJson, run.exitCode);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
