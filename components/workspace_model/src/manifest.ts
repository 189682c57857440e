import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareText } from './compare.ts';
import { WorkspaceError } from './errors.ts';

/** The parts of a brick's or a project's package.json the model reads. */
export interface Manifest {
  /** `name` as written; empty when it is missing. */
  name: string;
  /** `dependencies`, name → version range. */
  dependencies: Record<string, string>;
}

/** Reads `<dir>/package.json` (dir relative to root); undefined when there is none, so the folder is no package. */
export function readManifest(root: string, dir: string): Manifest | undefined {
  const file = `${dir}/package.json`;
  let text: string;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WorkspaceError('invalid_config', `${file}: cannot be read`, { cause });
  }
  return parseManifest(file, text);
}

/** The parts of a package.json's text the model reads; `file` names it in errors. */
export function parseManifest(file: string, text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new WorkspaceError('invalid_config', `${file}: is not valid JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WorkspaceError('invalid_config', `${file}: must hold a JSON object`);
  }
  const { name, dependencies } = value as Record<string, unknown>;
  if (name !== undefined && typeof name !== 'string') {
    throw new WorkspaceError('invalid_config', `${file}: "name" must be a string`);
  }
  const sorted: Record<string, string> = {};
  if (dependencies !== undefined) {
    if (typeof dependencies !== 'object' || dependencies === null || Array.isArray(dependencies)) {
      throw new WorkspaceError('invalid_config', `${file}: "dependencies" must be an object`);
    }
    const entries = dependencies as Record<string, unknown>;
    for (const key of Object.keys(entries).sort(compareText)) {
      const range = entries[key];
      if (typeof range !== 'string') {
        throw new WorkspaceError('invalid_config', `${file}: "dependencies.${key}" must be a version string`);
      }
      sorted[key] = range;
    }
  }
  return { name: name ?? '', dependencies: sorted };
}
