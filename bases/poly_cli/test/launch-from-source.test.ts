import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '..', '..', '..');

/** Runs a poly bin with node, as npm's link to it would. */
function runBin(bin: string, cwd: string, ...argv: string[]) {
  const result = spawnSync(process.execPath, [bin, ...argv], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A workspace whose bricks, node_modules and lockfile are this one's (linked) and whose poly
 * project is a copy without a bundle: the launcher builds and rebuilds there, never here.
 */
function sourceCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'poly-launch-'));
  for (const entry of ['components', 'bases', 'node_modules', 'package.json', 'package-lock.json'])
    symlinkSync(join(workspaceRoot, entry), join(root, entry));
  writeFileSync(
    join(root, 'workspace.json'),
    JSON.stringify({ namespace: 'mousetrap', projects: { poly: {} } }),
  );
  mkdirSync(join(root, 'projects'));
  cpSync(join(workspaceRoot, 'projects', 'poly'), join(root, 'projects', 'poly'), {
    recursive: true,
    filter: (path) => !path.includes('/dist'),
  });
  return root;
}

describe('launchFromSource, through the workspace bin', () => {
  let root: string;
  beforeAll(() => {
    root = sourceCheckout();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('with no bundle, builds it from source, then runs the command', () => {
    const bin = join(root, 'projects', 'poly', 'bin', 'poly.js');
    const first = runBin(bin, root, 'help', 'check');
    expect(first.stderr).toContain('poly: rebuilding its bundle: projects/poly/dist/main.js is missing');
    expect(first.stdout).toMatch(/^usage: poly check/);
    expect(first.status).toBe(0);
  }, 60_000);

  test('with a fresh bundle, runs it without a rebuild and keeps its exit code', () => {
    const bin = join(root, 'projects', 'poly', 'bin', 'poly.js');
    const again = runBin(bin, root, 'no-such-command');
    expect(again).toEqual({
      status: 2,
      stdout: '',
      stderr: 'poly: no command "no-such-command"; see poly help\n',
    });
  }, 60_000);

  test('when a source is newer than the bundle, rebuilds it before running', () => {
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'projects', 'poly', 'package.json'), future, future);
    const bin = join(root, 'projects', 'poly', 'bin', 'poly.js');
    const rebuilt = runBin(bin, root, 'help');
    expect(rebuilt.stderr).toContain(
      'poly: rebuilding its bundle: projects/poly/package.json changed after the bundle was built',
    );
    expect(rebuilt.stdout).toContain('Commands:');
    expect(rebuilt.status).toBe(0);
  }, 60_000);
});

describe('the workspace bin', () => {
  test("in this workspace, answers help (building poly's bundle first if it must)", () => {
    const result = runBin(join(workspaceRoot, 'projects', 'poly', 'bin', 'poly.js'), workspaceRoot, 'help');
    expect(result.stdout).toMatch(/^poly: the command line of a Polylith workspace/);
    expect(result.status).toBe(0);
  }, 60_000);
});
