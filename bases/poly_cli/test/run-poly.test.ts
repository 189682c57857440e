import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { EXIT } from '../src/context.ts';
import { runPoly } from '../src/run-poly.ts';
import { POLY_PACKAGE, TOOLCHAIN } from '../src/toolchain.ts';

const workspaceRoot = join(__dirname, '..', '..', '..');

/** Runs poly in-process in `cwd`, collecting what it writes. */
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

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=poly test', '-c', 'user.email=poly@localhost', ...args], {
    cwd,
    stdio: 'ignore',
  });

/**
 * `create workspace` commits with git's own configuration, read from the environment: these tests
 * give it a known user and nothing from this machine's config. Undone by {@link restoreEnv}.
 */
const savedEnv = { ...process.env };
function useGitEnv({ identity }: { identity: boolean }): void {
  Object.assign(process.env, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
  if (identity) {
    for (const who of ['AUTHOR', 'COMMITTER'])
      Object.assign(process.env, {
        [`GIT_${who}_NAME`]: 'poly test',
        [`GIT_${who}_EMAIL`]: 'poly@localhost',
      });
  } else {
    // No configured user, and git must not guess one from the host name.
    Object.assign(process.env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.useConfigOnly',
      GIT_CONFIG_VALUE_0: 'true',
    });
    for (const who of ['AUTHOR', 'COMMITTER']) {
      delete process.env[`GIT_${who}_NAME`];
      delete process.env[`GIT_${who}_EMAIL`];
    }
  }
}
function restoreEnv(): void {
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
}

const gitOutput = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('poly on a workspace it creates', () => {
  let dir: string;
  beforeAll(async () => {
    useGitEnv({ identity: true });
    dir = await mkdtemp(join(tmpdir(), 'poly-cli-'));
    expect((await poly(dir, 'create', 'workspace', '--name', 'acme')).code).toBe(EXIT.ok);
    expect((await poly(dir, 'create', 'component', '--name', 'greeting')).code).toBe(EXIT.ok);
    expect((await poly(dir, 'create', 'base', '--name', 'hello_api')).code).toBe(EXIT.ok);
    // The base uses the component, so that `create project --base` has a closure to follow.
    const source = join(dir, 'bases', 'hello_api', 'src', 'hello-api.ts');
    await writeFile(
      source,
      `import { describeGreeting } from '@acme/greeting';\nvoid describeGreeting;\n${await readFile(source, 'utf8')}`,
    );
    expect((await poly(dir, 'create', 'project', '--name', 'hello_app', '--base', 'hello_api')).code).toBe(
      EXIT.ok,
    );
    // create workspace committed the empty workspace as stable-1; the bricks make stable-2.
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'created');
    git(dir, 'tag', 'stable-2');
  });
  afterAll(async () => {
    restoreEnv();
    await rm(dir, { recursive: true, force: true });
  });

  test('create project --base ships the base and the bricks it imports', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'projects', 'hello_app', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(
      expect.arrayContaining(['@acme/greeting', '@acme/hello_api']),
    );
  });

  test('check after create prints OK and exits 0', async () => {
    expect(await poly(dir, 'check')).toEqual({ code: EXIT.ok, stdout: 'OK\n', stderr: '' });
  });

  test('check --json is one JSON document', async () => {
    const { stdout } = await poly(dir, 'check', '--json');
    expect(JSON.parse(stdout)).toEqual({ ok: true, errors: 0, warnings: 0, diagnostics: [] });
  });

  test('a brick importing a base breaks check with P101 and exit 1', async () => {
    const file = join(dir, 'components', 'greeting', 'src', 'greeting.ts');
    const before = await readFile(file, 'utf8');
    try {
      await writeFile(file, `import '@acme/hello_api';\n${before}`);
      const { code, stdout } = await poly(dir, 'check');
      expect(code).toBe(EXIT.failures);
      expect(stdout).toMatch(/^error P101 components\/greeting\/src\/greeting\.ts:1: /m);
    } finally {
      await writeFile(file, before);
    }
  });

  test('info marks a changed brick * and the bricks using it +', async () => {
    const file = join(dir, 'components', 'greeting', 'src', 'greeting.ts');
    const before = await readFile(file, 'utf8');
    try {
      await writeFile(file, `${before}\nexport const changed = true;\n`);
      const { stdout } = await poly(dir, 'info');
      expect(stdout).toContain('since: stable-2');
      expect(stdout).toMatch(/^greeting \*\s/m);
      expect(stdout).toMatch(/^hello_api \+\s/m);
      const diff = JSON.parse((await poly(dir, 'diff', '--json')).stdout);
      expect(diff).toMatchObject({
        changedBricks: ['greeting'],
        affectedBricks: ['hello_api'],
        affectedProjects: expect.arrayContaining(['hello_app']),
      });
      expect((await poly(dir, 'diff', '--short', '--bricks')).stdout).toBe('greeting\nhello_api\n');
      expect((await poly(dir, 'info', '--short')).stdout).toMatch(
        /^hello_app +2 {2}hello_api\+ \| greeting\*$/m,
      );
    } finally {
      await writeFile(file, before);
    }
  });

  test('test --dry-run lists what it would run and runs nothing', async () => {
    const { code, stdout } = await poly(dir, 'test', '--all', '--dry-run');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('would run the tests of 2 folders');
    expect(stdout).toContain('components/greeting (all)');
  });

  test('deps --format mermaid draws the edge from the base to the component', async () => {
    const { stdout } = await poly(dir, 'deps', '--format', 'mermaid');
    expect(stdout).toMatch(/hello_api --> greeting/);
  });

  test('creating a brick with a taken name exits 2 naming where it is', async () => {
    const { code, stderr } = await poly(dir, 'create', 'base', '--name', 'greeting');
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('components/greeting');
  });

  test('create --dry-run writes nothing', async () => {
    const { code, stdout } = await poly(dir, 'create', 'component', '--name', 'farewell', '--dry-run');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('create components/farewell/package.json');
    expect((await poly(dir, 'create', 'component', '--name', 'farewell', '--dry-run')).code).toBe(EXIT.ok);
    await expect(readFile(join(dir, 'components', 'farewell', 'package.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  test('ws prints the model as JSON', async () => {
    const model = JSON.parse((await poly(dir, 'ws')).stdout);
    expect(model.config.namespace).toBe('acme');
    expect(model.bricks.map((brick: { name: string }) => brick.name)).toEqual(['greeting', 'hello_api']);
  });

  test('keeps the imports it found in node_modules/.cache/poly once node_modules exists, and nowhere before', async () => {
    const modules = join(dir, 'node_modules');
    await expect(stat(modules)).rejects.toMatchObject({ code: 'ENOENT' });
    const source = join('components', 'greeting', 'src', 'greeting.ts');
    const past = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, source), past, past);
    await mkdir(modules);
    try {
      expect((await poly(dir, 'check')).code).toBe(EXIT.ok);
      const kept = JSON.parse(await readFile(join(modules, '.cache', 'poly', 'imports.json'), 'utf8'));
      expect(Object.keys(kept.files)).toContain(source.split(sep).join('/'));
      expect(await poly(dir, 'check')).toEqual({ code: EXIT.ok, stdout: 'OK\n', stderr: '' });
    } finally {
      await rm(modules, { recursive: true, force: true });
    }
  });
});

