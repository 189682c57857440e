import type { Workspace } from '@mousetrap/workspace_model';
import { WorkspaceError } from '@mousetrap/workspace_model';
import { depsMatrixView, projectDepsView, renderDepsMatrix } from '../src/deps-matrix.ts';
import { visibleLength } from '../src/style.ts';
import { fixtureWorkspace } from './fixture.ts';

/** The fixture with log importing store back: log > store > log. */
function withCycle(): Workspace {
  const ws = fixtureWorkspace();
  ws.bricks[0]?.imports.push({
    file: 'components/log/src/log.ts',
    line: 2,
    specifier: '@acme/store',
    typeOnly: false,
    context: 'src',
    target: { kind: 'brick', brick: 'store', deep: false },
  });
  return ws;
}

describe('depsMatrixView', () => {
  test('depsMatrixView: separates what a brick imports itself from what it reaches through others', () => {
    const rows = depsMatrixView(fixtureWorkspace()).rows;
    expect(rows.find((row) => row.brick === 'rest_api')).toEqual({
      brick: 'rest_api',
      kind: 'base',
      direct: ['settings', 'store'],
      transitive: ['log'],
    });
  });

  test('depsMatrixView: with runtimeOnly, drops type-only and test imports, so settings is reached only through store', () => {
    const rows = depsMatrixView(fixtureWorkspace(), { runtimeOnly: true }).rows;
    expect(rows.find((row) => row.brick === 'settings')?.direct).toEqual([]);
    expect(rows.find((row) => row.brick === 'rest_api')).toMatchObject({
      direct: ['store'],
      transitive: ['log', 'settings'],
    });
  });

  test('depsMatrixView: with no cycle, lists none', () => {
    expect(depsMatrixView(fixtureWorkspace()).cycles).toEqual([]);
  });

  test('depsMatrixView: lists a cycle as a closed path', () => {
    expect(depsMatrixView(withCycle()).cycles).toEqual([['log', 'store', 'log']]);
  });
});

describe('projectDepsView', () => {
  test('projectDepsView: keeps only the bricks the project ships, as rows and as uses', () => {
    const view = projectDepsView(fixtureWorkspace(), 'tool_app');
    expect(view.project).toBe('tool_app');
    expect(view.rows.map((row) => row.brick)).toEqual(['log', 'settings']);
  });

  test('projectDepsView: for a project that does not exist, throws WorkspaceError unknown_project', () => {
    expect(() => projectDepsView(fixtureWorkspace(), 'nope')).toThrow(
      expect.objectContaining({ name: 'WorkspaceError', code: 'unknown_project' }),
    );
    expect(() => projectDepsView(fixtureWorkspace(), 'nope')).toThrow(WorkspaceError);
  });
});

describe('renderDepsMatrix', () => {
  test('renderDepsMatrix: without colour, writes brick names downwards over one-character columns', () => {
    expect(renderDepsMatrix(depsMatrixView(fixtureWorkspace()), { color: false })).toBe(
      [
        '          l  s  s  r',
        '          o  e  t  e',
        '          g  t  o  s',
        '             t  r  t',
        '             i  e  _',
        '             n     a',
        '             g     p',
        'brick        s     i',
        '--------  -  -  -  -',
        'log       .  .  .  .',
        'settings  x  .  .  .',
        'store     x  x  .  .',
        'rest_api  +  x  x  .',
        '',
        'x uses directly  + uses through another brick  (every import: src, types and tests)',
        '',
      ].join('\n'),
    );
  });

  test('renderDepsMatrix: lists cycles under the matrix as a > b > a', () => {
    const text = renderDepsMatrix(depsMatrixView(withCycle()), { color: false });
    expect(text.endsWith('\n\ncycles: 1\n  log > store > log\n')).toBe(true);
  });

  test('renderDepsMatrix: for a project, names it above the matrix', () => {
    const text = renderDepsMatrix(projectDepsView(fixtureWorkspace(), 'tool_app'), { color: false });
    expect(text.split('\n').slice(0, 3)).toEqual(['project: tool_app', '', '          l  s']);
  });

  test('renderDepsMatrix: with colour, keeps every line as wide as without', () => {
    const view = depsMatrixView(withCycle());
    const colored = renderDepsMatrix(view, { color: true });
    expect(colored).toContain('\u001b[');
    expect(colored.split('\n').map(visibleLength)).toEqual(
      renderDepsMatrix(view, { color: false }).split('\n').map(visibleLength),
    );
  });
});
