import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildProject } from '../src/build-project.ts';
import { BuildError } from '../src/manifest.ts';

/** A tiny workspace: base `app` imports component `util`, which imports the library `tiny_lib`. */
async function fixture(projectDependencies: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'build-fixture-'));
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const pkg = (name: string) => JSON.stringify({ name, type: 'module', exports: { '.': './src/index.ts' } });
  await write('components/util/package.json', pkg('@fx/util'));
  await write(
    'components/util/src/index.ts',
    "import { shout } from 'tiny_lib';\nexport const greet = (name: string): string => shout('hello ' + name);\n",
  );
  await write('bases/app/package.json', pkg('@fx/app'));
  await write('bases/app/src/index.ts', 'export {};\n');
  await write('bases/app/src/main.ts', "import { greet } from '@fx/util';\nconsole.log(greet('you'));\n");
  await write('node_modules/tiny_lib/package.json', JSON.stringify({ name: 'tiny_lib', main: 'index.js' }));
  await write('node_modules/tiny_lib/index.js', 'exports.shout = (text) => text.toUpperCase();\n');
  await mkdir(join(root, 'node_modules/@fx'), { recursive: true });
  await symlink(join(root, 'components/util'), join(root, 'node_modules/@fx/util'));
  await symlink(join(root, 'bases/app'), join(root, 'node_modules/@fx/app'));
  await write(
    'package-lock.json',
    JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/tiny_lib': { version: '1.2.3' } } }),
  );
  await write(
    'projects/app_project/package.json',
    JSON.stringify({ name: '@fx/app_project', version: '2.0.0', dependencies: projectDependencies }),
  );
  return root;
}

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
    const manifest = JSON.parse(await readFile(join(root, report.manifest), 'utf8'));
    expect(manifest).toMatchObject({
      name: '@fx/app_project',
      version: '2.0.0',
      dependencies: { tiny_lib: '1.2.3' },
    });
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
});
