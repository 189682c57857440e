import { WorkspaceError } from './errors.ts';
import type { WorkspaceConfig } from './types.ts';

/** The folders and tag patterns a workspace.json that leaves them out gets. */
export const DEFAULT_CONFIG: Omit<WorkspaceConfig, 'namespace'> = {
  folders: { components: 'components', bases: 'bases', projects: 'projects', development: 'development' },
  tags: { stable: 'stable-*', release: 'v[0-9]*' },
  projects: {},
};

// An npm scope: lower case, no leading dot or underscore, URL-safe.
const NAMESPACE = /^[a-z0-9][a-z0-9._~-]*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, problem: string): WorkspaceError {
  return new WorkspaceError('invalid_config', `workspace.json: "${field}" ${problem}`);
}

function stringFields<K extends string>(
  value: unknown,
  field: string,
  keys: readonly K[],
  defaults: Record<K, string>,
): Record<K, string> {
  if (value === undefined) return { ...defaults };
  if (!isObject(value)) throw invalid(field, 'must be an object');
  const result = { ...defaults };
  for (const key of keys) {
    const entry = value[key];
    if (entry === undefined) continue;
    if (typeof entry !== 'string' || entry.trim() === '')
      throw invalid(`${field}.${key}`, 'must be a non-empty string');
    result[key] = entry;
  }
  return result;
}

function folderPaths(value: unknown): WorkspaceConfig['folders'] {
  const keys = ['components', 'bases', 'projects', 'development'] as const;
  const folders = stringFields(value, 'folders', keys, DEFAULT_CONFIG.folders);
  for (const key of keys) {
    const path = folders[key];
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw invalid(`folders.${key}`, 'must be a path inside the workspace');
    }
  }
  return folders;
}

function projectSettings(value: unknown): WorkspaceConfig['projects'] {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid('projects', 'must be an object');
  const projects: WorkspaceConfig['projects'] = {};
  const aliases = new Map<string, string>();
  for (const name of Object.keys(value).sort()) {
    const settings = value[name];
    if (!isObject(settings)) throw invalid(`projects.${name}`, 'must be an object');
    const alias = settings.alias;
    if (alias === undefined) {
      projects[name] = {};
      continue;
    }
    if (typeof alias !== 'string' || alias.trim() === '') {
      throw invalid(`projects.${name}.alias`, 'must be a non-empty string');
    }
    const owner = aliases.get(alias);
    if (owner !== undefined)
      throw invalid(`projects.${name}.alias`, `"${alias}" is already the alias of ${owner}`);
    aliases.set(alias, name);
    projects[name] = { alias };
  }
  return projects;
}

/**
 * Validates parsed workspace.json: `namespace` is required (an npm scope without `@`); `folders`,
 * `tags` and `projects` may be left out and then get {@link DEFAULT_CONFIG}'s values.
 */
export function parseWorkspaceConfig(value: unknown): WorkspaceConfig {
  if (!isObject(value)) throw new WorkspaceError('invalid_config', 'workspace.json: must hold a JSON object');
  const { namespace } = value;
  if (namespace === undefined) throw invalid('namespace', 'is missing');
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw invalid('namespace', 'must be an npm scope without "@" (lower case letters, digits, - . _ ~)');
  }
  return {
    namespace,
    folders: folderPaths(value.folders),
    tags: stringFields(value.tags, 'tags', ['stable', 'release'] as const, DEFAULT_CONFIG.tags),
    projects: projectSettings(value.projects),
  };
}
