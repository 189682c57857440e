/**
 * Writes a synthetic Polylith workspace for the poly benchmark: `bricks` bricks (a tenth of them
 * bases) and `projects` projects, each brick with three source files, a test, one or two
 * libraries and imports of up to four lower-numbered components (so the graph is a realistic DAG
 * with long transitive chains) and a node_modules folder as npm install leaves it (ignored by git),
 * then commits it and tags it `stable-1`.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Sizes of the generated workspace. */
export interface GenerateOptions {
  dir: string;
  bricks: number;
  projects: number;
  /** Seed of the deterministic pseudo-random choices. */
  seed?: number;
}

const LIBRARIES = ['express', 'valibot', 'postgres', 'amqplib', 'winston', 'prom-client', 'zod', 'lodash'];

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const kebab = (name: string) => name.replaceAll('_', '-');

function sourceFile(name: string, imports: string[], libraries: string[], part: number): string {
  const lines = [
    ...imports.map((brick) => `import { ${brick}Value } from '@bench/${brick}';`),
    ...libraries.map((library, i) => `import * as lib${i} from '${library}';`),
    "import type { Options } from './types.ts';",
    '',
    `/** Part ${part} of ${name}: combines what it imports. */`,
    `export function ${name}Part${part}(options: Options): number {`,
    '  // Comments mentioning "@bench/not_an_import" must not count.',
    `  const text = \`template with \${options.label} and '@bench/nothing'\`;`,
    `  let total = text.length + ${libraries.map((_, i) => `Object.keys(lib${i}).length`).join(' + ') || '0'};`,
    ...imports.map((brick) => `  total += ${brick}Value();`),
    '  for (let i = 0; i < options.rounds; i += 1) total += i;',
    '  return total;',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes the workspace, commits it and tags it `stable-1`; returns the names it made. */
export async function generateWorkspace(options: GenerateOptions) {
  const next = random(options.seed ?? 42);
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(options.dir, path)), { recursive: true });
    await writeFile(join(options.dir, path), text);
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const baseCount = Math.max(1, Math.round(options.bricks / 10));
  const components = Array.from({ length: options.bricks - baseCount }, (_, i) => `comp_${i}`);
  const bases = Array.from({ length: baseCount }, (_, i) => `base_${i}`);
  const imports = new Map<string, string[]>();
  const libraries = new Map<string, string[]>();
  const pick = <T>(items: T[], count: number) =>
    [...new Set(Array.from({ length: count }, () => items[Math.floor(next() * items.length)] as T))].sort();

  for (const [index, name] of [...components, ...bases].entries()) {
    const lower = name.startsWith('base_') ? components : components.slice(0, index);
    imports.set(
      name,
      lower.length > 0 ? pick(lower, name.startsWith('base_') ? 6 : 1 + Math.floor(next() * 4)) : [],
    );
    libraries.set(name, pick(LIBRARIES, 1 + Math.floor(next() * 2)));
  }

  await write(
    'workspace.json',
    json({
      namespace: 'bench',
      folders: { components: 'components', bases: 'bases', projects: 'projects', development: 'development' },
      tags: { stable: 'stable-*', release: 'v[0-9]*' },
      projects: {},
    }),
  );
  await write(
    'package.json',
    json({
      name: 'bench-workspace',
      private: true,
      workspaces: ['components/*', 'bases/*', 'projects/*', 'development'],
    }),
  );
  for (const name of [...components, ...bases]) {
    const folder = name.startsWith('base_') ? 'bases' : 'components';
    const uses = imports.get(name) ?? [];
    const libs = libraries.get(name) ?? [];
    await write(
      `${folder}/${name}/package.json`,
      json({
        name: `@bench/${name}`,
        version: '0.1.0',
        private: true,
        type: 'module',
        exports: { '.': './src/index.ts' },
        dependencies: Object.fromEntries(libs.map((library) => [library, '^1.0.0'])),
      }),
    );
    await write(
      `${folder}/${name}/src/index.ts`,
      `export { ${name}Part1 } from './${kebab(name)}-1.ts';\nexport { ${name}Part2 } from './${kebab(name)}-2.ts';\nexport const ${name}Value = (): number => 1;\n`,
    );
    await write(
      `${folder}/${name}/src/types.ts`,
      'export interface Options {\n  label: string;\n  rounds: number;\n}\n',
    );
    await write(`${folder}/${name}/src/${kebab(name)}-1.ts`, sourceFile(name, uses.slice(0, 2), libs, 1));
    await write(`${folder}/${name}/src/${kebab(name)}-2.ts`, sourceFile(name, uses.slice(2), [], 2));
    await write(
      `${folder}/${name}/test/${kebab(name)}.test.ts`,
      `import { ${name}Value } from '../src/index.ts';\n\ntest('${name}Value is 1', () => {\n  expect(${name}Value()).toBe(1);\n});\n`,
    );
  }

  const closure = (roots: string[]) => {
    const seen = new Set<string>();
    const visit = (brick: string) => {
      if (seen.has(brick)) return;
      seen.add(brick);
      for (const used of imports.get(brick) ?? []) visit(used);
    };
    for (const root of roots) visit(root);
    return [...seen].sort();
  };
  const projects = Array.from({ length: options.projects }, (_, i) => `project_${i}`);
  for (const [index, project] of projects.entries()) {
    const shipped = closure([bases[index % bases.length] as string]);
    const libs = [...new Set(shipped.flatMap((brick) => libraries.get(brick) ?? []))].sort();
    await write(
      `projects/${project}/package.json`,
      json({
        name: `@bench/${project}`,
        version: '0.1.0',
        private: true,
        dependencies: Object.fromEntries([
          ...shipped.map((brick) => [`@bench/${brick}`, '0.1.0']),
          ...libs.map((library) => [library, '^1.0.0']),
        ]),
      }),
    );
  }
  await write(
    'development/package.json',
    json({
      name: '@bench/development',
      private: true,
      dependencies: Object.fromEntries(
        [...components, ...bases].map((brick) => [`@bench/${brick}`, '0.1.0']),
      ),
    }),
  );

  // As after npm install: node_modules exists (where poly keeps its cache) and git ignores it.
  await write('.gitignore', 'node_modules/\n');
  await mkdir(join(options.dir, 'node_modules'), { recursive: true });

  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], {
      cwd: options.dir,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'generated workspace');
  git('tag', 'stable-1');
  return { components, bases, projects };
}
