import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildProject } from '../src/build-project.ts';
import { BuildError } from '../src/manifest.ts';
import { fixture } from './fixture.ts';

describe('buildProject', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });

  test('bundles the base and its bricks and writes a manifest of only the imported libraries, pinned', async () => {
    root = await fixture({ '@fx/app': '*', '@fx/util': '*', tiny_lib: '^1.0.0', unused_lib: '^9.0.0' });
    const report = await buildProject({ root, project: 'app_project', namespace: 'fx' });
    expect(report).toMatchObject({
      project: 'app_project',
      base: 'app',
      outfile: 'projects/app_project/dist/main.js',
      manifest: 'projects/app_project/dist/package.json',
      dependencies: { tiny_lib: '1.2.3' },
    });
    const bundle = await readFile(join(root, report.outfile), 'utf8');
    expect(bundle).toContain('hello');
    expect(bundle).toMatch(/from\s*"tiny_lib"/);
    expect(bundle.startsWith('#!')).toBe(false);
    const manifest = JSON.parse(await readFile(join(root, report.manifest), 'utf8'));
    expect(manifest).toEqual({
      name: '@fx/app_project',
      version: '2.0.0',
      private: true,
      type: 'module',
      main: 'main.js',
      scripts: { start: 'node main.js' },
      engines: { node: '>=20.19' },
      dependencies: { tiny_lib: '1.2.3' },
    });
    expect(report.documents).toEqual([]);
  });

  test('a project with a publishConfig and a bin builds a public package whose command runs the bundle', async () => {
    root = await fixture(
      { '@fx/app': '*', '@fx/util': '*', tiny_lib: '^1.0.0' },
      {
        private: true,
        description: 'The app, as a command.',
        bin: { 'fx-app': 'bin/app.js' },
        publishConfig: { access: 'public' },
        scripts: { dev: 'tsx bases/app/src/main.ts' },
      },
    );
    await writeFile(join(root, 'projects/app_project/README.md'), '# app\n');
    await writeFile(join(root, 'LICENSE'), 'MIT License\n');
    const report = await buildProject({ root, project: 'app_project', namespace: 'fx' });
    expect(JSON.parse(await readFile(join(root, report.manifest), 'utf8'))).toEqual({
      name: '@fx/app_project',
      version: '2.0.0',
      description: 'The app, as a command.',
      license: 'MIT',
      type: 'module',
      bin: { 'fx-app': 'main.js' },
      files: ['main.js', 'main.js.map'],
      engines: { node: '>=20.19' },
      dependencies: { tiny_lib: '1.2.3' },
      publishConfig: { access: 'public' },
    });
    expect(report.documents).toEqual([
      'projects/app_project/dist/README.md',
      'projects/app_project/dist/LICENSE',
    ]);
    expect(await readFile(join(root, 'projects/app_project/dist/LICENSE'), 'utf8')).toBe('MIT License\n');
    // Run as npm runs a bin: the file itself, by its shebang.
    const program = join(root, report.outfile);
    await chmod(program, 0o755);
    expect(execFileSync(program, { encoding: 'utf8' })).toBe('HELLO YOU\n');
  });

  test('with an outdir, writes the bundle and its manifest there and nothing in the project', async () => {
    root = await fixture({ '@fx/app': '*', '@fx/util': '*', tiny_lib: '^1.0.0' });
    const outdir = join(root, 'elsewhere');
    const report = await buildProject({ root, project: 'app_project', namespace: 'fx', outdir });
    expect(report).toMatchObject({ outfile: 'elsewhere/main.js', manifest: 'elsewhere/package.json' });
    expect(existsSync(join(outdir, 'main.js'))).toBe(true);
    expect(existsSync(join(root, 'projects/app_project/dist'))).toBe(false);
  });

  test('an import the project does not list fails the build, naming it', async () => {
    root = await fixture({ '@fx/app': '*', '@fx/util': '*' });
    const failure = buildProject({ root, project: 'app_project', namespace: 'fx' });
    await expect(failure).rejects.toBeInstanceOf(BuildError);
    await expect(failure).rejects.toMatchObject({ code: 'unlisted_import' });
    await expect(failure).rejects.toThrow('tiny_lib is imported by');
  });

  test('a brick the project does not list fails the build', async () => {
    root = await fixture({ '@fx/app': '*', tiny_lib: '^1.0.0' });
    await expect(buildProject({ root, project: 'app_project', namespace: 'fx' })).rejects.toMatchObject({
      code: 'unlisted_import',
    });
  });

  test('without package-lock.json, or with one lacking an imported library, the build fails as not_locked', async () => {
    root = await fixture({ '@fx/app': '*', '@fx/util': '*', tiny_lib: '^1.0.0' });
    const lockfile = join(root, 'package-lock.json');
    await writeFile(lockfile, JSON.stringify({ lockfileVersion: 3, packages: {} }));
    await expect(buildProject({ root, project: 'app_project', namespace: 'fx' })).rejects.toMatchObject({
      code: 'not_locked',
      message: expect.stringContaining('tiny_lib is not in package-lock.json'),
    });
    await rm(lockfile);
    await expect(buildProject({ root, project: 'app_project', namespace: 'fx' })).rejects.toMatchObject({
      code: 'not_locked',
    });
  });

  test('a project without a base, or an unknown project, is refused', async () => {
    root = await fixture({ '@fx/util': '*', tiny_lib: '^1.0.0' });
    await expect(buildProject({ root, project: 'app_project', namespace: 'fx' })).rejects.toMatchObject({
      code: 'no_base',
    });
    await expect(buildProject({ root, project: 'nope', namespace: 'fx' })).rejects.toMatchObject({
      code: 'unknown_project',
    });
  });

  test('a process reading the bundle while it is built again reads a whole one, never one half written', async () => {
    root = await fixture({ '@fx/app': '*', '@fx/util': '*', tiny_lib: '^1.0.0' });
    // A bundle of some megabytes, so that writing it takes many writes.
    const big = `export const big = ${JSON.stringify('x'.repeat(4_000_000))};\n`;
    await writeFile(join(root, 'bases/app/src/big.ts'), big);
    await writeFile(
      join(root, 'bases/app/src/main.ts'),
      "import { greet } from '@fx/util';\nimport { big } from './big.ts';\nconsole.log(greet('you'), big.length);\n",
    );
    const options = { root, project: 'app_project', namespace: 'fx' };
    const bundle = join(root, (await buildProject(options)).outfile);
    const whole = (text: string) => text.trimEnd().endsWith('//# sourceMappingURL=main.js.map');
    let building = true;
    const builds = (async () => {
      for (let round = 0; round < 5; round++) await buildProject(options);
      building = false;
    })();
    const torn: number[] = [];
    let reads = 0;
    while (building) {
      const text = await readFile(bundle, 'utf8');
      reads += 1;
      if (!whole(text)) torn.push(text.length);
    }
    await builds;
    expect(reads).toBeGreaterThan(5);
    expect(torn).toEqual([]);
    expect((await readdir(dirname(bundle))).sort()).toEqual(['main.js', 'main.js.map', 'package.json']);
  });
});
