import { findWorkspaceRoot } from '../src/find-workspace-root.ts';
import { type Fixture, writeFixture } from './fixture.ts';

describe('findWorkspaceRoot', () => {
  let fixture: Fixture;
  afterEach(() => fixture.remove());

  test('from a folder deep inside a workspace, returns the folder holding workspace.json', async () => {
    fixture = await writeFixture({ 'workspace.json': { namespace: 'acme' }, 'components/a/src/x.ts': '' });
    expect(await findWorkspaceRoot(`${fixture.root}/components/a/src`)).toBe(fixture.root);
  });

  test('from the root itself, returns the root', async () => {
    fixture = await writeFixture({ 'workspace.json': { namespace: 'acme' } });
    expect(await findWorkspaceRoot(fixture.root)).toBe(fixture.root);
  });

  test('outside any workspace, returns undefined', async () => {
    fixture = await writeFixture({ 'some/folder/file.txt': 'x' });
    expect(await findWorkspaceRoot(`${fixture.root}/some/folder`)).toBeUndefined();
  });

  test('a folder named workspace.json does not count as the file', async () => {
    fixture = await writeFixture({ 'workspace.json/inner.txt': 'x' });
    expect(await findWorkspaceRoot(fixture.root)).toBeUndefined();
  });
});
