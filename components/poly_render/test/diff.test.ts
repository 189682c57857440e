import { type DiffView, renderDiff, renderDiffShort } from '../src/diff.ts';

const view: DiffView = {
  since: 'stable-1 (abc1234)',
  files: ['components/log/src/index.ts', 'projects/api_app/package.json'],
  changedBricks: ['log'],
  affectedBricks: ['api', 'store'],
  changedProjects: ['api_app'],
  affectedProjects: [],
  workspaceFiles: [],
  otherFiles: [],
};

describe('renderDiff', () => {
  test('renderDiff: by default, the file count, then changed and affected bricks and projects, (none) when empty', () => {
    expect(renderDiff(view)).toBe(
      [
        'since stable-1 (abc1234): 2 changed files',
        'changed bricks:    log',
        'affected bricks:   api, store',
        'changed projects:  api_app',
        'affected projects: (none)',
        '',
      ].join('\n'),
    );
  });

  test('renderDiff: with bricks only and a changed workspace file, says everything is affected', () => {
    const text = renderDiff(
      { ...view, files: ['package.json'], workspaceFiles: ['package.json'] },
      { bricks: true },
    );
    expect(text).toBe(
      [
        'since stable-1 (abc1234): 1 changed file',
        'workspace files changed (package.json): everything is affected',
        'changed bricks:  log',
        'affected bricks: api, store',
        '',
      ].join('\n'),
    );
  });
});

describe('renderDiffShort', () => {
  test('renderDiffShort: the names of the sections shown, once each, sorted, one a line', () => {
    expect(renderDiffShort(view)).toBe('api\napi_app\nlog\nstore\n');
    expect(renderDiffShort(view, { projects: true })).toBe('api_app\n');
  });
});