describe('poly create workspace', () => {
  let dir: string;
  beforeEach(async () => {
    useGitEnv({ identity: true });
    dir = await mkdtemp(join(tmpdir(), 'poly-create-ws-'));
  });
  afterEach(async () => {
    restoreEnv();
    await rm(dir, { recursive: true, force: true });
  });
  const devDependencies = async () =>
    JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).devDependencies as Record<string, string>;

  test('lists poly as a devDependency at its own version, and commits the workspace tagged stable-1', async () => {
    const { code, stdout, stderr } = await poly(dir, 'create', 'workspace', '--name', 'acme');
    expect({ code, stderr }).toEqual({ code: EXIT.ok, stderr: '' });
    expect((await devDependencies())[POLY_PACKAGE.name]).toBe(`^${POLY_PACKAGE.version}`);
    expect(stdout).toContain(
      '\ngit: initialised a repository, committed the workspace and tagged it stable-1\n',
    );
    expect(stdout).toMatch(/next: npm install, then npm run poly -- create component --name <name>\n$/);
    expect(gitOutput(dir, 'tag', '--points-at', 'HEAD')).toBe('stable-1');
    expect(gitOutput(dir, 'status', '--porcelain')).toBe('');
    expect(gitOutput(dir, 'ls-files')).toContain('workspace.json');
  });

  test('--poly puts that spec in the devDependencies, e.g. a tarball', async () => {
    const tarball = join(tmpdir(), 'mousetrap-poly-0.1.0.tgz');
    expect((await poly(dir, 'create', 'workspace', '--name', 'acme', '--poly', tarball)).code).toBe(EXIT.ok);
    expect((await devDependencies())[POLY_PACKAGE.name]).toBe(tarball);
  });

  test('--no-git makes no repository and says how to start one', async () => {
    const { code, stdout } = await poly(dir, 'create', 'workspace', '--name', 'acme', '--no-git');
    expect(code).toBe(EXIT.ok);
    await expect(readFile(join(dir, '.git', 'HEAD'))).rejects.toThrow();
    expect(stdout).toContain('git: not started (--no-git)');
    expect(stdout).toContain('git init && git add -A && git commit -m');
    expect(stdout).toContain('&& git tag stable-1\n');
  });

  test('--dry-run writes nothing and says it would commit', async () => {
    const { code, stdout } = await poly(dir, 'create', 'workspace', '--name', 'acme', '--dry-run');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('create workspace.json\n');
    expect(stdout).toContain('git: would commit the workspace and tag it stable-1\n');
    await expect(readFile(join(dir, 'workspace.json'))).rejects.toThrow();
    await expect(readFile(join(dir, '.git', 'HEAD'))).rejects.toThrow();
  });

  test('when git has no user to commit as, writes the workspace, warns how to commit it, and exits 0', async () => {
    useGitEnv({ identity: false });
    const { code, stderr } = await poly(dir, 'create', 'workspace', '--name', 'acme');
    expect(code).toBe(EXIT.ok);
    expect(stderr).toMatch(
      /^poly: git has no user\.name and user\.email to commit with: .*git tag stable-1\n$/,
    );
    expect(gitOutput(dir, 'status', '--porcelain')).toContain('?? workspace.json');
  });

  test('--poly or --no-git with another create is a usage error', async () => {
    expect((await poly(dir, 'create', 'workspace', '--name', 'acme', '--no-git')).code).toBe(EXIT.ok);
    expect(await poly(dir, 'create', 'component', '--name', 'greeting', '--no-git')).toEqual({
      code: EXIT.usage,
      stdout: '',
      stderr: 'poly: --no-git goes with "create workspace"\n',
    });
  });
});

