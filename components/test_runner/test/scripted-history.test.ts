import { type ChangeImpact, mapChanges } from '@mousetrap/change_impact';
import { changedFiles, GitError, resolveSince } from '@mousetrap/git_changes';
import { loadWorkspace, type Workspace } from '@mousetrap/workspace_model';
import { TestRunError } from '../src/errors.ts';
import { selectTests } from '../src/select-tests.ts';
import { createScriptedWorkspace, type ScriptedWorkspace } from './scripted-workspace.ts';

/** What `poly diff --since <since>` computes: the point, the files, and their impact. */
async function diff(
  root: string,
  since?: string,
): Promise<{ label: string; files: string[]; impact: ChangeImpact; ws: Workspace }> {
  const ws = await loadWorkspace(root);
  const point = await resolveSince(root, since, ws.config.tags);
  const files = await changedFiles(root, point.ref);
  return { label: point.label, files, impact: mapChanges(ws, files), ws };
}

let fixture: ScriptedWorkspace;

beforeEach(() => {
  fixture = createScriptedWorkspace();
});

afterEach(() => fixture.remove());

describe('diff and test selection on a scripted history', () => {
  test('a change in a low-level component marks its transitive dependents and every project shipping them', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('components/a/src/index.ts', 'export const a = 2;\n');
    const { label, files, impact } = await diff(fixture.root);
    expect(label).toBe('stable-1 (tag)');
    expect(files).toEqual(['components/a/src/index.ts']);
    expect(impact).toEqual({
      changedBricks: ['a'],
      affectedBricks: ['b', 'c', 'x'],
      changedProjects: [],
      affectedProjects: ['development', 'p', 'q'],
      workspaceFiles: [],
      otherFiles: [],
    });
  });

  test('a change in the base affects only the projects shipping it, since the newest stable tag', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('components/a/src/index.ts', 'export const a = 2;\n');
    fixture.commit('change a');
    fixture.git('tag', 'stable-2');
    fixture.write('bases/x/src/index.ts', "import { c } from '@fx/c';\nexport const x = c * 2;\n");
    fixture.commit('change x');
    const { label, impact } = await diff(fixture.root, 'stable');
    expect(label).toBe('stable-2 (tag)');
    expect(impact).toMatchObject({
      changedBricks: ['x'],
      affectedBricks: [],
      affectedProjects: ['development', 'p'],
    });
  });

  test('since a branch, the diff starts at the merge-base, so commits made on that branch since do not count', async () => {
    fixture.git('switch', '--quiet', '-c', 'feature');
    fixture.write('components/c/src/index.ts', "import { b } from '@fx/b';\nexport const c = b + 2;\n");
    fixture.commit('change c on feature');
    fixture.git('switch', '--quiet', 'main');
    fixture.write('components/b/src/index.ts', "import { a } from '@fx/a';\nexport const b = a + 2;\n");
    fixture.commit('change b on main');
    fixture.git('switch', '--quiet', 'feature');
    const { label, files, impact } = await diff(fixture.root, 'main');
    expect(label).toBe('merge-base with main');
    expect(files).toEqual(['components/c/src/index.ts']);
    expect(impact).toMatchObject({
      changedBricks: ['c'],
      affectedBricks: ['x'],
      affectedProjects: ['development', 'p'],
    });
  });

  test('an untracked file makes its brick changed, an ignored one does not', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('components/b/src/extra.ts', 'export const extra = 1;\n');
    fixture.write('components/a/dist/index.js', 'ignored build output');
    const { impact } = await diff(fixture.root);
    expect(impact).toMatchObject({ changedBricks: ['b'], affectedBricks: ['c', 'x'] });
  });

  test('a file renamed from one brick to another makes both changed', async () => {
    fixture.git('tag', 'stable-1');
    fixture.git('mv', 'components/c/src/util.ts', 'components/a/src/util.ts');
    fixture.commit('move util');
    const { files, impact } = await diff(fixture.root);
    expect(files).toEqual(['components/a/src/util.ts', 'components/c/src/util.ts']);
    expect(impact).toMatchObject({ changedBricks: ['a', 'c'], affectedBricks: ['b', 'x'] });
  });

  test('a changed lockfile affects every brick and project', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('package-lock.json', '{}\n');
    fixture.write('README.md', '# fixture, documented\n');
    const { impact } = await diff(fixture.root);
    expect(impact).toEqual({
      changedBricks: [],
      affectedBricks: ['a', 'b', 'c', 'x'],
      changedProjects: [],
      affectedProjects: ['development', 'p', 'q'],
      workspaceFiles: ['package-lock.json'],
      otherFiles: ['README.md'],
    });
  });

  test('release resolves the highest version tag: v1.10.0 over v1.2.0', async () => {
    fixture.git('tag', 'v1.10.0');
    fixture.write('components/b/src/index.ts', "import { a } from '@fx/a';\nexport const b = a + 2;\n");
    fixture.commit('change b');
    fixture.git('tag', 'v1.2.0');
    fixture.write('components/a/src/index.ts', 'export const a = 2;\n');
    const { label, impact } = await diff(fixture.root, 'release');
    expect(label).toBe('v1.10.0 (tag)');
    expect(impact.changedBricks).toEqual(['a', 'b']);
  });

  test('with no stable tag, every brick and project counts as changed', async () => {
    const { label, impact } = await diff(fixture.root);
    expect(label).toBe('no stable tag: every brick counts as changed');
    expect(impact).toMatchObject({
      changedBricks: ['a', 'b', 'c', 'x'],
      affectedBricks: [],
      changedProjects: ['development', 'p', 'q'],
      affectedProjects: [],
    });
  });

  test('an unknown ref is a GitError with code unknown_ref', async () => {
    await expect(diff(fixture.root, 'no-such-thing')).rejects.toMatchObject({
      constructor: GitError,
      code: 'unknown_ref',
    });
  });

  test('poly test runs the changed and affected bricks that have tests, and development as an affected project', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('components/a/src/index.ts', 'export const a = 2;\n');
    const { ws, impact } = await diff(fixture.root);
    expect(selectTests(ws, impact).targets).toEqual([
      { name: 'a', dir: 'components/a', reason: 'changed' },
      { name: 'b', dir: 'components/b', reason: 'affected' },
      { name: 'development', dir: 'development/test', reason: 'affected' },
    ]);
  });

  test('a changed project tests every brick it ships', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('components/b/src/index.ts', "import { a } from '@fx/a';\nexport const b = a + 2;\n");
    fixture.write('projects/p/Dockerfile', 'FROM node:20\n');
    const { ws, impact } = await diff(fixture.root);
    expect(selectTests(ws, impact).targets).toEqual([
      { name: 'a', dir: 'components/a', reason: 'project' },
      { name: 'b', dir: 'components/b', reason: 'changed' },
      { name: 'development', dir: 'development/test', reason: 'affected' },
    ]);
  });

  test('when nothing changed, there is nothing to test', async () => {
    fixture.git('tag', 'stable-1');
    fixture.write('README.md', '# fixture, documented\n');
    const { ws, impact } = await diff(fixture.root);
    expect(selectTests(ws, impact).targets).toEqual([]);
  });

  test('--all, --project (by name or alias) and --brick choose instead of the changes', async () => {
    fixture.git('tag', 'stable-1');
    const { ws, impact } = await diff(fixture.root);
    expect(selectTests(ws, impact, { all: true }).targets).toEqual([
      { name: 'a', dir: 'components/a', reason: 'all' },
      { name: 'b', dir: 'components/b', reason: 'all' },
      { name: 'development', dir: 'development/test', reason: 'all' },
    ]);
    expect(selectTests(ws, impact, { projects: ['q'] }).targets).toEqual([
      { name: 'a', dir: 'components/a', reason: 'project' },
    ]);
    expect(selectTests(ws, impact, { projects: ['pp'], bricks: ['b'] }).targets).toEqual([
      { name: 'a', dir: 'components/a', reason: 'project' },
      { name: 'b', dir: 'components/b', reason: 'named' },
    ]);
    expect(selectTests(ws, impact, { bricks: ['b', 'x'] }).targets).toEqual([
      { name: 'b', dir: 'components/b', reason: 'named' },
    ]);
  });

  test('an unknown --brick or --project is a TestRunError', async () => {
    const { ws, impact } = await diff(fixture.root);
    expect(() => selectTests(ws, impact, { bricks: ['nope'] })).toThrow(
      expect.objectContaining({ constructor: TestRunError, code: 'unknown_brick' }),
    );
    expect(() => selectTests(ws, impact, { projects: ['nope'] })).toThrow(
      expect.objectContaining({ code: 'unknown_project' }),
    );
  });
});
