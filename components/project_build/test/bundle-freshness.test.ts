import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildProject } from '../src/build-project.ts';
import { bundleFreshness, ensureFreshBundle } from '../src/bundle-freshness.ts';
import { fixture } from './fixture.ts';

const BEFORE = new Date('2020-01-01T00:00:00Z');
const BUILT = new Date('2021-01-01T00:00:00Z');
const AFTER = new Date('2022-01-01T00:00:00Z');
const project = { project: 'app_project', namespace: 'fx' };

/** Sets every file under `dir` (node_modules aside) to `time`. */
async function age(dir: string, time: Date): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await age(path, time);
    else await utimes(path, time, time);
  }
}

describe('bundleFreshness and ensureFreshBundle', () => {
  let root: string;
  let bundle: string;
  beforeEach(async () => {
    root = await fixture({ '@fx/app': '*', '@fx/util': '*', tiny_lib: '^1.0.0' });
    await mkdir(join(root, 'components/util/src/deep'));
    await writeFile(join(root, 'components/util/src/deep/rule.ts'), 'export const rule = 1;\n');
    await mkdir(join(root, 'components/unshipped/src'), { recursive: true });
    await writeFile(join(root, 'components/unshipped/src/index.ts'), 'export {};\n');
    await buildProject({ root, ...project });
    await age(root, BEFORE);
    bundle = join(root, 'projects/app_project/dist/main.js');
    await utimes(bundle, BUILT, BUILT);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  test('a bundle newer than every source is fresh, and ensureFreshBundle leaves it alone', async () => {
    expect(await bundleFreshness({ root, ...project })).toEqual({ fresh: true });
    expect(await ensureFreshBundle({ root, ...project })).toEqual({ outfile: bundle, rebuilt: undefined });
    expect((await stat(bundle)).mtime).toEqual(BUILT);
  });

  test('a source file deep in a shipped brick changed after the build makes it stale, and it is rebuilt', async () => {
    await utimes(join(root, 'components/util/src/deep/rule.ts'), AFTER, AFTER);
    const reason = 'components/util/src/deep/rule.ts changed after the bundle was built';
    expect(await bundleFreshness({ root, ...project })).toEqual({ fresh: false, reason });
    expect(await ensureFreshBundle({ root, ...project })).toEqual({ outfile: bundle, rebuilt: reason });
    expect((await stat(bundle)).mtime.getTime()).toBeGreaterThan(AFTER.getTime());
  });

  test("the project's or a brick's package.json changed after the build makes it stale", async () => {
    await utimes(join(root, 'bases/app/package.json'), AFTER, AFTER);
    expect(await bundleFreshness({ root, ...project })).toEqual({
      fresh: false,
      reason: 'bases/app/package.json changed after the bundle was built',
    });
    await utimes(join(root, 'projects/app_project/package.json'), AFTER, AFTER);
    expect(await bundleFreshness({ root, ...project })).toEqual({
      fresh: false,
      reason: 'projects/app_project/package.json changed after the bundle was built',
    });
  });

  test('a change in a brick the project does not ship leaves it fresh', async () => {
    await utimes(join(root, 'components/unshipped/src/index.ts'), AFTER, AFTER);
    expect(await bundleFreshness({ root, ...project })).toEqual({ fresh: true });
  });

  test('a missing bundle is built, with the rebuild given', async () => {
    await rm(bundle);
    const reason = 'projects/app_project/dist/main.js is missing';
    expect(await bundleFreshness({ root, ...project })).toEqual({ fresh: false, reason });
    const built: string[] = [];
    const rebuild = async (options: { project: string }) => {
      built.push(options.project);
      await buildProject({ root, ...project });
    };
    expect(await ensureFreshBundle({ root, ...project, rebuild })).toEqual({
      outfile: bundle,
      rebuilt: reason,
    });
    expect(built).toEqual(['app_project']);
    expect(await bundleFreshness({ root, ...project })).toEqual({ fresh: true });
  });
});
