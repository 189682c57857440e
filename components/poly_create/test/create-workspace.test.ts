import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlan } from '../src/apply-plan.ts';
import { planCreateWorkspace } from '../src/create-workspace.ts';
import { PolyCreateError } from '../src/errors.ts';
import { formatPlan } from '../src/plan.ts';
import { REPO_ROOT, read, readJson, removeTempDirs, snapshot, TOOLCHAIN, tempDir, write } from './fixture.ts';

afterEach(removeTempDirs);

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof PolyCreateError) return error.code;
    throw error;
  }
  return undefined;
};

describe('planCreateWorkspace', () => {
  test('plans the root config, the development project and the empty brick and project folders', () => {
    const dir = tempDir();
    const plan = planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN });
    expect(plan.files.map((file) => `${file.action} ${file.path}`)).toEqual([
      'create .gitignore',
      'create README.md',
      'create bases/.gitkeep',
      'create biome.json',
      'create components/.gitkeep',
      'create development/package.json',
      'create jest-summary-reporter.cjs',
      'create jest.config.cjs',
      'create package.json',
      'create projects/.gitkeep',
      'create tsconfig.json',
      'create workspace.json',
    ]);
    expect(plan.summary).toEqual([]);
  });

  test('writes a root package.json with npm workspaces, the scripts and the given toolchain, sorted', async () => {
    const dir = tempDir();
    await applyPlan(
      dir,
      planCreateWorkspace({ dir, name: 'acme', toolchain: { ...TOOLCHAIN, tsx: '^4.0.0' } }),
    );
    const manifest = readJson(dir, 'package.json');
    expect(manifest).toMatchObject({
      name: 'acme-workspace',
      private: true,
      type: 'module',
      workspaces: ['components/*', 'bases/*', 'projects/*', 'development'],
      scripts: { test: 'jest', typecheck: 'tsc --noEmit -p .', lint: 'biome check .', poly: 'poly' },
    });
    expect(manifest.devDependencies).toEqual({ ...TOOLCHAIN, tsx: '^4.0.0' });
    expect(Object.keys(manifest.devDependencies as object)).toEqual(
      Object.keys({ ...TOOLCHAIN, tsx: '' }).sort((a, b) => (a < b ? -1 : 1)),
    );
  });

  test('writes workspace.json with the namespace, the folders, the tag patterns and no projects', async () => {
    const dir = tempDir();
    await applyPlan(dir, planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN }));
    expect(readJson(dir, 'workspace.json')).toEqual({
      namespace: 'acme',
      folders: { components: 'components', bases: 'bases', projects: 'projects', development: 'development' },
      tags: { stable: 'stable-*', release: 'v[0-9]*' },
      projects: {},
    });
    expect(readJson(dir, 'development/package.json')).toMatchObject({
      name: '@acme/development',
      private: true,
      type: 'module',
      dependencies: {},
    });
  });

  test("gives tsconfig.json this repository's compiler options and the brick folders", async () => {
    const dir = tempDir();
    await applyPlan(dir, planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN }));
    const ours = readJson(REPO_ROOT, 'tsconfig.json');
    const generated = readJson(dir, 'tsconfig.json');
    expect(generated.compilerOptions).toEqual(ours.compilerOptions);
    expect(generated.include).toEqual([
      'components/*/src',
      'components/*/test',
      'bases/*/src',
      'bases/*/test',
      'development/**/*.ts',
    ]);
  });

  test("gives jest and Biome this repository's settings", async () => {
    const dir = tempDir();
    await applyPlan(dir, planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN }));
    // The same settings, less mousetrap's own check of what its tests leave on the shared services
    // and its maxWorkers (its tests mostly wait on services; a new workspace's need not).
    const { maxWorkers: _maxWorkers, ...ours } = require(join(REPO_ROOT, 'jest.config.cjs'));
    expect(require(join(dir, 'jest.config.cjs'))).toEqual({
      ...ours,
      reporters: ours.reporters.filter((reporter: string) => !reporter.includes('left-behind')),
    });
    expect(read(dir, 'jest-summary-reporter.cjs')).toBe(read(REPO_ROOT, 'jest-summary-reporter.cjs'));
    const { files: _files, ...biome } = readJson(dir, 'biome.json');
    const { files: _ourFiles, ...ourBiome } = readJson(REPO_ROOT, 'biome.json');
    expect(biome).toEqual(ourBiome);
    expect(readJson(dir, 'biome.json').files).toEqual({
      includes: ['**', '!**/dist', '!**/node_modules', '!**/*.md'],
    });
  });

  test('writes a README that says how to run poly, and that changes count from the stable-1 tag of the first commit', async () => {
    const dir = tempDir();
    await applyPlan(dir, planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN }));
    const readme = read(dir, 'README.md');
    expect(readme).toContain('npm run poly -- create component --name <name>');
    expect(readme).toContain('made the first commit and tagged it `stable-1`');
    expect(readme).toContain('`git tag stable-1`');
    expect(readme).toContain('A base starts as a small HTTP server that runs until it is stopped');
  });

  test('lists the folders in a README layout block that poly create adds to', async () => {
    const dir = tempDir();
    await applyPlan(dir, planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN }));
    const readme = read(dir, 'README.md');
    expect(readme).toMatch(/^# acme\n/);
    expect(readme).toContain('\n```\ncomponents/ ');
    expect(readme).toContain('\nbases/ ');
    expect(readme).toContain('\nprojects/ ');
    expect(read(dir, '.gitignore')).toContain('node_modules/\n');
  });

  test('accepts a folder that does not exist yet, and one that holds only .git', () => {
    const parent = tempDir();
    expect(
      codeOf(() => planCreateWorkspace({ dir: join(parent, 'new'), name: 'acme', toolchain: TOOLCHAIN })),
    ).toBe(undefined);
    mkdirSync(join(parent, 'repo', '.git'), { recursive: true });
    expect(
      codeOf(() => planCreateWorkspace({ dir: join(parent, 'repo'), name: 'acme', toolchain: TOOLCHAIN })),
    ).toBe(undefined);
  });

  test('when the folder has files, refuses with not_empty and names them', () => {
    const dir = tempDir();
    write(dir, 'notes.txt', 'mine');
    expect(() => planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN })).toThrow(
      expect.objectContaining({ code: 'not_empty', message: expect.stringContaining('(notes.txt)') }),
    );
  });

  test('when a required tool has no version, refuses with missing_toolchain naming it', () => {
    const { jest: _jest, ...toolchain } = TOOLCHAIN;
    expect(() => planCreateWorkspace({ dir: tempDir(), name: 'acme', toolchain })).toThrow(
      expect.objectContaining({ code: 'missing_toolchain', message: 'no version given for jest' }),
    );
  });

  test('refuses a namespace that is not snake_case', () => {
    expect(codeOf(() => planCreateWorkspace({ dir: tempDir(), name: 'Acme', toolchain: TOOLCHAIN }))).toBe(
      'invalid_name',
    );
  });

  test('a dry run (plan and format, no apply) writes nothing', () => {
    const dir = tempDir();
    const text = formatPlan(planCreateWorkspace({ dir, name: 'acme', toolchain: TOOLCHAIN }));
    expect(text).toContain('create workspace.json\n');
    expect(snapshot(dir)).toEqual({});
  });
});
