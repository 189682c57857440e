import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../src/context.ts';
import { runPoly } from '../src/run-poly.ts';

async function poly(cwd: string, ...argv: string[]) {
  let stdout = '';
  const quiet = { write: () => true };
  const out = { write: (text: string) => (stdout += text) };
  const code = await runPoly(argv, { cwd, env: {}, stdout: out, stderr: quiet, isTTY: false });
  return { code, stdout };
}

async function edit(path: string, change: (text: string) => string): Promise<void> {
  await writeFile(path, change(await readFile(path, 'utf8')));
}

const withDependency = (name: string, version: string) => (text: string) => {
  const manifest = JSON.parse(text);
  manifest.dependencies = { ...manifest.dependencies, [name]: version };
  return `${JSON.stringify(manifest, null, 2)}\n`;
};

describe('poly libs and poly check', () => {
  let dir: string;
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('agree on what is missing in a workspace with a missing and an unused library', async () => {
    dir = await mkdtemp(join(tmpdir(), 'poly-libs-check-'));
    for (const argv of [
      ['create', 'workspace', '--name', 'acme'],
      ['create', 'component', '--name', 'greeting'],
      ['create', 'component', '--name', 'parser'],
      ['create', 'base', '--name', 'hello_api'],
      ['create', 'project', '--name', 'hello_app', '--base', 'hello_api'],
    ]) {
      expect((await poly(dir, ...argv)).code).toBe(EXIT.ok);
    }
    const src = (kind: string, brick: string, file: string) => join(dir, kind, brick, 'src', file);
    const manifest = (kind: string, name: string) => join(dir, kind, name, 'package.json');
    // greeting imports lodash without listing it (missing), and lists left-pad it never imports (unused).
    await edit(src('components', 'greeting', 'greeting.ts'), (text) => `import 'lodash';\n${text}`);
    await edit(manifest('components', 'greeting'), withDependency('left-pad', '^1.3.0'));
    // hello_api now also uses parser, which lists its yaml: hello_app ships neither parser (P107) nor
    // yaml, which it needs at run time all the same.
    await edit(src('components', 'parser', 'parser.ts'), (text) => `import 'yaml';\n${text}`);
    await edit(manifest('components', 'parser'), withDependency('yaml', '^2.9.1'));
    await edit(src('bases', 'hello_api', 'hello-api.ts'), (text) => `import '@acme/parser';\n${text}`);

    const libs = JSON.parse((await poly(dir, 'libs', '--json')).stdout);
    const check = JSON.parse((await poly(dir, 'check', '--json')).stdout);
    const fromLibs = libs.missing.map(
      (entry: { kind: string; where: string; library: string }) =>
        `${entry.kind} ${entry.where} ${entry.library}`,
    );
    const fromCheck = check.diagnostics
      .filter((d: { code: string }) => d.code === 'P113')
      .map((d: { message: string }) => {
        const [, kind, where, library] = /^(brick|project) (\S+) .*?"([^"]+)"/.exec(d.message) ?? [];
        return `${kind} ${where} ${library}`;
      });
    expect(fromCheck.sort()).toEqual(fromLibs.sort());
    expect(fromLibs.sort()).toEqual(['brick greeting lodash', 'project hello_app yaml']);
    expect(libs.unused).toEqual([{ library: 'left-pad', brick: 'greeting', version: '^1.3.0' }]);
  });
});
