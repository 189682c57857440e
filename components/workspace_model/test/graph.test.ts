import {
  affectedBricks,
  brickDependencies,
  dependencyClosure,
  dependents,
  findCycles,
  librariesImported,
  projectsShipping,
} from '../src/graph.ts';
import { brick, project, workspace } from './build-workspace.ts';

// api → job, log; job → store (run time), log (type only), fixtures (test only); store → log
const layered = workspace([
  brick('job', ['store', { brick: 'log', typeOnly: true }, { brick: 'fixtures', context: 'test' }]),
  brick('store', ['log', 'store']),
  brick('log'),
  brick('fixtures', ['log']),
  brick('api', ['log', 'job', 'ghost'], 'base'),
]);

describe('brickDependencies', () => {
  test('by default, lists every brick imported directly (src, test, type-only), sorted', () => {
    expect(brickDependencies(layered, 'job')).toEqual(['fixtures', 'log', 'store']);
  });

  test('runtimeOnly leaves out test and type-only imports', () => {
    expect(brickDependencies(layered, 'job', { runtimeOnly: true })).toEqual(['store']);
  });

  test('a brick importing itself, or a name that is no brick, is not a dependency', () => {
    expect(brickDependencies(layered, 'store')).toEqual(['log']);
    expect(brickDependencies(layered, 'api')).toEqual(['job', 'log']);
  });

  test('transitive follows imports all the way down', () => {
    expect(brickDependencies(layered, 'api', { transitive: true })).toEqual([
      'fixtures',
      'job',
      'log',
      'store',
    ]);
    expect(brickDependencies(layered, 'api', { transitive: true, runtimeOnly: true })).toEqual([
      'job',
      'log',
      'store',
    ]);
  });

  test('an unknown brick has no dependencies', () => {
    expect(brickDependencies(layered, 'nope')).toEqual([]);
  });
});

describe('dependents', () => {
  test('lists the bricks importing a brick directly, by any import unless runtimeOnly', () => {
    expect(dependents(layered, 'log')).toEqual(['api', 'fixtures', 'job', 'store']);
    expect(dependents(layered, 'log', { runtimeOnly: true })).toEqual(['api', 'fixtures', 'store']);
  });

  test('transitive lists every brick that reaches it', () => {
    expect(dependents(layered, 'store', { transitive: true })).toEqual(['api', 'job']);
  });
});

describe('dependencyClosure', () => {
  test('holds the roots and everything they reach, sorted', () => {
    expect(dependencyClosure(layered, ['job'])).toEqual(['fixtures', 'job', 'log', 'store']);
  });

  test('runtimeOnly reaches only through run-time imports', () => {
    expect(dependencyClosure(layered, ['job'], { runtimeOnly: true })).toEqual(['job', 'log', 'store']);
    expect(dependencyClosure(layered, ['fixtures', 'store'], { runtimeOnly: true })).toEqual([
      'fixtures',
      'log',
      'store',
    ]);
  });
});

describe('affectedBricks', () => {
  test('a change in a low-level brick affects every transitive dependent, through type and test imports too', () => {
    expect(affectedBricks(layered, ['log'])).toEqual(['api', 'fixtures', 'job', 'log', 'store']);
    expect(affectedBricks(layered, ['fixtures'])).toEqual(['api', 'fixtures', 'job']);
  });

  test('a change in a top-level brick affects only itself', () => {
    expect(affectedBricks(layered, ['api'])).toEqual(['api']);
  });

  test('no change affects nothing', () => {
    expect(affectedBricks(layered, [])).toEqual([]);
  });
});

describe('findCycles', () => {
  test('a layered workspace has no cycles', () => {
    expect(findCycles(layered)).toEqual([]);
  });

  test('two bricks importing each other form one cycle, starting at the smaller name', () => {
    const ws = workspace([brick('b', ['a']), brick('a', ['b'])]);
    expect(findCycles(ws)).toEqual([['a', 'b', 'a']]);
  });

  test('overlapping cycles are each listed once, sorted', () => {
    // a → b → c → a, a → c → b → a (b ↔ c both ways), plus d → a → d
    const ws = workspace([
      brick('a', ['b', 'c', 'd']),
      brick('b', ['c', 'a']),
      brick('c', ['a', 'b']),
      brick('d', ['a']),
    ]);
    expect(findCycles(ws)).toEqual([
      ['a', 'b', 'a'],
      ['a', 'b', 'c', 'a'],
      ['a', 'c', 'a'],
      ['a', 'c', 'b', 'a'],
      ['a', 'd', 'a'],
      ['b', 'c', 'b'],
    ]);
  });

  test('by default a type-only or test import does not close a cycle; allImports counts them', () => {
    const ws = workspace([
      brick('a', ['b']),
      brick('b', [{ brick: 'a', typeOnly: true }, 'c']),
      brick('c', [{ brick: 'b', context: 'test' }]),
    ]);
    expect(findCycles(ws)).toEqual([]);
    expect(findCycles(ws, { allImports: true })).toEqual([
      ['a', 'b', 'a'],
      ['b', 'c', 'b'],
    ]);
  });

  test('four bricks all importing each other hold all 20 elementary cycles', () => {
    const names = ['a', 'b', 'c', 'd'];
    const ws = workspace(names.map((name) => brick(name, names)));
    const cycles = findCycles(ws);
    expect(cycles).toHaveLength(20);
    expect(new Set(cycles.map((cycle) => cycle.join('>'))).size).toBe(20);
    expect(cycles.every((cycle) => cycle[0] === cycle.at(-1) && cycle[0] === [...cycle].sort()[0])).toBe(
      true,
    );
  });

  test('maxCycles stops the search in a dense tangle', () => {
    const names = Array.from({ length: 9 }, (_, i) => `b${i}`);
    const ws = workspace(names.map((name) => brick(name, names)));
    expect(findCycles(ws, { maxCycles: 50 })).toHaveLength(50);
  });

  test('the same workspace with bricks in another order gives the same cycles', () => {
    const bricks = [brick('x', ['y']), brick('y', ['z']), brick('z', ['x', 'y'])];
    expect(findCycles(workspace([...bricks].reverse()))).toEqual(findCycles(workspace(bricks)));
    expect(findCycles(workspace(bricks))).toEqual([
      ['x', 'y', 'z', 'x'],
      ['y', 'z', 'y'],
    ]);
  });
});

describe('librariesImported', () => {
  const ws = workspace([
    brick('a', [
      { library: 'zod' },
      { library: 'amqplib' },
      { library: 'zod' },
      { library: 'type-fest', typeOnly: true },
      { library: 'vitest', context: 'test' },
    ]),
  ]);

  test('by default lists every library imported, once each, sorted', () => {
    expect(librariesImported(ws, 'a')).toEqual(['amqplib', 'type-fest', 'vitest', 'zod']);
  });

  test('runtimeOnly lists only what src needs at run time', () => {
    expect(librariesImported(ws, 'a', { runtimeOnly: true })).toEqual(['amqplib', 'zod']);
  });

  test('an unknown brick imports nothing', () => {
    expect(librariesImported(ws, 'nope')).toEqual([]);
  });
});

describe('projectsShipping', () => {
  test('lists the deployable projects listing a brick, not the development project', () => {
    const ws = workspace(
      [brick('log')],
      [project('api_app', ['log']), project('cron', []), project('worker', ['log'])],
      { ...project('development', ['log']), dir: 'development', development: true },
    );
    expect(projectsShipping(ws, 'log')).toEqual(['api_app', 'worker']);
  });
});
