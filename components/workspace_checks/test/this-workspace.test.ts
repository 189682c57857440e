import { findWorkspaceRoot, loadWorkspace } from '@mousetrap/workspace_model';
import { checkWorkspace } from '../src/check-workspace.ts';

describe('this workspace', () => {
  test('found from this test folder, it loads with its own bricks and has no check errors', async () => {
    const root = await findWorkspaceRoot(__dirname);
    if (root === undefined) throw new Error(`no workspace.json above ${__dirname}`);
    const ws = await loadWorkspace(root);
    expect(ws.config.namespace).toBe('mousetrap');
    expect(ws.bricks.map((brick) => brick.name)).toEqual(
      expect.arrayContaining(['store', 'workspace_checks', 'workspace_model']),
    );
    expect(checkWorkspace(ws).filter((found) => found.severity === 'error')).toEqual([]);
  });
});
