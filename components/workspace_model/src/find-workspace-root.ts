import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The nearest folder at or above `cwd` that holds a workspace.json, or undefined outside any workspace. */
export async function findWorkspaceRoot(cwd: string): Promise<string | undefined> {
  let dir = resolve(cwd);
  for (;;) {
    const found = await stat(join(dir, 'workspace.json')).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (found) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
