import { applyPlan } from '../src/apply-plan.ts';
import { planCreateBrick } from '../src/create-brick.ts';
import { planCreateProject } from '../src/create-project.ts';
import { formatPlan } from '../src/plan.ts';
import { addBrick, load, newWorkspace, read, readJson, removeTempDirs, snapshot, write } from './fixture.ts';

afterEach(removeTempDirs);

describe('planCreateBrick', () => {
  test('plans a component: manifest, interface, source, test, development dependency and README line', async () => {
    const root = await newWorkspace();
    const plan = planCreateBrick(await load(root), {
      kind: 'component',
      name: 'geo_cache',
      description: 'Caches geocoding answers.',
    });
    expect(plan.files.map((file) => `${file.action} ${file.path}`)).toEqual([
      'update README.md',
      'create components/geo_cache/package.json',
      'create components/geo_cache/src/geo-cache.ts',
      'create components/geo_cache/src/index.ts',
      'create components/geo_cache/test/geo-cache.test.ts',
      'update development/package.json',
    ]);
    expect(plan.summary).toEqual([]);
  });

  test('writes the component in the house shape: package @ns/name, exports "." only, no dependencies', async () => {
    const root = await newWorkspace();
    await addBrick(root, 'component', 'geo_cache', 'Caches geocoding answers.');
    expect(readJson(root, 'components/geo_cache/package.json')).toEqual({
      name: '@acme/geo_cache',
      version: '0.1.0',
      private: true,
      description: 'Caches geocoding answers.',
      type: 'module',
      exports: { '.': './src/index.ts' },
      dependencies: {},
    });
    expect(read(root, 'components/geo_cache/src/index.ts')).toBe(
      "export { describeGeoCache } from './geo-cache.ts';\n",
    );
    expect(read(root, 'components/geo_cache/src/geo-cache.ts')).toContain(
      "export function describeGeoCache(): { brick: 'geo_cache'; kind: 'component' } {\n  return { brick: 'geo_cache', kind: 'component' };\n}\n",
    );
    expect(read(root, 'components/geo_cache/src/geo-cache.ts')).toMatch(/^\/\*\* .+ \*\/\nexport function/);
  });

  test("generates a test that asserts the generated function's result, not a placeholder", async () => {
    const root = await newWorkspace();
    await addBrick(root, 'component', 'geo_cache');
    const test = read(root, 'components/geo_cache/test/geo-cache.test.ts');
    expect(test).toContain("import { describeGeoCache } from '../src/geo-cache.ts';");
    expect(test).toContain("expect(describeGeoCache()).toEqual({ brick: 'geo_cache', kind: 'component' });");
    expect(test).not.toMatch(/expect\((true|1|'')\)/);
  });

  test('with no description, leaves it empty and lists just the name in the README', async () => {
    const root = await newWorkspace();
    await addBrick(root, 'component', 'geo_cache');
    expect(readJson(root, 'components/geo_cache/package.json').description).toBe('');
    expect(read(root, 'README.md')).toContain(
      '\ncomponents/           the building blocks\n  geo_cache\nbases/',
    );
  });

  test('adds the brick to the development project, keeping its dependencies sorted', async () => {
    const root = await newWorkspace();
    await addBrick(root, 'component', 'zeta');
    await addBrick(root, 'component', 'alpha');
    await addBrick(root, 'base', 'mid_api');
    expect(Object.entries(readJson(root, 'development/package.json').dependencies as object)).toEqual([
      ['@acme/alpha', '0.1.0'],
      ['@acme/mid_api', '0.1.0'],
      ['@acme/zeta', '0.1.0'],
    ]);
  });

  test('lists components and bases in the README layout block, descriptions aligned', async () => {
    const root = await newWorkspace();
    await addBrick(root, 'component', 'geo_cache', 'caches geocoding answers');
    await addBrick(root, 'component', 'clock', 'the time, injectable');
    await addBrick(root, 'base', 'http_api', 'the HTTP API');
    expect(read(root, 'README.md')).toContain(
      [
        'components/           the building blocks',
        '  geo_cache             caches geocoding answers',
        '  clock                 the time, injectable',
        'bases/                the entry points: they only wire components to a transport',
        '  http_api              the HTTP API',
        'projects/ ',
      ].join('\n'),
    );
  });

  test('plans a base with a start function (an HTTP server), a test that requests it and a tiny main.ts that runs it', async () => {
    const root = await newWorkspace();
    const plan = planCreateBrick(await load(root), { kind: 'base', name: 'http_api' });
    expect(plan.files.map((file) => file.path)).toEqual([
      'README.md',
      'bases/http_api/package.json',
      'bases/http_api/src/http-api.ts',
      'bases/http_api/src/index.ts',
      'bases/http_api/src/main.ts',
      'bases/http_api/test/http-api.test.ts',
      'development/package.json',
    ]);
    await applyPlan(root, plan);
    expect(read(root, 'bases/http_api/src/index.ts')).toBe(
      "export type { HttpApi, HttpApiOptions } from './http-api.ts';\nexport { startHttpApi } from './http-api.ts';\n",
    );
    expect(read(root, 'bases/http_api/src/main.ts')).toContain(
      "import { startHttpApi } from './http-api.ts';\n",
    );
    expect(read(root, 'bases/http_api/src/main.ts')).toContain('await startHttpApi(');
    const test = read(root, 'bases/http_api/test/http-api.test.ts');
    expect(test).toContain(
      'const service = await startHttpApi({ port: 0, write: (line) => lines.push(line) });',
    );
    expect(test).toContain('const response = await fetch(service.address);');
    expect(test).toContain(
      'expect(lines).toEqual([`http_api listening on $' + "{service.address}`, 'http_api stopped']);",
    );
  });

  test.each([
    ['a component', 'component', 'a component named store already exists at components/store'],
    ['a base', 'base', 'a base named store already exists at bases/store'],
  ] as const)('when %s has the name, refuses with exists and says where', async (_what, kind, message) => {
    const root = await newWorkspace();
    await addBrick(root, kind, 'store');
    const ws = await load(root);
    for (const create of ['component', 'base'] as const) {
      expect(() => planCreateBrick(ws, { kind: create, name: 'store' })).toThrow(
        expect.objectContaining({ code: 'exists', message }),
      );
    }
    expect(() => planCreateProject(ws, { name: 'store' })).toThrow(
      expect.objectContaining({ code: 'exists', message }),
    );
  });

  test('when a project has the name, refuses a component or a base with exists and says where', async () => {
    const root = await newWorkspace();
    await applyPlan(root, planCreateProject(await load(root), { name: 'store' }));
    const ws = await load(root);
    for (const kind of ['component', 'base'] as const) {
      expect(() => planCreateBrick(ws, { kind, name: 'store' })).toThrow(
        expect.objectContaining({
          code: 'exists',
          message: 'a project named store already exists at projects/store',
        }),
      );
    }
  });

  test('when a folder of that name exists without being a brick, refuses with exists naming it', async () => {
    const root = await newWorkspace();
    write(root, 'bases/store/notes.md', 'half-made');
    const ws = await load(root);
    expect(() => planCreateBrick(ws, { kind: 'component', name: 'store' })).toThrow(
      expect.objectContaining({
        code: 'exists',
        message: 'bases/store already exists (a folder that is not a brick or a project)',
      }),
    );
  });

  test('refuses an invalid or reserved name with invalid_name', async () => {
    const ws = await load(await newWorkspace());
    expect(() => planCreateBrick(ws, { kind: 'component', name: 'GeoCache' })).toThrow(
      expect.objectContaining({ code: 'invalid_name' }),
    );
    expect(() => planCreateBrick(ws, { kind: 'base', name: 'development' })).toThrow(
      expect.objectContaining({ code: 'invalid_name' }),
    );
  });

  test('when the README has no layout block, creates the brick anyway and says it skipped the README', async () => {
    const root = await newWorkspace();
    write(root, 'README.md', '# acme\n\nNo layout here.\n');
    const plan = planCreateBrick(await load(root), { kind: 'component', name: 'geo_cache' });
    expect(plan.files.map((file) => file.path)).not.toContain('README.md');
    expect(plan.summary).toEqual([
      'README.md has no workspace layout block (a fenced block with components/, bases/ and projects/ lines): geo_cache is not listed there',
    ]);
  });

  test('when the root workspaces miss the brick folder, adds it there', async () => {
    const root = await newWorkspace();
    const manifest = readJson(root, 'package.json');
    write(root, 'package.json', JSON.stringify({ ...manifest, workspaces: ['bases/*', 'development'] }));
    const plan = planCreateBrick(await load(root), { kind: 'component', name: 'geo_cache' });
    const updated = plan.files.find((file) => file.path === 'package.json');
    expect(JSON.parse(updated?.content ?? '{}').workspaces).toEqual([
      'bases/*',
      'development',
      'components/geo_cache',
    ]);
  });

  test('when tsconfig.json does not include the brick, adds its src and test', async () => {
    const root = await newWorkspace();
    const config = readJson(root, 'tsconfig.json');
    write(root, 'tsconfig.json', JSON.stringify({ ...config, include: ['bases/*/src', 'bases/*/test'] }));
    const plan = planCreateBrick(await load(root), { kind: 'component', name: 'geo_cache' });
    const updated = plan.files.find((file) => file.path === 'tsconfig.json');
    expect(JSON.parse(updated?.content ?? '{}').include).toEqual([
      'bases/*/src',
      'bases/*/test',
      'components/geo_cache/src',
      'components/geo_cache/test',
    ]);
  });

  test('a dry run (plan and format, no apply) writes nothing', async () => {
    const root = await newWorkspace();
    const before = snapshot(root);
    const text = formatPlan(planCreateBrick(await load(root), { kind: 'base', name: 'http_api' }), {
      contents: true,
    });
    expect(text).toContain('create bases/http_api/src/main.ts\n');
    expect(text).toContain('update development/package.json\n');
    expect(snapshot(root)).toEqual(before);
  });
});
