import type { Workspace } from '@mousetrap/workspace_model';
import { libsView } from '../src/libs.ts';
import { renderLibs } from '../src/render-libs.ts';
import { fixtureWorkspace } from './fixture.ts';

describe('libsView', () => {
  test('libsView: lists a brick run-time library with its version, and one it does not list as null', () => {
    const store = libsView(fixtureWorkspace()).bricks.find((entry) => entry.brick === 'store');
    expect(store?.libraries).toEqual([
      { library: 'postgres', version: null },
      { library: 'valibot', version: '^1.5.0' },
    ]);
  });

  test('libsView: leaves out libraries only the tests import', () => {
    const settings = libsView(fixtureWorkspace()).bricks.find((entry) => entry.brick === 'settings');
    expect(settings?.libraries.map((use) => use.library)).toEqual(['valibot']);
  });

  test('libsView: reports what a brick imports and what a project needs but their package.json lacks', () => {
    expect(libsView(fixtureWorkspace()).missing).toEqual([
      {
        library: 'postgres',
        where: 'store',
        kind: 'brick',
        manifest: 'components/store/package.json',
        neededBy: ['store'],
      },
      {
        library: 'valibot',
        where: 'api_app',
        kind: 'project',
        manifest: 'projects/api_app/package.json',
        neededBy: ['settings', 'store'],
      },
    ]);
  });

  test('libsView: reports a listed library nothing imports, but not one only the tests import', () => {
    expect(libsView(fixtureWorkspace()).unused).toEqual([
      { library: 'chalk', brick: 'log', version: '^5.0.0' },
    ]);
  });

  test('libsView: counts an @types package as used when the package it types is imported', () => {
    const ws: Workspace = fixtureWorkspace();
    const log = ws.bricks[0];
    if (log === undefined) throw new Error('fixture has no log brick');
    log.libraries = { '@types/triple-beam': '^1.3.0', winston: '^3.0.0' };
    expect(libsView(ws).unused).toEqual([]);
  });

  test('libsView: reports a library with different ranges, each with where it is given', () => {
    expect(libsView(fixtureWorkspace()).drifting).toEqual([
      {
        library: 'valibot',
        ranges: [
          { range: '^1.4.0', where: ['tool_app'] },
          { range: '^1.5.0', where: ['settings', 'store'] },
        ],
      },
    ]);
  });

  test('libsView: leaves the development project out of projects and missing', () => {
    const view = libsView(fixtureWorkspace());
    expect(view.projects.map((entry) => entry.project)).toEqual(['api_app', 'tool_app']);
    expect(view.missing.some((entry) => entry.where === 'development')).toBe(false);
  });
});

describe('renderLibs', () => {
  test('renderLibs: without colour, prints both tables and the three lists', () => {
    expect(renderLibs(libsView(fixtureWorkspace()), { color: false })).toBe(
      [
        'brick     library   version',
        '--------  --------  -------',
        'log       winston   ^3.0.0',
        'settings  valibot   ^1.5.0',
        'store     postgres  missing',
        'store     valibot   ^1.5.0',
        'rest_api  express   ^5.0.0',
        '',
        'project   library   version',
        '--------  --------  -------',
        'api_app   express   ^5.0.0',
        'api_app   postgres  ^3.4.0',
        'api_app   valibot   missing',
        'api_app   winston   ^3.0.0',
        'tool_app  valibot   ^1.4.0',
        'tool_app  winston   ^3.0.0',
        '',
        'missing: 2',
        '  components/store/package.json lacks postgres (imported at run time by store)',
        '  projects/api_app/package.json lacks valibot (imported at run time by settings, store)',
        'unused: 1',
        '  log lists chalk ^5.0.0, imported by neither its src nor its tests',
        'drifting: 1',
        '  valibot: ^1.4.0 (tool_app), ^1.5.0 (settings, store)',
        '',
      ].join('\n'),
    );
  });

  test('renderLibs: for a clean workspace, says none for each list', () => {
    const text = renderLibs(
      { bricks: [], projects: [], missing: [], unused: [], drifting: [] },
      { color: false },
    );
    expect(text.split('\n').slice(-4)).toEqual(['missing: none', 'unused: none', 'drifting: none', '']);
  });

  test('renderLibs: with colour, shows a missing version in red', () => {
    expect(renderLibs(libsView(fixtureWorkspace()), { color: true })).toContain(
      '\u001b[31mmissing\u001b[39m',
    );
  });
});
