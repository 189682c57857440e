import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A folder of files in the system's temp dir; `remove()` deletes it. */
export interface Fixture {
  root: string;
  remove(): Promise<void>;
}

/** Writes files (path → text, or a value written as JSON) into a fresh temp folder. */
export async function writeFixture(files: Record<string, string | object>): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'workspace-model-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(
      join(root, path),
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
    );
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** A package.json for `@<namespace>/<name>` with these dependencies. */
export function manifest(name: string, dependencies: Record<string, string> = {}): object {
  return { name, version: '0.1.0', private: true, type: 'module', dependencies };
}
