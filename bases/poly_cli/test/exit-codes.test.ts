import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../src/context.ts';
import { runPoly } from '../src/run-poly.ts';

const workspaceRoot = join(__dirname, '..', '..', '..');

async function poly(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runPoly(argv, {
    cwd,
    env: { NO_COLOR: '1' },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** Replaces a file's text for the length of `act`, then puts the old text back. */
async function withFile<T>(
  path: string,
  text: (before: string) => string,
  act: () => Promise<T>,
): Promise<T> {
  const before = await readFile(path, 'utf8');
  await writeFile(path, text(before));
  try {
    return await act();
  } finally {
    await writeFile(path, before);
  }
}

type Place = 'workspace' | 'nowhere';

// Every command, with each exit code it can give from the command line alone: 0 ok, 2 usage or
// configuration, 3 outside a workspace. Exit 1 needs a broken workspace: see the tests below.
const CASES: [Place, string[], number][] = [
  ['nowhere', ['help'], EXIT.ok],
  ['nowhere', ['help', 'check'], EXIT.ok],
  ['nowhere', ['help', 'frobnicate'], EXIT.usage],
  ['nowhere', [], EXIT.ok],
  ['nowhere', ['frobnicate'], EXIT.usage],
  ['workspace', ['create', 'component', '--name', 'fresh', '--dry-run'], EXIT.ok],
  ['workspace', ['create', 'component', '--name', 'greeting'], EXIT.usage],
  ['workspace', ['create', 'base', '--name', 'greeting'], EXIT.usage],
  ['workspace', ['create', 'project', '--name', 'hello_app'], EXIT.usage],
  ['workspace', ['create', 'component', '--name', 'Not-Snake'], EXIT.usage],
  ['workspace', ['create', 'component', '--name', 'development'], EXIT.usage],
  ['workspace', ['create', 'project', '--name', 'other_app', '--base', 'greeting'], EXIT.usage],
  ['workspace', ['create', 'workspace', '--name', 'again'], EXIT.usage],
  ['workspace', ['create', 'component'], EXIT.usage],
  ['workspace', ['create', 'gadget', '--name', 'x'], EXIT.usage],
  ['nowhere', ['create', 'component', '--name', 'fresh'], EXIT.noWorkspace],
  ['workspace', ['info'], EXIT.ok],
  ['workspace', ['info', '--short'], EXIT.ok],
  ['workspace', ['info', '--since', 'no-such-ref'], EXIT.usage],
  ['workspace', ['info', '--verbose'], EXIT.usage],
  ['nowhere', ['info'], EXIT.noWorkspace],
  ['workspace', ['check'], EXIT.ok],
  ['workspace', ['check', '--strict'], EXIT.ok],
  ['workspace', ['check', 'extra'], EXIT.usage],
  ['nowhere', ['check'], EXIT.noWorkspace],
  ['workspace', ['deps'], EXIT.ok],
  ['workspace', ['deps', '--brick', 'greeting'], EXIT.ok],
  ['workspace', ['deps', '--brick', 'no_such_brick'], EXIT.usage],
  ['workspace', ['deps', '--project', 'no_such_project'], EXIT.usage],
  ['workspace', ['deps', '--format', 'png'], EXIT.usage],
  ['nowhere', ['deps'], EXIT.noWorkspace],
  ['workspace', ['libs'], EXIT.ok],
  ['workspace', ['libs', '--json', '--json=x'], EXIT.usage],
  ['nowhere', ['libs'], EXIT.noWorkspace],
  ['workspace', ['diff'], EXIT.ok],
  ['workspace', ['diff', '--since', 'no-such-ref'], EXIT.usage],
  ['workspace', ['diff', '--since'], EXIT.usage],
  ['nowhere', ['diff'], EXIT.noWorkspace],
  ['workspace', ['test', '--all', '--dry-run'], EXIT.ok],
  ['workspace', ['test', '--brick', 'no_such_brick'], EXIT.usage],
  ['workspace', ['test', '--project', 'no_such_project'], EXIT.usage],
  ['workspace', ['test', '--since', 'no-such-ref', '--dry-run'], EXIT.usage],
  ['nowhere', ['test', '--all'], EXIT.noWorkspace],
  ['workspace', ['sync', '--dry-run'], EXIT.ok],
  ['workspace', ['sync', '--all'], EXIT.usage],
  ['nowhere', ['sync'], EXIT.noWorkspace],
  ['workspace', ['build'], EXIT.usage],
  ['workspace', ['build', 'no_such_project'], EXIT.usage],
  ['workspace', ['build', 'hello_app', '--all'], EXIT.usage],
  ['nowhere', ['build', '--all'], EXIT.noWorkspace],
  ['workspace', ['ws'], EXIT.ok],
  ['workspace', ['ws', '--json'], EXIT.usage],
  ['nowhere', ['ws'], EXIT.noWorkspace],
  ['nowhere', ['completion', 'bash'], EXIT.ok],
  ['nowhere', ['completion', 'zsh'], EXIT.ok],
  ['nowhere', ['completion', 'fish'], EXIT.usage],
  ['nowhere', ['completion'], EXIT.usage],
  ['nowhere', ['completion', 'bash', '--json'], EXIT.usage],
];

describe('poly exit codes', () => {
  let dir: string;
  let nowhere: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=poly test', '-c', 'user.email=poly@localhost', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poly-exit-'));
    nowhere = await mkdtemp(join(tmpdir(), 'poly-nowhere-'));
    for (const argv of [
      ['create', 'workspace', '--name', 'acme', '--no-git'],
      ['create', 'component', '--name', 'greeting'],
      ['create', 'base', '--name', 'hello_api'],
      ['create', 'project', '--name', 'hello_app', '--base', 'hello_api'],
    ]) {
      expect((await poly(dir, ...argv)).code).toBe(EXIT.ok);
    }
    // This workspace's node_modules, so that `poly test` finds jest without an install.
    await symlink(join(workspaceRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, '.gitignore'), 'node_modules\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'created');
    git('tag', 'stable-1');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(nowhere, { recursive: true, force: true });
  });

  test.each(CASES)('in %s, poly %j exits %d', async (place, argv, expected) => {
    const { code, stderr } = await poly(place === 'workspace' ? dir : nowhere, ...argv);
    expect({ code, stackTrace: /\n\s+at /.test(stderr) }).toEqual({ code: expected, stackTrace: false });
    if (code !== EXIT.ok) expect(stderr).toMatch(/^poly: \S/);
  });

  test('check exits 1 on an error, and on warnings only with --strict', async () => {
    const source = join(dir, 'components', 'greeting', 'src', 'greeting.ts');
    await withFile(
      source,
      (text) => `import '@acme/hello_api';\n${text}`,
      async () => {
        expect((await poly(dir, 'check')).code).toBe(EXIT.failures);
      },
    );
    // A brick the project ships but no base reaches is a P207 warning.
    const manifest = join(dir, 'projects', 'hello_app', 'package.json');
    await withFile(manifest, addDependency('@acme/extra', '0.1.0'), async () => {
      expect((await poly(dir, 'create', 'component', '--name', 'extra')).code).toBe(EXIT.ok);
      try {
        const { code, stdout } = await poly(dir, 'check');
        expect({ code, warned: stdout.includes('warning P207') }).toEqual({ code: EXIT.ok, warned: true });
        const strict = await poly(dir, 'check', '--strict');
        expect(strict).toMatchObject({
          code: EXIT.failures,
          stdout: expect.stringContaining('--strict: warnings fail'),
        });
        const json = JSON.parse((await poly(dir, 'check', '--strict', '--json')).stdout);
        expect(json).toMatchObject({ ok: false, errors: 0, warnings: 1 });
      } finally {
        git('reset', '-q', '--hard');
        git('clean', '-q', '-fd');
      }
    });
  });

  test('test exits 1 when a test fails', async () => {
    const spec = join(dir, 'components', 'greeting', 'test', 'greeting.test.ts');
    await withFile(
      spec,
      (text) => text.replace("kind: 'component'", "kind: 'base'"),
      async () => {
        const { code, stdout } = await poly(dir, 'test', '--brick', 'greeting');
        expect({ code, summary: stdout.includes('0 passed, 1 failed') }).toEqual({
          code: EXIT.failures,
          summary: true,
        });
      },
    );
  }, 60_000);

  test('build exits 0 when built, 1 on an import the project does not list, 2 without a lockfile', async () => {
    expect((await poly(dir, 'build', 'hello_app')).code).toBe(EXIT.ok);
    const source = join(dir, 'bases', 'hello_api', 'src', 'hello-api.ts');
    const manifest = join(dir, 'projects', 'hello_app', 'package.json');
    // yaml resolves through the linked node_modules; this workspace has no package-lock.json.
    await withFile(
      source,
      (text) => `import 'yaml';\n${text}`,
      async () => {
        expect((await poly(dir, 'build', 'hello_app')).code).toBe(EXIT.failures);
        await withFile(manifest, addDependency('yaml', '^2.0.0'), async () => {
          const { code, stderr } = await poly(dir, 'build', 'hello_app');
          expect({ code, stderr }).toEqual({
            code: EXIT.usage,
            stderr: expect.stringContaining('no readable package-lock.json'),
          });
        });
      },
    );
  });

  test('a malformed workspace.json is a configuration error: exit 2', async () => {
    await withFile(
      join(dir, 'workspace.json'),
      () => '{ "namespace": 42 }\n',
      async () => {
        expect((await poly(dir, 'info')).code).toBe(EXIT.usage);
      },
    );
  });
});

function addDependency(name: string, version: string): (text: string) => string {
  return (text) => {
    const manifest = JSON.parse(text);
    manifest.dependencies = { ...manifest.dependencies, [name]: version };
    return `${JSON.stringify(manifest, null, 2)}\n`;
  };
}
