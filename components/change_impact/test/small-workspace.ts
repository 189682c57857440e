import type { Brick, ImportRef, Project, Workspace } from '@mousetrap/workspace_model';

const uses = (dir: string, brick: string): ImportRef => ({
  file: `${dir}/src/index.ts`,
  line: 1,
  specifier: `@t/${brick}`,
  typeOnly: false,
  context: 'src',
  target: { kind: 'brick', brick, deep: false },
});

function brick(name: string, kind: Brick['kind'], imports: string[]): Brick {
  const dir = `${kind === 'component' ? 'components' : 'bases'}/${name}`;
  return {
    name,
    kind,
    dir,
    packageName: `@t/${name}`,
    manifestName: `@t/${name}`,
    libraries: {},
    listedBricks: [],
    imports: imports.map((target) => uses(dir, target)),
  };
}

function project(name: string, bricks: string[], dir = `projects/${name}`): Project {
  return {
    name,
    dir,
    alias: undefined,
    manifestName: `@t/${name}`,
    bricks,
    libraries: {},
    development: dir === 'development',
  };
}

/**
 * Components a ← b ← c (each imports the one before), base x imports c; project p ships x, c, b
 * and a, project q ships only a; development ships everything.
 */
export const smallWorkspace: Workspace = {
  root: '/ws',
  config: {
    namespace: 't',
    folders: { components: 'components', bases: 'bases', projects: 'projects', development: 'development' },
    tags: { stable: 'stable-*', release: 'v[0-9]*' },
    projects: {},
  },
  bricks: [
    brick('a', 'component', []),
    brick('b', 'component', ['a']),
    brick('c', 'component', ['b']),
    brick('x', 'base', ['c']),
  ],
  projects: [project('p', ['a', 'b', 'c', 'x']), project('q', ['a'])],
  development: project('development', ['a', 'b', 'c', 'x'], 'development'),
};
