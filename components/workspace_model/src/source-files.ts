import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareText } from './compare.ts';

/** A TypeScript file of a brick and the context its imports belong to. */
export interface SourceFile {
  /** Relative to the workspace root, with forward slashes. */
  path: string;
  context: 'src' | 'test';
}

const TYPESCRIPT = /\.(ts|tsx|mts|cts)$/;
const TEST_FILE = /\.(test|spec)\.(ts|tsx|mts|cts)$/;
// Build output, installed packages and tool caches hold no source of the brick.
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);

/**
 * Lists a brick's TypeScript files, sorted: those under `src/` are production code, those under
 * `test/` and any `*.test.ts` or `*.spec.ts` are tests; other files are not part of the brick's code.
 */
export function listSourceFiles(root: string, brickDir: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string, top: string | undefined): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED.has(entry.name)) walk(path, top ?? entry.name);
      } else if (entry.isFile() && TYPESCRIPT.test(entry.name)) {
        if (top === 'test' || TEST_FILE.test(entry.name)) files.push({ path, context: 'test' });
        else if (top === 'src') files.push({ path, context: 'src' });
      }
    }
  };
  walk(brickDir, undefined);
  return files.sort((a, b) => compareText(a.path, b.path));
}
