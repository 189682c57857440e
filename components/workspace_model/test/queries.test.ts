import { WorkspaceError } from '../src/errors.ts';
import {
  allProjects,
  brickNamed,
  edgesOf,
  projectNamed,
  shippedBy,
  sortedBricks,
  usedByOf,
  usesOf,
} from '../src/queries.ts';
import type { Project } from '../src/types.ts';
import { brick, project, workspace } from './build-workspace.ts';

// api → job → store → log; job's import of log is type-only; fixtures → log, used by job's tests only
const development: Project = { ...project('development', ['log', 'store']), development: true };
const ws = workspace(
  [
    brick('store', ['log']),
    brick('log'),
    brick('job', ['store', { brick: 'log', typeOnly: true }, { brick: 'fixtures', context: 'test' }]),
    brick('fixtures', ['log']),
    brick('api', ['job'], 'base'),
  ],
  [project('worker', ['job', 'store', 'log']), project('api_app', ['api', 'job', 'store', 'log'])],
  development,
);

describe('workspace queries', () => {
  test('brickNamed and projectNamed: find by name, development included', () => {
    expect(brickNamed(ws, 'store').name).toBe('store');
    expect(projectNamed(ws, 'development')).toBe(development);
  });

  test('brickNamed and projectNamed: for a name the workspace does not hold, throw WorkspaceError with its code', () => {
    expect(() => brickNamed(ws, 'nope')).toThrow(
      expect.objectContaining({ name: 'WorkspaceError', code: 'unknown_brick' }),
    );
    expect(() => projectNamed(ws, 'nope')).toThrow(
      expect.objectContaining({ name: 'WorkspaceError', code: 'unknown_project' }),
    );
    expect(() => projectNamed(ws, 'nope')).toThrow(WorkspaceError);
  });

  test('allProjects: deployable projects sorted by name, then development last', () => {
    expect(allProjects(ws).map((p) => p.name)).toEqual(['api_app', 'worker', 'development']);
  });

  test('shippedBy: the deployable projects shipping a brick sorted, then development when it lists it', () => {
    expect(shippedBy(ws, 'store')).toEqual(['api_app', 'worker', 'development']);
    expect(shippedBy(ws, 'api')).toEqual(['api_app']);
    expect(shippedBy(ws, 'fixtures')).toEqual([]);
  });

  test('sortedBricks: components by name, then bases', () => {
    expect(sortedBricks(ws.bricks).map((b) => b.name)).toEqual(['fixtures', 'job', 'log', 'store', 'api']);
  });

  test('usesOf: direct imports, and the bricks reached only through them', () => {
    expect(usesOf(ws, 'api')).toEqual({ direct: ['job'], transitive: ['fixtures', 'log', 'store'] });
    expect(usesOf(ws, 'job', { runtimeOnly: true })).toEqual({ direct: ['store'], transitive: ['log'] });
  });

  test('usedByOf: the importers of a brick, and those reaching it only through them', () => {
    expect(usedByOf(ws, 'store')).toEqual({ direct: ['job'], transitive: ['api'] });
    expect(usedByOf(ws, 'fixtures', { runtimeOnly: true })).toEqual({ direct: [], transitive: [] });
  });

  test('edgesOf: each imported brick, marked run-time unless all its imports are type-only or in tests', () => {
    expect(edgesOf(ws, 'job')).toEqual([
      { to: 'fixtures', runtime: false },
      { to: 'log', runtime: false },
      { to: 'store', runtime: true },
    ]);
  });
});
