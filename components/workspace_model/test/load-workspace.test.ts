import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceError } from '../src/errors.ts';
import { loadWorkspace } from '../src/load-workspace.ts';
import { createScanCache } from '../src/scan-cache.ts';
import { type Fixture, manifest, writeFixture } from './fixture.ts';

async function errorOf(run: () => Promise<unknown>): Promise<WorkspaceError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof WorkspaceError) return error;
    throw error;
  }
  throw new Error('expected a WorkspaceError, nothing was thrown');
}

const shop = {
  'workspace.json': { namespace: 'acme', projects: { shop: { alias: 's' } } },
  'components/log/package.json': manifest('@acme/log'),
  'components/log/src/index.ts': 'export const log = (m: string) => m;\n',
  'components/greeting/package.json': manifest('@acme/greeting', {
    lodash: '^4.17.0',
    '@acme/log': '0.1.0',
  }),
  'components/greeting/src/index.ts': "export { greet } from './greet.ts';\n",
  'components/greeting/src/greet.ts': [
    "import { join } from 'node:path';",
    "import map from 'lodash/fp/map';",
    "import type { Level } from '@acme/log';",
    "import { log } from '@acme/log';",
    "export const greet = (name: string) => log(join('hello', name));",
  ].join('\n'),
  'components/greeting/src/greet.test.ts': "import { greet } from './greet.ts';\n",
  'components/greeting/src/ambient.d.ts': "import 'ambient-lib';\n",
  'components/greeting/test/helpers/names.ts': "import { faker } from '@faker-js/faker';\n",
  'components/greeting/scripts/tool.ts': "import 'not-part-of-the-brick';\n",
  'components/greeting/node_modules/dep/index.ts': "import 'installed';\n",
  'components/greeting/dist/main.ts': "import 'built';\n",
  'components/notes/README.md': 'a folder without package.json is no brick\n',
  'bases/cli/package.json': manifest('@acme/cli'),
  'bases/cli/src/main.ts': [
    "import { greet } from '@acme/greeting';",
    "import { log } from '../../../components/log/src/index.ts';",
    "const lazy = await import('@acme/log/src/index.ts');",
  ].join('\n'),
  'projects/shop/package.json': manifest('@acme/shop', {
    '@acme/greeting': '0.1.0',
    '@acme/cli': '0.1.0',
    lodash: '^4.17.0',
  }),
  'projects/draft/README.md': 'no package.json, no project\n',
  'development/package.json': manifest('@acme/development', { '@acme/cli': '0.1.0', '@acme/log': '0.1.0' }),
};

