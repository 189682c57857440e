import { applyPlan } from '../src/apply-plan.ts';
import { planCreateProject } from '../src/create-project.ts';
import {
  geoWorkspace,
  load,
  newWorkspace,
  read,
  readJson,
  removeTempDirs,
  snapshot,
  write,
} from './fixture.ts';

afterEach(removeTempDirs);

describe('planCreateProject', () => {
  test('with --base, ships the base, the bricks it reaches at run time and their libraries', async () => {
    const root = await geoWorkspace();
    const plan = planCreateProject(await load(root), {
      name: 'geo_app',
      base: 'http_api',
      description: 'The geo API.',
    });
    expect(plan.files.map((file) => `${file.action} ${file.path}`)).toEqual([
      'update README.md',
      'create projects/geo_app/package.json',
      'update workspace.json',
    ]);
    expect(plan.summary).toEqual([]);
    await applyPlan(root, plan);
    expect(readJson(root, 'projects/geo_app/package.json')).toEqual({
      name: '@acme/geo_app',
      version: '0.1.0',
      private: true,
      description: 'The geo API.',
      type: 'module',
      main: 'dist/main.js',
      scripts: { start: 'node dist/main.js' },
      dependencies: { '@acme/geo_cache': '0.2.0', '@acme/http_api': '0.1.0', 'lru-cache': '^11.0.0' },
    });
  });

  test('adds the project to workspace.json on one line, keeping the rest as it was', async () => {
    const root = await newWorkspace();
    await applyPlan(root, planCreateProject(await load(root), { name: 'zeta_app' }));
    await applyPlan(root, planCreateProject(await load(root), { name: 'alpha_app' }));
    expect(read(root, 'workspace.json')).toContain(
      '  "projects": {\n    "alpha_app": {},\n    "zeta_app": {}\n  }\n}\n',
    );
    expect(readJson(root, 'workspace.json').namespace).toBe('acme');
  });

  test('when workspace.json lists its projects in an order of its own, adds the new one last', async () => {
    const root = await newWorkspace();
    const config = readJson(root, 'workspace.json');
    const text = `${JSON.stringify({ ...config, projects: { zeta_app: { alias: 'z' }, alpha_app: {} } }, null, 2)}\n`;
    write(root, 'workspace.json', text);
    const plan = planCreateProject(await load(root), { name: 'mid_app' });
    expect(plan.files.find((file) => file.path === 'workspace.json')?.content).toBe(
      text.replace('"alpha_app": {}\n', '"alpha_app": {},\n    "mid_app": {}\n'),
    );
  });

  test('lists the project in the README layout block', async () => {
    const root = await newWorkspace();
    await applyPlan(
      root,
      planCreateProject(await load(root), { name: 'geo_app', description: 'the geo API' }),
    );
    expect(read(root, 'README.md')).toContain('\n  geo_app               the geo API\ndevelopment/ ');
  });

  test('without --base, ships nothing and says how to go on', async () => {
    const root = await newWorkspace();
    const plan = planCreateProject(await load(root), { name: 'geo_app' });
    expect(
      JSON.parse(plan.files.find((file) => file.path === 'projects/geo_app/package.json')?.content ?? ''),
    ).toMatchObject({
      dependencies: {},
    });
    expect(plan.summary).toEqual([
      'projects/geo_app ships no base yet: list one in its package.json, then run poly sync',
    ]);
  });

  test('leaves out a library no brick lists a version of, and one the bricks disagree on, saying why', async () => {
    const root = await geoWorkspace();
    write(
      root,
      'bases/http_api/src/server.ts',
      "import express from 'express';\nimport { LRUCache } from 'lru-cache';\nexport { express, LRUCache };\n",
    );
    const base = readJson(root, 'bases/http_api/package.json');
    write(
      root,
      'bases/http_api/package.json',
      JSON.stringify({ ...base, dependencies: { 'lru-cache': '^10.0.0' } }),
    );
    const plan = planCreateProject(await load(root), { name: 'geo_app', base: 'http_api' });
    const manifest = JSON.parse(
      plan.files.find((file) => file.path === 'projects/geo_app/package.json')?.content ?? '',
    );
    expect(Object.keys(manifest.dependencies)).toEqual(['@acme/geo_cache', '@acme/http_api']);
    expect(plan.summary).toEqual([
      'projects/geo_app: library express not added: http_api imports it but does not list it in its package.json',
      'projects/geo_app: library lru-cache not added: the bricks list different versions (geo_cache: ^11.0.0; http_api: ^10.0.0)',
    ]);
  });

  test('refuses a --base that is not a base with unknown_base, naming the bases', async () => {
    const root = await geoWorkspace();
    const ws = await load(root);
    expect(() => planCreateProject(ws, { name: 'geo_app', base: 'nope' })).toThrow(
      expect.objectContaining({
        code: 'unknown_base',
        message: 'there is no base named nope: the bases are http_api',
      }),
    );
    expect(() => planCreateProject(ws, { name: 'geo_app', base: 'clock' })).toThrow(
      expect.objectContaining({
        code: 'unknown_base',
        message: 'clock is a component, not a base: the bases are http_api',
      }),
    );
  });

  test('refuses a name a project already has with exists', async () => {
    const root = await newWorkspace();
    await applyPlan(root, planCreateProject(await load(root), { name: 'geo_app' }));
    const ws = await load(root);
    expect(() => planCreateProject(ws, { name: 'geo_app' })).toThrow(
      expect.objectContaining({
        code: 'exists',
        message: 'a project named geo_app already exists at projects/geo_app',
      }),
    );
  });

  test('a dry run (plan, no apply) writes nothing', async () => {
    const root = await geoWorkspace();
    const before = snapshot(root);
    planCreateProject(await load(root), { name: 'geo_app', base: 'http_api' });
    expect(snapshot(root)).toEqual(before);
  });
});
