import { applyPlan } from '../src/apply-plan.ts';
import { formatPlan } from '../src/plan.ts';
import { read, removeTempDirs, snapshot, tempDir, write } from './fixture.ts';

afterEach(removeTempDirs);

describe('applyPlan', () => {
  test('creates files in new folders and replaces the ones it updates', async () => {
    const root = tempDir();
    write(root, 'a.json', 'old');
    await applyPlan(root, {
      files: [
        { path: 'a.json', action: 'update', content: 'new\n' },
        { path: 'deep/er/b.ts', action: 'create', content: 'export {};\n' },
      ],
      summary: [],
    });
    expect(snapshot(root)).toEqual({ 'a.json': 'new\n', 'deep/er/b.ts': 'export {};\n' });
  });

  test('when a file it would create exists, refuses with conflict and writes nothing', async () => {
    const root = tempDir();
    write(root, 'taken.ts', 'mine');
    const plan = {
      files: [
        { path: 'fresh.ts', action: 'create' as const, content: 'x' },
        { path: 'taken.ts', action: 'create' as const, content: 'y' },
      ],
      summary: [],
    };
    await expect(applyPlan(root, plan)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('taken.ts'),
    });
    expect(snapshot(root)).toEqual({ 'taken.ts': 'mine' });
    expect(read(root, 'taken.ts')).toBe('mine');
  });
});

describe('formatPlan', () => {
  test('lists each file with its action, then the summary; with contents, each line indented', () => {
    const plan = {
      files: [{ path: 'x/package.json', action: 'create' as const, content: '{\n}\n' }],
      summary: ['README.md has no workspace layout block'],
    };
    expect(formatPlan(plan)).toBe('create x/package.json\nREADME.md has no workspace layout block\n');
    expect(formatPlan(plan, { contents: true })).toBe(
      'create x/package.json\n  | {\n  | }\nREADME.md has no workspace layout block\n',
    );
    expect(formatPlan({ files: [], summary: [] })).toBe('');
  });

  test('with contents, shows only the lines an update removes and adds', () => {
    const plan = {
      files: [
        {
          path: 'development/package.json',
          action: 'update' as const,
          previous: '{\n  "dependencies": {\n    "@acme/a": "0.1.0"\n  }\n}\n',
          content: '{\n  "dependencies": {\n    "@acme/a": "0.1.0",\n    "@acme/b": "0.1.0"\n  }\n}\n',
        },
      ],
      summary: [],
    };
    expect(formatPlan(plan, { contents: true })).toBe(
      'update development/package.json\n  - |     "@acme/a": "0.1.0"\n  + |     "@acme/a": "0.1.0",\n  + |     "@acme/b": "0.1.0"\n',
    );
  });
});
