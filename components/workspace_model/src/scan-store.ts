import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScanCache } from './scan-cache.ts';
import type { ImportSyntax, ScannedImport } from './scan-imports.ts';

// Bump when scanImports' answers change, so that scans kept by an older poly are not reused.
const FORMAT = 1;

// Some file systems tick their modification times coarsely (a jiffy, a second), so a file written
// twice within a tick can keep its time and size. A scan is kept only once its file has been still
// for this long; until then the file is read again each run.
const SETTLE_MS = 2_000;

// Kept compactly: [mtimeMs, size, ...[specifier, line, typeOnly 0|1, syntax] per import].
type KeptImport = [string, number, 0 | 1, ImportSyntax];
type Kept = [number, number, ...KeptImport[]];

/** The imports of a workspace's source files, kept in a file between runs. */
export interface ScanStore {
  /**
   * The imports of `path` (relative to the root): the kept ones while the file's size and
   * modification time are unchanged, else read and scanned anew.
   */
  scanFile(path: string): readonly ScannedImport[];
  /** Writes the store when a scan changed, keeping only the files asked about since it was opened. */
  save(): void;
}

function readKept(file: string): Map<string, Kept> {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as {
      format?: unknown;
      files?: Record<string, Kept>;
    };
    if (value.format === FORMAT && typeof value.files === 'object' && value.files !== null) {
      return new Map(Object.entries(value.files));
    }
  } catch {
    // Missing or unreadable: start empty, as on the first run.
  }
  return new Map();
}

/**
 * Opens the store kept in `file` (none: every file is read and scanned, nothing is written).
 * Scans go through `cache`, so a text already scanned in this process is not lexed again.
 */
export function openScanStore(root: string, file: string | undefined, cache: ScanCache): ScanStore {
  const read = (path: string) => cache.scan(readFileSync(join(root, path), 'utf8'));
  if (file === undefined) return { scanFile: read, save: () => {} };
  const kept = readKept(file);
  const next = new Map<string, Kept>();
  let changed = false;
  const now = Date.now();
  return {
    scanFile(path) {
      // Stat before reading: a change in between then shows as a new time on the next run.
      const { mtimeMs, size } = statSync(join(root, path));
      const entry = kept.get(path);
      if (entry !== undefined && entry[0] === mtimeMs && entry[1] === size) {
        next.set(path, entry);
        return (entry.slice(2) as KeptImport[]).map(([specifier, line, typeOnly, syntax]) => ({
          specifier,
          line,
          typeOnly: typeOnly === 1,
          syntax,
        }));
      }
      const found = read(path);
      if (now - mtimeMs >= SETTLE_MS) {
        const imports = found.map((i): KeptImport => [i.specifier, i.line, i.typeOnly ? 1 : 0, i.syntax]);
        next.set(path, [mtimeMs, size, ...imports]);
        changed = true;
      } else if (entry !== undefined) changed = true;
      return found;
    },
    save() {
      if (!changed && next.size === kept.size) return;
      const text = JSON.stringify({ format: FORMAT, files: Object.fromEntries(next) });
      try {
        mkdirSync(dirname(file), { recursive: true });
        // Written aside, then renamed: a run reading meanwhile sees the old store or the new, whole.
        const aside = `${file}.${process.pid}`;
        writeFileSync(aside, text);
        renameSync(aside, file);
      } catch {
        // A store that cannot be written (a read-only checkout) only costs the next run its speed.
      }
    },
  };
}
