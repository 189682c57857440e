import { createScanCache } from '../src/scan-cache.ts';

describe('createScanCache', () => {
  test('the same text twice is scanned once and gives the same answer', () => {
    const cache = createScanCache();
    const first = cache.scan("import a from 'a';");
    const second = cache.scan("import a from 'a';");
    expect(second).toBe(first);
    expect(second).toEqual([{ specifier: 'a', line: 1, typeOnly: false, syntax: 'import' }]);
    expect(cache.size).toBe(1);
  });

  test('a changed text is scanned again', () => {
    const cache = createScanCache();
    cache.scan("import a from 'a';");
    expect(cache.scan("import b from 'b';").map((found) => found.specifier)).toEqual(['b']);
    expect(cache.size).toBe(2);
  });

  test('past maxEntries the cache starts over instead of growing', () => {
    const cache = createScanCache({ maxEntries: 2 });
    cache.scan('1');
    cache.scan('2');
    cache.scan('3');
    expect(cache.size).toBe(1);
  });
});
