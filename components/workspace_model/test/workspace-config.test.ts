import { WorkspaceError } from '../src/errors.ts';
import { DEFAULT_CONFIG, parseWorkspaceConfig } from '../src/workspace-config.ts';

function errorOf(run: () => unknown): WorkspaceError {
  try {
    run();
  } catch (error) {
    if (error instanceof WorkspaceError) return error;
    throw error;
  }
  throw new Error('expected a WorkspaceError, nothing was thrown');
}

describe('parseWorkspaceConfig', () => {
  test('a complete config comes back as written', () => {
    const config = {
      namespace: 'mousetrap',
      folders: { components: 'comps', bases: 'bases', projects: 'apps', development: 'dev' },
      tags: { stable: 'stable-*', release: 'release-*' },
      projects: { api_app: { alias: 'api' }, worker: {} },
    };
    expect(parseWorkspaceConfig(config)).toEqual(config);
  });

  test('with only a namespace, folders, tags and projects get their defaults', () => {
    expect(parseWorkspaceConfig({ namespace: 'acme' })).toEqual({ namespace: 'acme', ...DEFAULT_CONFIG });
  });

  test('a missing namespace is invalid_config naming the field', () => {
    const error = errorOf(() => parseWorkspaceConfig({ folders: {} }));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toBe('workspace.json: "namespace" is missing');
  });

  test('a namespace with an @ or capitals is rejected', () => {
    expect(errorOf(() => parseWorkspaceConfig({ namespace: '@acme' })).message).toMatch(
      /"namespace" must be an npm scope/,
    );
    expect(errorOf(() => parseWorkspaceConfig({ namespace: 'Acme' })).code).toBe('invalid_config');
  });

  test('a folder that is not a string, or leaves the workspace, names the field', () => {
    expect(errorOf(() => parseWorkspaceConfig({ namespace: 'a', folders: { bases: 3 } })).message).toBe(
      'workspace.json: "folders.bases" must be a non-empty string',
    );
    expect(
      errorOf(() => parseWorkspaceConfig({ namespace: 'a', folders: { projects: '../x' } })).message,
    ).toBe('workspace.json: "folders.projects" must be a path inside the workspace');
  });

  test('tags that are not an object, and a bad tag pattern, name the field', () => {
    expect(errorOf(() => parseWorkspaceConfig({ namespace: 'a', tags: 'v*' })).message).toBe(
      'workspace.json: "tags" must be an object',
    );
    expect(errorOf(() => parseWorkspaceConfig({ namespace: 'a', tags: { stable: '' } })).message).toBe(
      'workspace.json: "tags.stable" must be a non-empty string',
    );
  });

  test('a project entry that is not an object, or a bad or duplicate alias, names the field', () => {
    expect(errorOf(() => parseWorkspaceConfig({ namespace: 'a', projects: [] })).message).toBe(
      'workspace.json: "projects" must be an object',
    );
    expect(errorOf(() => parseWorkspaceConfig({ namespace: 'a', projects: { p: 'x' } })).message).toBe(
      'workspace.json: "projects.p" must be an object',
    );
    expect(
      errorOf(() => parseWorkspaceConfig({ namespace: 'a', projects: { p: { alias: 1 } } })).message,
    ).toBe('workspace.json: "projects.p.alias" must be a non-empty string');
    expect(
      errorOf(() =>
        parseWorkspaceConfig({ namespace: 'a', projects: { p: { alias: 'x' }, q: { alias: 'x' } } }),
      ).message,
    ).toBe('workspace.json: "projects.q.alias" "x" is already the alias of p');
  });

  test('a JSON array or null is not a config', () => {
    expect(errorOf(() => parseWorkspaceConfig([])).message).toBe('workspace.json: must hold a JSON object');
    expect(errorOf(() => parseWorkspaceConfig(null)).code).toBe('invalid_config');
  });
});
