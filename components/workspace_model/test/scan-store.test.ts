import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScanCache, type ScanCache } from '../src/scan-cache.ts';
import { openScanStore } from '../src/scan-store.ts';
import { type Fixture, writeFixture } from './fixture.ts';

let fixture: Fixture;
afterEach(() => fixture.remove());

/** A real scan cache that also counts the texts it was handed, to tell a kept scan from a new one. */
function countingCache(): ScanCache & { scanned: string[] } {
  const cache = createScanCache();
  const scanned: string[] = [];
  return {
    scanned,
    scan(source) {
      scanned.push(source);
      return cache.scan(source);
    },
    get size() {
      return cache.size;
    },
  };
}

const anHourAgo = () => new Date(Date.now() - 3_600_000);

async function sources(files: Record<string, string>): Promise<Fixture> {
  const made = await writeFixture(files);
  for (const path of Object.keys(files)) utimesSync(join(made.root, path), anHourAgo(), anHourAgo());
  return made;
}

describe('openScanStore', () => {
  test('openScanStore: without a file, reads and scans every time and writes nothing', async () => {
    fixture = await sources({ 'a.ts': "import x from 'x';\n" });
    const store = openScanStore(fixture.root, undefined, createScanCache());
    expect(store.scanFile('a.ts')).toEqual([{ specifier: 'x', line: 1, typeOnly: false, syntax: 'import' }]);
    store.save();
    expect(existsSync(join(fixture.root, 'node_modules'))).toBe(false);
  });

  test('openScanStore: a file unchanged since the last run is answered from the store, not read', async () => {
    fixture = await sources({ 'a.ts': "import type { T } from 't';\nimport('lazy');\n" });
    const file = join(fixture.root, 'cache', 'imports.json');
    const first = openScanStore(fixture.root, file, countingCache());
    const found = first.scanFile('a.ts');
    first.save();
    const cache = countingCache();
    const second = openScanStore(fixture.root, file, cache);
    expect(second.scanFile('a.ts')).toEqual(found);
    expect(found).toEqual([
      { specifier: 't', line: 1, typeOnly: true, syntax: 'import' },
      { specifier: 'lazy', line: 2, typeOnly: false, syntax: 'dynamic' },
    ]);
    expect(cache.scanned).toEqual([]);
  });

  test('openScanStore: a file whose size or time changed is read and scanned again', async () => {
    fixture = await sources({ 'a.ts': "import x from 'x';\n" });
    const file = join(fixture.root, 'imports.json');
    const first = openScanStore(fixture.root, file, createScanCache());
    first.scanFile('a.ts');
    first.save();
    writeFileSync(join(fixture.root, 'a.ts'), "import y from 'y';\n");
    utimesSync(join(fixture.root, 'a.ts'), anHourAgo(), new Date(Date.now() - 60_000));
    const cache = countingCache();
    expect(openScanStore(fixture.root, file, cache).scanFile('a.ts')).toEqual([
      { specifier: 'y', line: 1, typeOnly: false, syntax: 'import' },
    ]);
    expect(cache.scanned).toHaveLength(1);
  });

  test('openScanStore: a file changed within the last two seconds is not kept, as its time may not tick again', async () => {
    fixture = await writeFixture({ 'fresh.ts': "import x from 'x';\n" });
    const file = join(fixture.root, 'imports.json');
    const first = openScanStore(fixture.root, file, createScanCache());
    first.scanFile('fresh.ts');
    first.save();
    const cache = countingCache();
    openScanStore(fixture.root, file, cache).scanFile('fresh.ts');
    expect(cache.scanned).toHaveLength(1);
  });

  test('openScanStore: save keeps only the files asked about since opening', async () => {
    fixture = await sources({ 'a.ts': "import a from 'a';\n", 'b.ts': "import b from 'b';\n" });
    const file = join(fixture.root, 'imports.json');
    const first = openScanStore(fixture.root, file, createScanCache());
    first.scanFile('a.ts');
    first.scanFile('b.ts');
    first.save();
    const second = openScanStore(fixture.root, file, createScanCache());
    second.scanFile('b.ts');
    second.save();
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).files)).toEqual(['b.ts']);
  });

  test('openScanStore: a store that is not JSON, or from another format, is started over', async () => {
    fixture = await sources({
      'a.ts': "import a from 'a';\n",
      'broken.json': '{ "files": ',
      'old.json': '{"format":0,"files":{"a.ts":[0,0]}}',
    });
    for (const name of ['broken.json', 'old.json']) {
      const cache = countingCache();
      const store = openScanStore(fixture.root, join(fixture.root, name), cache);
      expect(store.scanFile('a.ts')).toEqual([
        { specifier: 'a', line: 1, typeOnly: false, syntax: 'import' },
      ]);
      expect(cache.scanned).toHaveLength(1);
      store.save();
      expect(JSON.parse(readFileSync(join(fixture.root, name), 'utf8')).format).toBe(2);
    }
  });

  test('openScanStore: a package.json unchanged since the last run is answered from the store', async () => {
    fixture = await sources({
      'a/package.json': '{ "name": "@acme/a", "dependencies": { "z": "^1", "y": "^2" } }',
    });
    const file = join(fixture.root, 'imports.json');
    const first = openScanStore(fixture.root, file, createScanCache());
    const manifest = first.readManifest('a');
    first.save();
    expect(manifest).toEqual({ name: '@acme/a', dependencies: { y: '^2', z: '^1' } });
    // Another text of the same size and time: only the store can still answer the old manifest.
    const path = join(fixture.root, 'a', 'package.json');
    const { mtime, size } = statSync(path);
    writeFileSync(path, 'x'.repeat(size));
    utimesSync(path, mtime, mtime);
    expect(openScanStore(fixture.root, file, createScanCache()).readManifest('a')).toEqual(manifest);
  });

  test('openScanStore: a missing package.json is no package, a malformed one a WorkspaceError', async () => {
    fixture = await sources({ 'bad/package.json': '{ "name": 1 }' });
    const store = openScanStore(fixture.root, join(fixture.root, 'imports.json'), createScanCache());
    expect(store.readManifest('none')).toBeUndefined();
    expect(() => store.readManifest('bad')).toThrow(
      expect.objectContaining({ name: 'WorkspaceError', code: 'invalid_config' }),
    );
  });

  test('openScanStore: a store that cannot be written costs nothing but the next run its speed', async () => {
    fixture = await sources({ 'a.ts': "import a from 'a';\n", blocker: 'a file where a folder should be' });
    const store = openScanStore(
      fixture.root,
      join(fixture.root, 'blocker', 'imports.json'),
      createScanCache(),
    );
    store.scanFile('a.ts');
    expect(() => store.save()).not.toThrow();
  });
});
