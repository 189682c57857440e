import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A tiny workspace: base `app` imports component `util`, which imports the library `tiny_lib`. */
export async function fixture(
  projectDependencies: Record<string, string>,
  projectFields: Record<string, unknown> = {},
) {
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
    JSON.stringify({
      name: '@fx/app_project',
      version: '2.0.0',
      ...projectFields,
      dependencies: projectDependencies,
    }),
  );
  await write('package.json', JSON.stringify({ name: 'fx-workspace', private: true, license: 'MIT' }));
  return root;
}
