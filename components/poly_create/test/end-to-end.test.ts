import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '@mousetrap/project_build';
import { startServiceProcess } from '@mousetrap/test_kit';
import { checkWorkspace } from '@mousetrap/workspace_checks';
import { applyPlan } from '../src/apply-plan.ts';
import { brickFiles } from '../src/brick-files.ts';
import { planCreateProject } from '../src/create-project.ts';
import { planSync } from '../src/sync.ts';
import { addBrick, load, newWorkspace, REPO_ROOT, read, readJson, removeTempDirs, write } from './fixture.ts';

afterEach(removeTempDirs);

/**
 * What `npm install` would give the generated workspace, without the network: this repository's
 * installed packages (the same toolchain) plus a link per brick of the new namespace.
 */
function linkNodeModules(root: string, namespace: string, bricks: string[]): void {
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, `@${namespace}`), { recursive: true });
  for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (entry !== '@mousetrap') symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const dir of bricks)
    symlinkSync(join(root, dir), join(modules, `@${namespace}`, dir.split('/')[1] as string));
}

/** Runs one of the toolchain's command-line tools in the generated workspace. */
function run(root: string, bin: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules', bin), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('poly create, end to end', () => {
  test('a created workspace with a component, a base and a project passes poly check, its own lint, type check and tests, and its project builds and serves until stopped', async () => {
    const root = await newWorkspace('acme');
    await addBrick(root, 'component', 'geo_cache', 'Caches geocoding answers.');
    await addBrick(root, 'base', 'http_api', 'The HTTP API.');
    write(
      root,
      'bases/http_api/src/served-brick.ts',
      "import { describeGeoCache } from '@acme/geo_cache';\n\n/** The brick this base serves. */\nexport const servedBrick = (): string => describeGeoCache().brick;\n",
    );
    await applyPlan(root, planCreateProject(await load(root), { name: 'geo_app', base: 'http_api' }));
    expect(readJson(root, 'projects/geo_app/package.json').dependencies).toEqual({
      '@acme/geo_cache': '0.1.0',
      '@acme/http_api': '0.1.0',
    });
    const ws = await load(root);
    expect(checkWorkspace(ws)).toEqual([]);
    expect(planSync(ws)).toEqual({ files: [], summary: [] });
    linkNodeModules(root, 'acme', ['components/geo_cache', 'bases/http_api']);

    const lint = run(root, '@biomejs/biome/bin/biome', ['check', '.']);
    expect({ status: lint.status, output: lint.status === 0 ? '' : lint.output }).toEqual({
      status: 0,
      output: '',
    });
    const types = run(root, 'typescript/bin/tsc', ['--noEmit', '-p', '.']);
    expect({ status: types.status, output: types.output }).toEqual({ status: 0, output: '' });
    const tests = run(root, 'jest/bin/jest.js', []);
    expect(tests.output).toContain('\n2 passed, 0 failed\n');
    expect(tests.status).toBe(0);

    write(root, 'package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: {} }));
    await buildProject({ root, project: 'geo_app', namespace: 'acme' });
    const service = startServiceProcess(join(root, 'projects/geo_app/dist/main.js'), { PORT: '0' });
    try {
      const started = await service.waitForLine((line) =>
        String(line.text).startsWith('http_api listening on '),
      );
      const address = String(started.text).slice('http_api listening on '.length);
      expect(await (await fetch(address)).json()).toEqual({ brick: 'http_api', kind: 'base' });
      // Still running a moment later: a base is a service, not a script.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(service.child.exitCode).toBeNull();
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    expect(service.lines.map((line) => line.text)).toEqual([
      expect.stringMatching(/listening on/),
      'http_api stopped',
    ]);
  }, 120_000);

  test("the generated test fails when the generated function's result changes", async () => {
    const root = await newWorkspace('acme');
    await addBrick(root, 'component', 'geo_cache');
    linkNodeModules(root, 'acme', ['components/geo_cache']);
    const source = 'components/geo_cache/src/geo-cache.ts';
    write(
      root,
      source,
      read(root, source).replace("return { brick: 'geo_cache'", "return { brick: 'geo_kache'"),
    );
    const tests = run(root, 'jest/bin/jest.js', []);
    expect(tests.output).toContain('\n0 passed, 1 failed\n');
    expect(tests.status).toBe(1);
  }, 120_000);

  test('the generated base test fails when the server stops answering with its name, or is left running', async () => {
    const root = await newWorkspace('acme');
    await addBrick(root, 'base', 'http_api');
    linkNodeModules(root, 'acme', ['bases/http_api']);
    const source = 'bases/http_api/src/http-api.ts';
    const original = read(root, source);
    write(root, source, original.replace("kind: 'base'", "kind: 'bass'"));
    const wrongAnswer = run(root, 'jest/bin/jest.js', []);
    expect(wrongAnswer.output).toContain('\n0 passed, 1 failed\n');
    write(root, source, original.replace(/server\.close\(.*\);/, 'resolve();'));
    const leftRunning = run(root, 'jest/bin/jest.js', ['--forceExit']);
    expect(leftRunning.output).toContain('\n0 passed, 1 failed\n');
  }, 120_000);

  test('bricks generated for names of every allowed length pass the formatter, the linter and tsc', async () => {
    const root = await newWorkspace('acme');
    const names = new Set<string>();
    for (let length = 1; length <= 64; length += 1) {
      names.add('x'.repeat(length));
      names.add(Array.from({ length: Math.ceil(length / 2) }, () => 'a').join('_'));
      if (length >= 3) names.add(`a_${'b'.repeat(length - 2)}`);
    }
    for (const name of names) {
      for (const kind of ['component', 'base'] as const) {
        const files = brickFiles({ kind, name, namespace: 'acme', description: '' });
        for (const [path, content] of Object.entries(files)) write(root, `${kind}s/${name}/${path}`, content);
      }
    }
    linkNodeModules(root, 'acme', []);
    const lint = run(root, '@biomejs/biome/bin/biome', ['check', '.']);
    expect({ status: lint.status, output: lint.status === 0 ? '' : lint.output }).toEqual({
      status: 0,
      output: '',
    });
    const types = run(root, 'typescript/bin/tsc', ['--noEmit', '-p', '.']);
    expect({ status: types.status, output: types.output }).toEqual({ status: 0, output: '' });
  }, 120_000);
});