describe('poly outside git', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poly-no-git-'));
    expect((await poly(dir, 'create', 'workspace', '--name', 'acme', '--no-git')).code).toBe(EXIT.ok);
    expect((await poly(dir, 'create', 'component', '--name', 'greeting')).code).toBe(EXIT.ok);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('info shows the table without marks and a note on how to get them', async () => {
    const { code, stdout, stderr } = await poly(dir, 'info');
    expect({ code, stderr }).toEqual({ code: EXIT.ok, stderr: '' });
    expect(stdout).toContain(
      'since: no git repository, so nothing is marked (git init, commit, and tag it stable-1)\n',
    );
    expect(stdout).toMatch(/^greeting\s+component\s+x\s*$/m);
    expect(JSON.parse((await poly(dir, 'info', '--json')).stdout).since).toMatch(/^no git repository/);
  });

  test('info --since, which asks for history, exits 2', async () => {
    expect(await poly(dir, 'info', '--since', 'stable')).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('is not inside a git work tree'),
    });
  });

  test('diff has nothing to compare with: it says so and exits 2', async () => {
    const { code, stdout, stderr } = await poly(dir, 'diff');
    expect({ code, stdout }).toEqual({ code: EXIT.usage, stdout: '' });
    expect(stderr).toBe(
      `poly: diff compares with git history, and ${dir} is not in a git repository: git init, commit, and tag it stable-1\n`,
    );
  });

  test('test runs every test, saying why', async () => {
    const { code, stdout } = await poly(dir, 'test', '--dry-run');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toBe(
      [
        'no git repository, so every test runs (git init, commit, and tag it stable-1)',
        'would run the tests of 1 folder:',
        '  components/greeting (all)',
        '',
      ].join('\n'),
    );
  });
});

describe('poly usage and exit codes', () => {
  test('help lists every command; help <command> shows its options and an example', async () => {
    const overview = await poly(workspaceRoot, 'help');
    for (const command of [
      'create',
      'info',
      'check',
      'deps',
      'libs',
      'diff',
      'test',
      'sync',
      'build',
      'ws',
    ]) {
      expect(overview.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const diff = await poly(workspaceRoot, 'help', 'diff');
    expect(diff.stdout).toContain('usage: poly diff');
    expect(diff.stdout).toContain('Example:');
  });

  test('an unknown command or option exits 2', async () => {
    expect(await poly(workspaceRoot, 'frobnicate')).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('no command'),
    });
    expect(await poly(workspaceRoot, 'check', '--verbose')).toMatchObject({ code: EXIT.usage });
    expect(await poly(workspaceRoot, 'deps', '--format', 'png')).toMatchObject({ code: EXIT.usage });
    expect(await poly(workspaceRoot, 'build')).toMatchObject({ code: EXIT.usage });
  });

  test('outside a workspace exits 3', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'poly-nowhere-'));
    try {
      expect(await poly(empty, 'info')).toMatchObject({ code: EXIT.noWorkspace });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('this workspace passes its own check', async () => {
    expect(await poly(workspaceRoot, 'check')).toMatchObject({ code: EXIT.ok, stdout: 'OK\n' });
  });

  test('the poly package new workspaces list is the one projects/poly builds', async () => {
    const manifest = JSON.parse(
      await readFile(join(workspaceRoot, 'projects', 'poly', 'package.json'), 'utf8'),
    );
    expect({ name: manifest.name, version: manifest.version }).toEqual(POLY_PACKAGE);
  });

  test('the toolchain of new workspaces is the one this workspace uses', async () => {
    const root = JSON.parse(await readFile(join(workspaceRoot, 'package.json'), 'utf8'));
    for (const [name, version] of Object.entries(TOOLCHAIN))
      expect([name, root.devDependencies[name]]).toEqual([name, version]);
  });
});
