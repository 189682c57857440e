import { brickDepsView, renderBrickDeps } from '../src/brick-deps.ts';
import { fixtureWorkspace } from './fixture.ts';

describe('brickDepsView', () => {
  test('brickDepsView: for a low-level brick, lists its users (tests too) direct and transitive, and its projects', () => {
    expect(brickDepsView(fixtureWorkspace(), 'log')).toEqual({
      brick: 'log',
      kind: 'component',
      runtimeOnly: false,
      uses: { direct: [], transitive: [] },
      usedBy: { direct: ['settings', 'store'], transitive: ['rest_api'] },
      projects: ['api_app', 'tool_app', 'development'],
    });
  });

  test('brickDepsView: for a base, lists what it reaches only through another brick as transitive', () => {
    expect(brickDepsView(fixtureWorkspace(), 'rest_api').uses).toEqual({
      direct: ['settings', 'store'],
      transitive: ['log'],
    });
  });

  test('brickDepsView: for a brick that does not exist, throws WorkspaceError unknown_brick', () => {
    expect(() => brickDepsView(fixtureWorkspace(), 'nope')).toThrow(
      expect.objectContaining({ name: 'WorkspaceError', code: 'unknown_brick' }),
    );
  });
});

describe('renderBrickDeps', () => {
  test('renderBrickDeps: without colour, prints projects, uses and used by, marked x or +', () => {
    expect(renderBrickDeps(brickDepsView(fixtureWorkspace(), 'rest_api'), { color: false })).toBe(
      [
        'rest_api (base)',
        'projects: api_app, development',
        '',
        'uses:',
        '  x settings',
        '  x store',
        '  + log',
        'used by:',
        '  (none)',
        '',
        'x directly  + through another brick  (every import: src, types and tests)',
        '',
      ].join('\n'),
    );
  });

  test('renderBrickDeps: with runtimeOnly, leaves out test users and says so in the legend', () => {
    const text = renderBrickDeps(brickDepsView(fixtureWorkspace(), 'log', { runtimeOnly: true }), {
      color: false,
    });
    expect(text.split('\n').slice(3)).toEqual([
      'uses:',
      '  (none)',
      'used by:',
      '  x store',
      '  + rest_api',
      '',
      'x directly  + through another brick  (run-time imports only)',
      '',
    ]);
  });
});
