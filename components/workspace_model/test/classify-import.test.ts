import { classifyImport, packageNameOf } from '../src/classify-import.ts';

const site = {
  namespace: 'acme',
  file: '/ws/components/store/src/db/pool.ts',
  brickDir: '/ws/components/store',
};

describe('classifyImport', () => {
  test('a brick by its package name is a brick import, not deep', () => {
    expect(classifyImport('@acme/log', site)).toEqual({ kind: 'brick', brick: 'log', deep: false });
  });

  test('a path inside another brick is a deep brick import', () => {
    expect(classifyImport('@acme/log/src/logger.ts', site)).toEqual({
      kind: 'brick',
      brick: 'log',
      deep: true,
    });
  });

  test('node: specifiers and bare built-in names, with subpaths, are built-ins', () => {
    for (const specifier of ['node:fs', 'node:test', 'fs', 'fs/promises', 'path', 'stream/web']) {
      expect(classifyImport(specifier, site)).toEqual({ kind: 'builtin' });
    }
  });

  test('a bare specifier is the library of its package name, whatever the subpath', () => {
    expect(classifyImport('valibot', site)).toEqual({ kind: 'library', library: 'valibot' });
    expect(classifyImport('lodash/fp/map', site)).toEqual({ kind: 'library', library: 'lodash' });
    expect(classifyImport('@electric-sql/pglite/vector', site)).toEqual({
      kind: 'library',
      library: '@electric-sql/pglite',
    });
  });

  test('a scope that only starts like the namespace is a library', () => {
    expect(classifyImport('@acme-tools/x', site)).toEqual({ kind: 'library', library: '@acme-tools/x' });
  });

  test('a relative path that stays in the brick does not leave it, even via ../', () => {
    expect(classifyImport('./config.ts', site)).toEqual({ kind: 'relative', leavesBrick: false });
    expect(classifyImport('../index.ts', site)).toEqual({ kind: 'relative', leavesBrick: false });
    expect(classifyImport('../../test/helper.ts', site)).toEqual({ kind: 'relative', leavesBrick: false });
  });

  test('a relative path that climbs out of the brick leaves it', () => {
    expect(classifyImport('../../../log/src/index.ts', site)).toEqual({
      kind: 'relative',
      leavesBrick: true,
    });
    expect(classifyImport('../../../store-extra/x.ts', site)).toEqual({
      kind: 'relative',
      leavesBrick: true,
    });
  });

  test("a package's own #subpath import stays inside the brick", () => {
    expect(classifyImport('#internal/x', site)).toEqual({ kind: 'relative', leavesBrick: false });
  });
});

describe('packageNameOf', () => {
  test('keeps the scope and name of a scoped specifier and the name of a plain one', () => {
    expect(packageNameOf('@scope/name/deep/path')).toBe('@scope/name');
    expect(packageNameOf('name/deep')).toBe('name');
    expect(packageNameOf('name')).toBe('name');
  });
});
