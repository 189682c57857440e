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
 * file with a small function and a test that checks what it returns. A base's is a small HTTP
 * server that runs until it is stopped, with a test that requests it, and a `main.ts` that starts it.
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
  const started = fitLine(
    `  options.write(\`${name} listening on \${address}\`);`,
    `  options.write(\n    \`${name} listening on \${address}\`,\n  );`,
  );
  const start = fitLine(
    `    const service = await ${fn}({ port: 0, write: (line) => lines.push(line) });`,
    `    const service = await ${fn}({\n      port: 0,\n      write: (line) => lines.push(line),\n    });`,
  );
  const both = fitLine(
    `    expect(lines).toEqual([\`${name} listening on \${service.address}\`, '${name} stopped']);`,
    `    expect(lines).toEqual([\n      \`${name} listening on \${service.address}\`,\n      '${name} stopped',\n    ]);`,
  );
  return {
    index: `${types}\nexport { ${fn} } from './${file}.ts';\n`,
    source: `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the ${name} base needs to start. */
export interface ${type}Options {
  /** The TCP port to listen on; 0 picks a free one. */
  port: number;
  /** The interface to listen on; '0.0.0.0' for every one, as in a container. @default '127.0.0.1' */
  host?: string;
  /** Where it reports that it started and that it stopped, one line each. */
  write: (line: string) => void;
}

/** A running ${name}; \`stop()\` closes what the start opened, in reverse order. */
export interface ${type} {
  /** The URL it answers on. */
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts ${name}, the testable entry point \`main.ts\` runs: an HTTP server that says which brick it
 * is until it is stopped. Wire its components to this transport here.
 */
${signature}
  const body = JSON.stringify({
    brick: '${name}',
    kind: 'base',
  });
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const address = \`http://\${host}:\${(server.address() as AddressInfo).port}\`;
${started}
  return {
    address,
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
      options.write('${name} stopped');
    },
  };
}
`,
    test: `import { ${fn} } from '../src/${file}.ts';

describe('${fn}', () => {
  test('answers with its name until stopped, and reports that it started and stopped', async () => {
    const lines: string[] = [];
${start}
    try {
      const response = await fetch(service.address);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        brick: '${name}',
        kind: 'base',
      });
    } finally {
      await service.stop();
    }
${both}
    await expect(fetch(service.address)).rejects.toThrow();
  });
});
`,
    main: `import { ${fn} } from './${file}.ts';

// The only place that touches the process: its settings from the environment, and a signal stops it.
const service = await ${fn}({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST,
  write: (line) => console.log(line),
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.stop().then(() => process.exit(0));
  });
}
`,
  };
}
