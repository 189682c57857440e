import type { Brick, ImportRef, Project, Workspace } from '@mousetrap/workspace_model';

type Target = ImportRef['target'];

function ref(file: string, line: number, specifier: string, target: Target, typeOnly = false): ImportRef {
  return { file, line, specifier, typeOnly, context: file.includes('/test/') ? 'test' : 'src', target };
}

const lib = (library: string): Target => ({ kind: 'library', library });
const brick = (name: string): Target => ({ kind: 'brick', brick: name, deep: false });

function component(name: string, libraries: Record<string, string>, imports: ImportRef[]): Brick {
  return {
    name,
    kind: 'component',
    dir: `components/${name}`,
    packageName: `@acme/${name}`,
    manifestName: `@acme/${name}`,
    libraries,
    listedBricks: [],
    imports,
  };
}

function project(
  name: string,
  alias: string | undefined,
  bricks: string[],
  libraries: Record<string, string>,
): Project {
  return {
    name,
    dir: name === 'development' ? 'development' : `projects/${name}`,
    alias,
    manifestName: `@acme/${name}`,
    bricks,
    libraries,
    development: name === 'development',
  };
}

/**
 * Three components and a base: rest_api uses store (so log through it) and settings by type only; store
 * uses log and settings; settings' tests use log. store forgets postgres, log lists chalk it never imports, api_app forgets valibot, and
 * tool_app pins valibot differently from the bricks.
 */
export function fixtureWorkspace(): Workspace {
  return {
    root: '/work/acme',
    config: {
      namespace: 'acme',
      folders: { components: 'components', bases: 'bases', projects: 'projects', development: 'development' },
      tags: { stable: 'stable-*', release: 'v[0-9]*' },
      projects: { api_app: { alias: 'api' } },
    },
    bricks: [
      component('log', { chalk: '^5.0.0', 'triple-beam': '^1.4.0', winston: '^3.0.0' }, [
        ref('components/log/src/log.ts', 1, 'winston', lib('winston')),
        ref('components/log/test/log.test.ts', 1, 'triple-beam', lib('triple-beam')),
      ]),
      component('settings', { valibot: '^1.5.0' }, [
        ref('components/settings/src/settings.ts', 1, 'valibot', lib('valibot')),
        ref('components/settings/test/settings.test.ts', 1, 'fast-check', lib('fast-check')),
        ref('components/settings/test/settings.test.ts', 2, '@acme/log', brick('log')),
      ]),
      component('store', { valibot: '^1.5.0' }, [
        ref('components/store/src/store.ts', 1, '@acme/log', brick('log')),
        ref('components/store/src/store.ts', 2, '@acme/settings', brick('settings')),
        ref('components/store/src/store.ts', 3, 'postgres', lib('postgres')),
        ref('components/store/src/store.ts', 4, 'valibot', lib('valibot')),
      ]),
      {
        name: 'rest_api',
        kind: 'base',
        dir: 'bases/rest_api',
        packageName: '@acme/rest_api',
        manifestName: '@acme/rest_api',
        libraries: { express: '^5.0.0' },
        listedBricks: [],
        imports: [
          ref('bases/rest_api/src/app.ts', 1, 'express', lib('express')),
          ref('bases/rest_api/src/app.ts', 2, '@acme/settings', brick('settings'), true),
          ref('bases/rest_api/src/app.ts', 3, '@acme/store', brick('store')),
        ],
      },
    ],
    projects: [
      project('api_app', 'api', ['log', 'rest_api', 'settings', 'store'], {
        express: '^5.0.0',
        postgres: '^3.4.0',
        winston: '^3.0.0',
      }),
      project('tool_app', undefined, ['log', 'settings'], { valibot: '^1.4.0', winston: '^3.0.0' }),
    ],
    development: project('development', undefined, ['log', 'rest_api', 'settings', 'store'], {}),
  };
}
