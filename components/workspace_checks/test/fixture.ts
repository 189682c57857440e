import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadWorkspace } from '@mousetrap/workspace_model';
import { checkWorkspace } from '../src/check-workspace.ts';
import type { Diagnostic } from '../src/diagnostic.ts';

/** A brick of a fixture: its package.json dependencies, its files, and a package name if not the right one. */
export interface BrickSpec {
  name?: string;
  dependencies?: Record<string, string>;
  files?: Record<string, string>;
}

/** A project of a fixture: its package.json dependencies, and a package name if not the right one. */
export interface ProjectSpec {
  name?: string;
  dependencies?: Record<string, string>;
}

/** A workspace of namespace `acme`, as the tests describe it. */
export interface WorkspaceSpec {
  components: Record<string, BrickSpec>;
  bases: Record<string, BrickSpec>;
  projects: Record<string, ProjectSpec>;
  development?: ProjectSpec;
}

const lines = (...text: string[]) => `${text.join('\n')}\n`;

/**
 * A small workspace that follows every rule: greeting (lodash, log) and log components, a cli base,
 * the cli_app project and the development project. Type-only and test-only libraries are listed
 * nowhere, and built-ins are imported both ways, because none of them needs listing.
 */
export function cleanSpec(): WorkspaceSpec {
  return {
    components: {
      greeting: {
        dependencies: { lodash: '^4.17.21' },
        files: {
          'src/index.ts': lines(
            "export { greet } from './greet.ts';",
            "export type { Options } from './greet.ts';",
          ),
          'src/greet.ts': lines(
            "import { join } from 'node:path';",
            "import upperFirst from 'lodash/upperFirst';",
            "import type { Tagged } from 'type-only-lib';",
            "import { log } from '@acme/log';",
            'export type Options = Tagged<{ polite: boolean }>;',
            "export const greet = (name: string) => log(join('hello', upperFirst(name)));",
          ),
          'test/greet.test.ts': lines(
            "import { fake } from 'test-only-lib';",
            "import { greet } from '../src/greet.ts';",
            "test('greets', () => expect(greet(fake())).toContain('hello'));",
          ),
        },
      },
      log: {
        files: {
          'src/index.ts': lines(
            "import { EventEmitter } from 'events';",
            'export const events = new EventEmitter();',
            'export const log = (message: string) => message;',
          ),
        },
      },
    },
    bases: {
      cli: {
        files: {
          'src/main.ts': lines(
            "import process from 'node:process';",
            "import { greet } from '@acme/greeting';",
            "import type { Options } from '@acme/greeting';",
            'process.stdout.write(greet(process.argv[2] ?? "you"));',
          ),
        },
      },
    },
    projects: {
      cli_app: {
        dependencies: {
          '@acme/cli': '0.1.0',
          '@acme/greeting': '0.1.0',
          '@acme/log': '0.1.0',
          lodash: '^4.17.21',
        },
      },
    },
    development: { dependencies: { '@acme/cli': '0.1.0', '@acme/greeting': '0.1.0', '@acme/log': '0.1.0' } },
  };
}

function manifest(name: string, dependencies: Record<string, string> = {}): string {
  return `${JSON.stringify({ name, version: '0.1.0', private: true, type: 'module', dependencies }, null, 2)}\n`;
}

function filesOf(spec: WorkspaceSpec): Record<string, string> {
  const files: Record<string, string> = { 'workspace.json': '{ "namespace": "acme" }\n' };
  for (const [folder, bricks] of [
    ['components', spec.components],
    ['bases', spec.bases],
  ] as const) {
    for (const [brick, { name, dependencies, files: sources = {} }] of Object.entries(bricks)) {
      files[`${folder}/${brick}/package.json`] = manifest(name ?? `@acme/${brick}`, dependencies);
      for (const [path, text] of Object.entries(sources)) files[`${folder}/${brick}/${path}`] = text;
    }
  }
  for (const [project, { name, dependencies }] of Object.entries(spec.projects)) {
    files[`projects/${project}/package.json`] = manifest(name ?? `@acme/${project}`, dependencies);
  }
  if (spec.development !== undefined) {
    const { name, dependencies } = spec.development;
    files['development/package.json'] = manifest(name ?? '@acme/development', dependencies);
  }
  return files;
}

/** Writes the workspace into a temp folder, checks it, removes it, and returns the diagnostics. */
export async function checkSpec(spec: WorkspaceSpec): Promise<Diagnostic[]> {
  const root = await mkdtemp(join(tmpdir(), 'workspace-checks-'));
  try {
    for (const [path, text] of Object.entries(filesOf(spec))) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return checkWorkspace(await loadWorkspace(root));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
