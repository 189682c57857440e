import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A small Polylith workspace in a temp git repository, with helpers to script its history. */
export interface ScriptedWorkspace {
  root: string;
  git(...args: string[]): string;
  write(path: string, text: string): void;
  /** Stages everything and commits. */
  commit(message: string): void;
  remove(): void;
}

const manifest = (name: string, dependencies: string[] = []) =>
  `${JSON.stringify(
    {
      name: `@fx/${name}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      exports: { '.': './src/index.ts' },
      dependencies: Object.fromEntries(dependencies.map((brick) => [`@fx/${brick}`, '0.1.0'])),
    },
    null,
    2,
  )}\n`;

/** Git with only the repository's own config, and without a hook's GIT_DIR pointing elsewhere. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR'])
    delete env[name];
  return env;
}

/**
 * Components a ← b ← c (each imports the one before), base x imports c; project p ships x, c, b
 * and a, project q ships only a; development ships everything. a and b have tests, c has only a
 * test helper, x has none; development has its own test. Committed once on `main`, untagged.
 */
export function createScriptedWorkspace(): ScriptedWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'scripted-ws-'));
  const run = (args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      env: gitEnv(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('.gitignore', 'node_modules/\ndist/\n');
  write('README.md', '# fixture\n');
  write(
    'workspace.json',
    JSON.stringify({
      namespace: 'fx',
      folders: { components: 'components', bases: 'bases', projects: 'projects', development: 'development' },
      tags: { stable: 'stable-*', release: 'v[0-9]*' },
      projects: { p: { alias: 'pp' } },
    }),
  );
  write(
    'package.json',
    JSON.stringify({
      name: 'fx',
      private: true,
      workspaces: ['components/*', 'bases/*', 'projects/*', 'development'],
    }),
  );
  write('tsconfig.json', '{ "compilerOptions": { "strict": true } }\n');
  write('components/a/package.json', manifest('a'));
  write('components/a/src/index.ts', 'export const a = 1;\n');
  write(
    'components/a/test/a.test.ts',
    "import { a } from '../src/index.ts';\ntest('a', () => expect(a).toBe(1));\n",
  );
  write('components/b/package.json', manifest('b'));
  write('components/b/src/index.ts', "import { a } from '@fx/a';\nexport const b = a + 1;\n");
  write(
    'components/b/test/b.test.ts',
    "import { b } from '../src/index.ts';\ntest('b', () => expect(b).toBe(2));\n",
  );
  write('components/c/package.json', manifest('c'));
  write('components/c/src/index.ts', "import { b } from '@fx/b';\nexport const c = b + 1;\n");
  write('components/c/src/util.ts', 'export const half = (n: number) => n / 2;\n');
  write('components/c/test/helper.ts', 'export const three = 3;\n');
  write('bases/x/package.json', manifest('x'));
  write('bases/x/src/index.ts', "import { c } from '@fx/c';\nexport const x = c;\n");
  write('projects/p/package.json', manifest('p', ['a', 'b', 'c', 'x']));
  write('projects/q/package.json', manifest('q', ['a']));
  write('development/package.json', manifest('development', ['a', 'b', 'c', 'x']));
  write(
    'development/test/e2e.test.ts',
    "import { x } from '@fx/x';\ntest('e2e', () => expect(x).toBe(3));\n",
  );
  run(['init', '--quiet', '--initial-branch=main']);
  run(['config', 'user.name', 'Fixture']);
  run(['config', 'user.email', 'fixture@example.com']);
  const commit = (message: string) => {
    run(['add', '--all']);
    run(['commit', '--quiet', '--allow-empty', '-m', message]);
  };
  commit('initial workspace');
  return {
    root,
    git: (...args) => run(args).trim(),
    write,
    commit,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
