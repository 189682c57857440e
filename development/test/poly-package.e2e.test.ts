import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProject } from '@mousetrap/project_build';
import { startServiceProcess } from '@mousetrap/test_kit';

const root = join(__dirname, '..', '..');

/**
 * What the commands see: no npm settings inherited from a `npm test` around this one, git with a
 * known user and none of this machine's config, no colours.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.toLowerCase().startsWith('npm_') && !name.startsWith('GIT_')) env[name] = value;
  return {
    ...env,
    NO_COLOR: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'New User',
    GIT_AUTHOR_EMAIL: 'new.user@example.com',
    GIT_COMMITTER_NAME: 'New User',
    GIT_COMMITTER_EMAIL: 'new.user@example.com',
  };
}

/** Runs a command to its end; the output is stdout then stderr, for the failure message. */
function run(cwd: string, command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 240_000 });
  return {
    command: `${command} ${args.join(' ')}`,
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
  };
}

/** Expects a command to exit 0, showing its output when it does not. */
function succeeds(cwd: string, command: string, ...args: string[]): string {
  const result = run(cwd, command, args);
  expect({
    command: result.command,
    status: result.status,
    output: result.status === 0 ? '' : result.output,
  }).toEqual({ command: result.command, status: 0, output: '' });
  return result.output;
}

describe('the poly package, installed as a new user would', () => {
  let temp: string;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'poly-package-'));
  });
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  test('packs, installs from its tarball, creates a workspace whose own poly creates, checks, tests and builds it, and whose base serves until stopped', async () => {
    // What a release does: poly build poly, then npm pack of the dist folder.
    const dist = join(temp, 'dist');
    await buildProject({ root, project: 'poly', outdir: dist });
    const packed = JSON.parse(succeeds(dist, 'npm', 'pack', '--json', '--pack-destination', temp)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const tarball = join(temp, packed[0]?.filename ?? '');
    expect(packed[0]?.files.map((file) => file.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'main.js',
      'main.js.map',
      'package.json',
    ]);

    // Installed in a folder of its own, from the tarball; its one library comes from the registry.
    const tools = join(temp, 'tools');
    mkdirSync(tools);
    writeFileSync(join(tools, 'package.json'), '{ "private": true }\n');
    succeeds(tools, 'npm', 'install', '--no-audit', '--no-fund', '--prefer-offline', tarball);
    const poly = join(tools, 'node_modules', '.bin', 'poly');

    const acme = join(temp, 'acme');
    mkdirSync(acme);
    expect(succeeds(acme, poly, 'create', 'workspace', '--name', 'acme', '--poly', tarball)).toContain(
      'git: initialised a repository, committed the workspace and tagged it stable-1',
    );
    succeeds(acme, poly, 'create', 'component', '--name', 'greeting');
    succeeds(acme, poly, 'create', 'base', '--name', 'hello_api');
    succeeds(acme, poly, 'create', 'project', '--name', 'hello_app', '--base', 'hello_api');

    // The workspace's own poly, as its README says to run it.
    succeeds(acme, 'npm', 'install', '--no-audit', '--no-fund', '--prefer-offline');
    const info = succeeds(acme, 'npm', 'run', '--silent', 'poly', '--', 'info');
    expect(info).toContain('since: stable-1 (tag)');
    expect(info).toMatch(/^greeting \*\s+component/m);
    expect(succeeds(acme, 'npm', 'run', '--silent', 'poly', '--', 'check')).toBe('OK\n');
    const tests = succeeds(acme, 'npm', 'run', '--silent', 'poly', '--', 'test');
    expect(tests).toContain('running the tests of 2 folders');
    expect(tests).toMatch(/\n2 passed, 0 failed\n$/);
    expect(succeeds(acme, 'npm', 'run', '--silent', 'poly', '--', 'build', 'hello_app')).toMatch(
      /^built projects\/hello_app\/dist\/main\.js /,
    );

    const service = startServiceProcess(join(acme, 'projects', 'hello_app', 'dist', 'main.js'), {
      PORT: '0',
    });
    try {
      const started = await service.waitForLine((line) =>
        String(line.text).startsWith('hello_api listening on '),
      );
      const address = String(started.text).slice('hello_api listening on '.length);
      expect(await (await fetch(address)).json()).toEqual({ brick: 'hello_api', kind: 'base' });
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    expect(service.lines.at(-1)).toEqual({ text: 'hello_api stopped' });
  }, 300_000);
});
