import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TestRunError } from '../src/errors.ts';
import type { TestProgress } from '../src/progress-reporter.ts';
import { runTests } from '../src/run-tests.ts';

const workspaceRoot = join(__dirname, '..', '..', '..');

/** A folder with its own jest config and the workspace's node_modules, holding `files`. */
async function jestFolder(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'run-tests-'));
  await symlink(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  await writeFile(
    join(root, 'jest.config.cjs'),
    "module.exports = { testEnvironment: 'node', testMatch: ['**/test/**/*.test.cjs'] };\n",
  );
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('runTests', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  test('with no targets, returns zeros without starting jest', async () => {
    const result = await runTests('/nonexistent', []);
    expect(result).toEqual({ passed: 0, failed: 0, skipped: 0, failedTests: [], exitCode: 0 });
  });

  test("runs a brick of this workspace with the workspace's jest config and reports each file", async () => {
    const events: TestProgress[] = [];
    const result = await runTests(workspaceRoot, [{ name: 'log', dir: 'components/log', reason: 'named' }], {
      onProgress: (event) => events.push(event),
    });
    expect(result).toMatchObject({ failed: 0, failedTests: [], exitCode: 0 });
    expect(result.passed).toBeGreaterThan(0);
    expect(events[0]).toEqual({ kind: 'start', files: 1 });
    expect(events.slice(1)).toEqual([
      expect.objectContaining({
        kind: 'file',
        file: 'components/log/test/logger.test.ts',
        status: 'passed',
        failed: 0,
      }),
    ]);
  }, 60_000);

  test('counts passed, failed and skipped tests, names each failure, and selects only the given folders', async () => {
    scratch = await jestFolder({
      'components/f/test/f.test.cjs': [
        "test('adds', () => expect(1 + 1).toBe(2));",
        "describe('math', () => { test('is wrong', () => expect(1 + 1).toBe(3)); });",
        "test.skip('later', () => {});",
      ].join('\n'),
      'components/f_other/test/other.test.cjs': "test('never selected', () => expect(true).toBe(false));",
      'components/g/test/broken.test.cjs': 'this is not javascript',
    });
    const events: TestProgress[] = [];
    const result = await runTests(
      scratch,
      [
        { name: 'f', dir: 'components/f', reason: 'changed' },
        { name: 'g', dir: 'components/g', reason: 'changed' },
      ],
      { onProgress: (event) => events.push(event) },
    );
    expect(result).toMatchObject({ passed: 1, failed: 2, skipped: 1, exitCode: 1 });
    expect(result.failedTests).toEqual([
      {
        file: 'components/f/test/f.test.cjs',
        name: 'math is wrong',
        message: expect.stringContaining('Expected: 3'),
      },
      {
        file: 'components/g/test/broken.test.cjs',
        name: '',
        message: expect.stringContaining('SyntaxError'),
      },
    ]);
    expect(
      events.filter((event) => event.kind === 'file').map((event) => [event.file, event.status]),
    ).toEqual(
      expect.arrayContaining([
        ['components/f/test/f.test.cjs', 'failed'],
        ['components/g/test/broken.test.cjs', 'failed'],
      ]),
    );
    expect(events).toHaveLength(3);
  }, 60_000);

  test('when jest cannot start from the config, throws jest_failed with its message', async () => {
    scratch = await jestFolder({ 'components/f/test/f.test.cjs': "test('adds', () => {});" });
    await expect(
      runTests(scratch, [{ name: 'f', dir: 'components/f', reason: 'named' }], {
        jestArgs: ['--config', '{"preset":"no-such-preset"}'],
      }),
    ).rejects.toMatchObject({
      constructor: TestRunError,
      code: 'jest_failed',
      message: expect.stringContaining('no-such-preset'),
    });
  }, 60_000);

  test('without jest installed under the root, throws jest_not_found', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'run-tests-'));
    await expect(
      runTests(scratch, [{ name: 'f', dir: 'components/f', reason: 'named' }]),
    ).rejects.toMatchObject({
      code: 'jest_not_found',
    });
  });
});
