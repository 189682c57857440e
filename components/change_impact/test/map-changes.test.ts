import { locateFile } from '../src/locate-file.ts';
import { mapChanges } from '../src/map-changes.ts';
import { smallWorkspace as ws } from './small-workspace.ts';

describe('mapChanges', () => {
  test('when a low-level component changes, its dependents are affected transitively, and every project shipping them', () => {
    expect(mapChanges(ws, ['components/a/src/index.ts'])).toEqual({
      changedBricks: ['a'],
      affectedBricks: ['b', 'c', 'x'],
      changedProjects: [],
      affectedProjects: ['development', 'p', 'q'],
      workspaceFiles: [],
      otherFiles: [],
    });
  });

  test('when only the base changes, only the projects shipping it are affected', () => {
    expect(mapChanges(ws, ['bases/x/src/main.ts', 'bases/x/test/main.test.ts'])).toMatchObject({
      changedBricks: ['x'],
      affectedBricks: [],
      affectedProjects: ['development', 'p'],
    });
  });

  test('a changed brick that is also a dependent of another changed brick is changed, not affected', () => {
    expect(mapChanges(ws, ['components/c/package.json', 'components/a/src/index.ts'])).toMatchObject({
      changedBricks: ['a', 'c'],
      affectedBricks: ['b', 'x'],
    });
  });

  test("a project's own files make it changed, not affected, and affect no brick", () => {
    expect(mapChanges(ws, ['projects/q/package.json', 'development/start.ts'])).toEqual({
      changedBricks: [],
      affectedBricks: [],
      changedProjects: ['development', 'q'],
      affectedProjects: [],
      workspaceFiles: [],
      otherFiles: [],
    });
  });

  test('a project changed in its own folder is not also listed as affected by its bricks', () => {
    expect(mapChanges(ws, ['components/a/src/index.ts', 'projects/p/Dockerfile'])).toMatchObject({
      changedProjects: ['p'],
      affectedProjects: ['development', 'q'],
    });
  });

  test('when the lockfile changes, every brick and project is affected', () => {
    expect(mapChanges(ws, ['package-lock.json', 'components/b/src/index.ts'])).toEqual({
      changedBricks: ['b'],
      affectedBricks: ['a', 'c', 'x'],
      changedProjects: [],
      affectedProjects: ['development', 'p', 'q'],
      workspaceFiles: ['package-lock.json'],
      otherFiles: [],
    });
  });

  test('docs, CI scripts and root files outside the build affect nothing', () => {
    expect(mapChanges(ws, ['README.md', 'docs/architecture.md', '.ci/run', 'biome.json'])).toEqual({
      changedBricks: [],
      affectedBricks: [],
      changedProjects: [],
      affectedProjects: [],
      workspaceFiles: [],
      otherFiles: ['.ci/run', 'README.md', 'biome.json', 'docs/architecture.md'],
    });
  });

  test('the result does not depend on the order of the files', () => {
    const files = ['projects/q/package.json', 'components/b/src/index.ts', 'README.md', 'components/a/x.ts'];
    expect(mapChanges(ws, [...files].reverse())).toEqual(mapChanges(ws, files));
  });
});

describe('locateFile', () => {
  test.each([
    ['components/a/src/index.ts', { kind: 'brick', brick: 'a' }],
    ['bases/x/package.json', { kind: 'brick', brick: 'x' }],
    ['projects/p/Dockerfile', { kind: 'project', project: 'p' }],
    ['development/test/e2e.test.ts', { kind: 'project', project: 'development' }],
    ['package.json', { kind: 'workspace' }],
    ['tsconfig.json', { kind: 'workspace' }],
    ['jest.config.cjs', { kind: 'workspace' }],
    ['jest-summary-reporter.cjs', { kind: 'workspace' }],
    ['workspace.json', { kind: 'workspace' }],
    ['components/ab/src/index.ts', { kind: 'other' }],
    ['docs/package.json', { kind: 'other' }],
  ])('%s belongs to %o', (file, location) => {
    expect(locateFile(ws, file)).toEqual(location);
  });
});