describe('loadWorkspace', () => {
  let fixture: Fixture;
  afterEach(() => fixture.remove());

  test('reads config, bricks, imports in context, projects and the development project, all sorted', async () => {
    fixture = await writeFixture(shop);
    const ws = await loadWorkspace(fixture.root);
    expect(ws.root).toBe(fixture.root);
    expect(ws.config.namespace).toBe('acme');
    expect(ws.bricks.map((brick) => `${brick.kind}:${brick.name}`)).toEqual([
      'component:greeting',
      'component:log',
      'base:cli',
    ]);
    const [greeting, log, cli] = ws.bricks;
    expect({ ...greeting, imports: undefined }).toEqual({
      name: 'greeting',
      kind: 'component',
      dir: 'components/greeting',
      packageName: '@acme/greeting',
      manifestName: '@acme/greeting',
      libraries: { lodash: '^4.17.0' },
      listedBricks: ['log'],
      imports: undefined,
    });
    expect(greeting?.imports).toEqual([
      {
        file: 'components/greeting/src/ambient.d.ts',
        line: 1,
        specifier: 'ambient-lib',
        typeOnly: true,
        context: 'src',
        target: { kind: 'library', library: 'ambient-lib' },
      },
      {
        file: 'components/greeting/src/greet.test.ts',
        line: 1,
        specifier: './greet.ts',
        typeOnly: false,
        context: 'test',
        target: { kind: 'relative', leavesBrick: false },
      },
      {
        file: 'components/greeting/src/greet.ts',
        line: 1,
        specifier: 'node:path',
        typeOnly: false,
        context: 'src',
        target: { kind: 'builtin' },
      },
      {
        file: 'components/greeting/src/greet.ts',
        line: 2,
        specifier: 'lodash/fp/map',
        typeOnly: false,
        context: 'src',
        target: { kind: 'library', library: 'lodash' },
      },
      {
        file: 'components/greeting/src/greet.ts',
        line: 3,
        specifier: '@acme/log',
        typeOnly: true,
        context: 'src',
        target: { kind: 'brick', brick: 'log', deep: false },
      },
      {
        file: 'components/greeting/src/greet.ts',
        line: 4,
        specifier: '@acme/log',
        typeOnly: false,
        context: 'src',
        target: { kind: 'brick', brick: 'log', deep: false },
      },
      {
        file: 'components/greeting/src/index.ts',
        line: 1,
        specifier: './greet.ts',
        typeOnly: false,
        context: 'src',
        target: { kind: 'relative', leavesBrick: false },
      },
      {
        file: 'components/greeting/test/helpers/names.ts',
        line: 1,
        specifier: '@faker-js/faker',
        typeOnly: false,
        context: 'test',
        target: { kind: 'library', library: '@faker-js/faker' },
      },
    ]);
    expect(log?.imports).toEqual([]);
    expect(cli?.imports.map(({ line, target }) => [line, target])).toEqual([
      [1, { kind: 'brick', brick: 'greeting', deep: false }],
      [2, { kind: 'relative', leavesBrick: true }],
      [3, { kind: 'brick', brick: 'log', deep: true }],
    ]);
    expect(ws.projects).toEqual([
      {
        name: 'shop',
        dir: 'projects/shop',
        alias: 's',
        manifestName: '@acme/shop',
        bricks: ['cli', 'greeting'],
        libraries: { lodash: '^4.17.0' },
        development: false,
      },
    ]);
    expect(ws.development).toEqual({
      name: 'development',
      dir: 'development',
      alias: undefined,
      manifestName: '@acme/development',
      bricks: ['cli', 'log'],
      libraries: {},
      development: true,
    });
  });

  test('library records come back with sorted keys, whatever the order in package.json', async () => {
    fixture = await writeFixture({
      'workspace.json': { namespace: 'acme' },
      'components/a/package.json': manifest('@acme/a', { zod: '1', amqplib: '2', 'm-lib': '3' }),
    });
    const ws = await loadWorkspace(fixture.root);
    expect(Object.keys(ws.bricks[0]?.libraries ?? {})).toEqual(['amqplib', 'm-lib', 'zod']);
  });

  test('folders renamed in workspace.json are where bricks and projects are read from', async () => {
    fixture = await writeFixture({
      'workspace.json': {
        namespace: 'acme',
        folders: { components: 'parts', bases: 'entry', projects: 'apps', development: 'dev' },
      },
      'parts/a/package.json': manifest('@acme/a'),
      'entry/b/package.json': manifest('@acme/b'),
      'apps/c/package.json': manifest('@acme/c'),
      'dev/package.json': manifest('@acme/development'),
    });
    const ws = await loadWorkspace(fixture.root);
    expect(ws.bricks.map((brick) => brick.dir)).toEqual(['parts/a', 'entry/b']);
    expect(ws.projects.map((project) => project.dir)).toEqual(['apps/c']);
    expect(ws.development?.dir).toBe('dev');
  });

  test('without brick, project or development folders, loads an empty workspace', async () => {
    fixture = await writeFixture({ 'workspace.json': { namespace: 'acme' } });
    const ws = await loadWorkspace(fixture.root);
    expect({ bricks: ws.bricks, projects: ws.projects, development: ws.development }).toEqual({
      bricks: [],
      projects: [],
      development: undefined,
    });
  });

  test('a given scan cache is the one used', async () => {
    fixture = await writeFixture(shop);
    const scanCache = createScanCache();
    await loadWorkspace(fixture.root, { scanCache });
    expect(scanCache.size).toBeGreaterThan(0);
  });

  test('with a cache file, the first load and the next, from the kept scans, equal a load without', async () => {
    fixture = await writeFixture(shop);
    const past = new Date(Date.now() - 3_600_000);
    for (const path of Object.keys(shop)) utimesSync(join(fixture.root, path), past, past);
    const cacheFile = join(fixture.root, 'node_modules', '.cache', 'poly', 'imports.json');
    const plain = await loadWorkspace(fixture.root, { scanCache: createScanCache() });
    expect(await loadWorkspace(fixture.root, { cacheFile, scanCache: createScanCache() })).toEqual(plain);
    const scanCache = createScanCache();
    expect(await loadWorkspace(fixture.root, { cacheFile, scanCache })).toEqual(plain);
    expect(scanCache.size).toBe(0);
  });

  test('a folder without workspace.json is not_a_workspace', async () => {
    fixture = await writeFixture({ 'components/a/package.json': manifest('@acme/a') });
    const error = await errorOf(() => loadWorkspace(fixture.root));
    expect(error.code).toBe('not_a_workspace');
    expect(error.message).toBe(`no workspace.json in ${fixture.root}`);
  });

  test('workspace.json that is not JSON is invalid_config', async () => {
    fixture = await writeFixture({ 'workspace.json': '{ "namespace": ' });
    const error = await errorOf(() => loadWorkspace(fixture.root));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toMatch(/^workspace\.json: is not valid JSON/);
  });

  test('workspace.json without a namespace is invalid_config naming the field', async () => {
    fixture = await writeFixture({ 'workspace.json': { folders: {} } });
    const error = await errorOf(() => loadWorkspace(fixture.root));
    expect([error.code, error.message]).toEqual(['invalid_config', 'workspace.json: "namespace" is missing']);
  });

  test("a brick's package.json that is not JSON is invalid_config naming the file", async () => {
    fixture = await writeFixture({
      'workspace.json': { namespace: 'acme' },
      'components/a/package.json': '{',
    });
    const error = await errorOf(() => loadWorkspace(fixture.root));
    expect([error.code, error.message]).toEqual([
      'invalid_config',
      'components/a/package.json: is not valid JSON',
    ]);
  });

  test("a project's dependencies that are not an object of versions are invalid_config naming the field", async () => {
    fixture = await writeFixture({
      'workspace.json': { namespace: 'acme' },
      'projects/p/package.json': { name: '@acme/p', dependencies: { lodash: 4 } },
    });
    const error = await errorOf(() => loadWorkspace(fixture.root));
    expect([error.code, error.message]).toEqual([
      'invalid_config',
      'projects/p/package.json: "dependencies.lodash" must be a version string',
    ]);
  });

  test('a package.json without a name loads with an empty manifestName', async () => {
    fixture = await writeFixture({ 'workspace.json': { namespace: 'acme' }, 'bases/b/package.json': {} });
    const ws = await loadWorkspace(fixture.root);
    expect(ws.bricks.map((brick) => [brick.name, brick.manifestName])).toEqual([['b', '']]);
  });
});
