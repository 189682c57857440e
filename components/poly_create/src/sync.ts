import type { Workspace } from '@mousetrap/workspace_model';
import { formatPackageJson, readJsonFile, sortKeys, stringRecord } from './json-file.ts';
import { type Plan, type PlannedFile, sortedPlan } from './plan.ts';
import { brickVersion, runtimeNeeds } from './runtime-needs.ts';

/**
 * The plan of `poly sync`: for each deployable project, the bricks its bricks reach at run time
 * and the libraries those import (at the versions the bricks list) that its package.json misses.
 * It only adds; nothing listed is removed or changed. An empty plan means every project is in sync.
 */
export function planSync(ws: Workspace): Plan {
  const { namespace } = ws.config;
  const files: PlannedFile[] = [];
  const summary: string[] = [];
  const known = new Set(ws.bricks.map((brick) => brick.name));
  for (const project of ws.projects) {
    const needs = runtimeNeeds(
      ws,
      project.bricks.filter((brick) => known.has(brick)),
    );
    const additions: Record<string, string> = {};
    for (const brick of needs.bricks.filter((name) => !project.bricks.includes(name))) {
      const version = brickVersion(ws, brick);
      additions[`@${namespace}/${brick}`] = version;
      summary.push(`${project.name}: add brick ${brick} ${version}`);
    }
    for (const [library, version] of Object.entries(needs.libraries)) {
      if (library in project.libraries) continue;
      additions[library] = version;
      summary.push(`${project.name}: add library ${library} ${version}`);
    }
    summary.push(...needs.notes.map((note) => `${project.name}: ${note}`));
    if (Object.keys(additions).length === 0) continue;
    const path = `${project.dir}/package.json`;
    const file = readJsonFile(ws.root, path);
    const manifest = file?.value ?? {};
    const dependencies = sortKeys({ ...stringRecord(manifest.dependencies), ...additions });
    const content = formatPackageJson({ ...manifest, dependencies });
    files.push({ path, action: 'update', content, ...(file ? { previous: file.text } : {}) });
  }
  return sortedPlan(files, summary);
}
