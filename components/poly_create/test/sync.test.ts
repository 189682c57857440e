import { checkWorkspace } from '@mousetrap/workspace_checks';
import { applyPlan } from '../src/apply-plan.ts';
import { planCreateProject } from '../src/create-project.ts';
import { planSync } from '../src/sync.ts';
import { geoWorkspace, load, read, readJson, removeTempDirs, snapshot, write } from './fixture.ts';

afterEach(removeTempDirs);

/** geoWorkspace with project geo_app created from base http_api, so it starts in sync. */
async function syncedWorkspace(): Promise<string> {
  const root = await geoWorkspace();
  await applyPlan(root, planCreateProject(await load(root), { name: 'geo_app', base: 'http_api' }));
  return root;
}

/** geo_cache starts importing clock, which imports dayjs (listed at ^1.11.0). */
function importClock(root: string): void {
  write(
    root,
    'components/geo_cache/src/clocked.ts',
    "import { describeClock } from '@acme/clock';\nexport { describeClock };\n",
  );
  write(
    root,
    'components/clock/src/now.ts',
    "import dayjs from 'dayjs';\nexport const now = () => dayjs();\n",
  );
  const clock = readJson(root, 'components/clock/package.json');
  write(
    root,
    'components/clock/package.json',
    JSON.stringify({ ...clock, dependencies: { dayjs: '^1.11.0' } }),
  );
}

describe('planSync', () => {
  test('when every project lists what its bricks need, plans nothing', async () => {
    const root = await syncedWorkspace();
    expect(planSync(await load(root))).toEqual({ files: [], summary: [] });
  });

  test('adds exactly the brick and the library the shipped bricks newly reach at run time', async () => {
    const root = await syncedWorkspace();
    importClock(root);
    expect(checkWorkspace(await load(root)).map((diagnostic) => diagnostic.code)).toContain('P107');
    const plan = planSync(await load(root));
    expect(plan.files.map((file) => `${file.action} ${file.path}`)).toEqual([
      'update projects/geo_app/package.json',
    ]);
    expect(plan.summary).toEqual(['geo_app: add brick clock 0.1.0', 'geo_app: add library dayjs ^1.11.0']);
    await applyPlan(root, plan);
    expect(readJson(root, 'projects/geo_app/package.json').dependencies).toEqual({
      '@acme/clock': '0.1.0',
      '@acme/geo_cache': '0.2.0',
      '@acme/http_api': '0.1.0',
      dayjs: '^1.11.0',
      'lru-cache': '^11.0.0',
    });
    const synced = await load(root);
    expect(planSync(synced)).toEqual({ files: [], summary: [] });
    expect(checkWorkspace(synced).filter((diagnostic) => ['P107', 'P113'].includes(diagnostic.code))).toEqual(
      [],
    );
  });

  test('never removes or changes what a project lists, even when nothing needs it', async () => {
    const root = await syncedWorkspace();
    const path = 'projects/geo_app/package.json';
    const manifest = readJson(root, path);
    const listed = {
      ...(manifest.dependencies as object),
      '@acme/shapes': '0.1.0',
      'left-pad': '^1.0.0',
      'lru-cache': '^9.0.0',
    };
    write(root, path, JSON.stringify({ ...manifest, license: 'MIT', dependencies: listed }));
    importClock(root);
    const plan = planSync(await load(root));
    const updated = JSON.parse(plan.files[0]?.content ?? '{}');
    expect(updated.dependencies).toEqual({ ...listed, '@acme/clock': '0.1.0', dayjs: '^1.11.0' });
    expect(updated.license).toBe('MIT');
  });

  test('does not count type-only imports or test imports as run-time needs', async () => {
    const root = await syncedWorkspace();
    const plan = planSync(await load(root));
    expect(plan.summary.join('\n')).not.toMatch(/shapes|clock|supertest/);
  });

  test('leaves the development project alone', async () => {
    const root = await syncedWorkspace();
    importClock(root);
    const before = read(root, 'development/package.json');
    const plan = planSync(await load(root));
    expect(plan.files.map((file) => file.path)).not.toContain('development/package.json');
    await applyPlan(root, plan);
    expect(read(root, 'development/package.json')).toBe(before);
  });

  test('a dry run (plan, no apply) writes nothing', async () => {
    const root = await syncedWorkspace();
    importClock(root);
    const before = snapshot(root);
    expect(planSync(await load(root)).files).toHaveLength(1);
    expect(snapshot(root)).toEqual(before);
  });
});
