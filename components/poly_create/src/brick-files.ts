import { formatPackageJson } from './json-file.ts';
import { kebabCase, pascalCase } from './names.ts';

/** The version every new brick and project starts at, as the existing ones do. */
export const INITIAL_VERSION = '0.1.0';

/** What the generated files of a brick depend on. */
export interface BrickTemplate {
  kind: 'component' | 'base';
  name: string;
  namespace: string;
  description: string;
}

/**
 * The files of a new brick, relative to its folder: package.json, the interface, one source
 * file with a small function and a test that checks what it returns; a base also gets `main.ts`.
 */
export function brickFiles(brick: BrickTemplate): Record<string, string> {
  const file = kebabCase(brick.name);
  const manifest = formatPackageJson({
    name: `@${brick.namespace}/${brick.name}`,
    version: INITIAL_VERSION,
    private: true,
    description: brick.description,
    type: 'module',
    exports: { '.': './src/index.ts' },
    dependencies: {},
  });
  const code = brick.kind === 'component' ? componentCode(brick.name, file) : baseCode(brick.name, file);
  return {
    'package.json': manifest,
    'src/index.ts': code.index,
    [`src/${file}.ts`]: code.source,
    [`test/${file}.test.ts`]: code.test,
    ...(code.main === undefined ? {} : { 'src/main.ts': code.main }),
  };
}

interface BrickCode {
  index: string;
  source: string;
  test: string;
  main?: string;
}

// Generated code must pass the workspace's formatter as written, whatever the name's length: a
// line that would pass Biome's width is written as Biome wraps it.
const LINE_WIDTH = 110;
const fitLine = (line: string, wrapped: string): string => (line.length <= LINE_WIDTH ? line : wrapped);

function componentCode(name: string, file: string): BrickCode {
  const fn = `describe${pascalCase(name)}`;
  const signature = fitLine(
    `export function ${fn}(): { brick: '${name}'; kind: 'component' } {`,
    `export function ${fn}(): {\n  brick: '${name}';\n  kind: 'component';\n} {`,
  );
  const assertion = fitLine(
    `    expect(${fn}()).toEqual({ brick: '${name}', kind: 'component' });`,
    `    expect(${fn}()).toEqual({\n      brick: '${name}',\n      kind: 'component',\n    });`,
  );
  return {
    index: `export { ${fn} } from './${file}.ts';\n`,
    source: `/** Names this brick and its kind, so a caller can see it is wired in; the start of its real interface. */
${signature}
  return { brick: '${name}', kind: 'component' };
}
`,
    test: `import { ${fn} } from '../src/${file}.ts';

describe('${fn}', () => {
  test('names the ${name} brick as a component', () => {
${assertion}
  });
});
`,
  };
}

function baseCode(name: string, file: string): BrickCode {
  const type = pascalCase(name);
  const fn = `start${type}`;
  const types = fitLine(
    `export type { ${type}, ${type}Options } from './${file}.ts';`,
    `export type {\n  ${type},\n  ${type}Options,\n} from './${file}.ts';`,
  );
  const signature = fitLine(
    `export async function ${fn}(options: ${type}Options): Promise<${type}> {`,
    `export async function ${fn}(\n  options: ${type}Options,\n): Promise<${type}> {`,
  );
  const start = (indent: string, write: string) =>
    fitLine(
      `${indent}const service = await ${fn}({ write: (line) => ${write} });`,
      `${indent}const service = await ${fn}({\n${indent}  write: (line) => ${write},\n${indent}});`,
    );
  const both = fitLine(
    `    expect(lines).toEqual(['${name} started', '${name} stopped']);`,
    `    expect(lines).toEqual([\n      '${name} started',\n      '${name} stopped',\n    ]);`,
  );
  return {
    index: `${types}\nexport { ${fn} } from './${file}.ts';\n`,
    source: `/** What the ${name} base needs to start. */
export interface ${type}Options {
  /** Where it reports that it started and that it stopped, one line each. */
  write: (line: string) => void;
}

/** A started ${name}; \`stop()\` releases what the start opened, in reverse order. */
export interface ${type} {
  stop(): Promise<void>;
}

/** Starts ${name}, the testable entry point \`main.ts\` runs: wire its components to its transport here. */
${signature}
  options.write('${name} started');
  return {
    async stop() {
      options.write('${name} stopped');
    },
  };
}
`,
    test: `import { ${fn} } from '../src/${file}.ts';

describe('${fn}', () => {
  test('reports that it started, then that it stopped once stopped', async () => {
    const lines: string[] = [];
${start('    ', 'lines.push(line)')}
    expect(lines).toEqual(['${name} started']);
    await service.stop();
${both}
  });
});
`,
    main: `import { ${fn} } from './${file}.ts';

// The only place that touches the process: start, and stop on a signal.
${start('', 'console.log(line)')}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.stop().then(() => process.exit(0));
  });
}
`,
  };
}
