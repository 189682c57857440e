import { existsSync, readdirSync, statSync } from 'node:fs';
import { PolyCreateError } from './errors.ts';
import { validateName } from './names.ts';
import { type Plan, sortedPlan } from './plan.ts';
import { workspaceFiles } from './workspace-files.ts';

/** The tools the generated config files use; each needs a version range in the toolchain. */
export const REQUIRED_TOOLCHAIN: readonly string[] = [
  '@biomejs/biome',
  '@swc/core',
  '@swc/jest',
  '@types/jest',
  '@types/node',
  'jest',
  'typescript',
];

/** What `poly create workspace` is asked for. */
export interface CreateWorkspaceOptions {
  /** The folder to create it in: missing, or empty but for a `.git` folder. */
  dir: string;
  /** The namespace: bricks are named `@<name>/<brick>`. */
  name: string;
  /**
   * The root devDependencies, name → version range: at least {@link REQUIRED_TOOLCHAIN}, the
   * versions the poly tool itself is built and tested with; add the poly package to get `npm run poly`.
   */
  toolchain: Record<string, string>;
}

/**
 * The plan of a new workspace in an empty folder: root package.json (npm workspaces), workspace.json,
 * tsconfig.json, jest and Biome config, .gitignore, README.md with its layout block, the
 * development project and the empty brick and project folders. Paths are relative to `dir`.
 */
export function planCreateWorkspace(options: CreateWorkspaceOptions): Plan {
  validateName(options.name, 'namespace');
  const missing = REQUIRED_TOOLCHAIN.filter((tool) => !options.toolchain[tool]);
  if (missing.length > 0) {
    throw new PolyCreateError('missing_toolchain', `no version given for ${missing.join(', ')}`);
  }
  assertEmpty(options.dir);
  const files = Object.entries(workspaceFiles(options.name, options.toolchain)).map(([path, content]) => ({
    path,
    action: 'create' as const,
    content,
  }));
  return sortedPlan(files, []);
}

/** A `.git` folder is allowed: `git init` first is the usual order. */
function assertEmpty(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new PolyCreateError('not_empty', `${dir} is a file, not a folder`);
  const entries = readdirSync(dir)
    .filter((entry) => entry !== '.git')
    .sort();
  if (entries.length === 0) return;
  const shown = entries.length > 5 ? [...entries.slice(0, 5), '…'] : entries;
  throw new PolyCreateError(
    'not_empty',
    `${dir} is not empty (${shown.join(', ')}): poly create workspace needs an empty folder`,
  );
}
