import { mkdirSync, readFileSync, renameSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WorkspaceError } from './errors.ts';
import { type Manifest, parseManifest, readManifest } from './manifest.ts';
import type { ScanCache } from './scan-cache.ts';
import type { ImportSyntax, ScannedImport } from './scan-imports.ts';

// Bump when what is kept, or scanImports' answers, change, so that an older poly's store is not reused.
const FORMAT = 2;

// Some file systems tick their modification times coarsely (a jiffy, a second), so a file written
// twice within a tick can keep its time and size. What a file holds is kept only once the file has
// been still for this long; until then it is read again each run.
const SETTLE_MS = 2_000;

// What is kept of a file: [mtimeMs, size, value]. A source file's value is its imports, compactly
// [specifier, line, typeOnly 0|1, syntax] each; a package.json's is the manifest as the model reads it.
type KeptImport = [string, number, 0 | 1, ImportSyntax];
type Kept = [number, number, unknown];

/** What the model reads from a workspace's files, kept in a file between runs. */
export interface ScanStore {
  /**
   * The imports of `path` (relative to the root): the kept ones while the file's size and
   * modification time are unchanged, else read and scanned anew.
   */
  scanFile(path: string): readonly ScannedImport[];
  /**
   * `<dir>/package.json` (dir relative to the root) as the model reads it, kept the same way;
   * undefined when there is none. Throws a `WorkspaceError` for a malformed one.
   */
  readManifest(dir: string): Manifest | undefined;
  /** Writes the store when something changed, keeping only the files asked about since it was opened. */
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

const toKept = (found: readonly ScannedImport[]): KeptImport[] =>
  found.map((i) => [i.specifier, i.line, i.typeOnly ? 1 : 0, i.syntax]);

const fromKept = (value: unknown): ScannedImport[] =>
  (value as KeptImport[]).map(([specifier, line, typeOnly, syntax]) => ({
    specifier,
    line,
    typeOnly: typeOnly === 1,
    syntax,
  }));

function manifestStats(root: string, file: string): Stats | undefined {
  try {
    return statSync(join(root, file), { throwIfNoEntry: false });
  } catch (cause) {
    throw new WorkspaceError('invalid_config', `${file}: cannot be read`, { cause });
  }
}

/**
 * Opens the store kept in `file` under the workspace `root` (none: every file is read, nothing is
 * written). Scans go through `cache`, so a text already scanned in this process is not lexed again.
 */
export function openScanStore(root: string, file: string | undefined, cache: ScanCache): ScanStore {
  const readText = (path: string) => readFileSync(join(root, path), 'utf8');
  const kept = file === undefined ? undefined : readKept(file);
  const next = new Map<string, Kept>();
  let changed = false;
  const now = Date.now();

  // The value of `path` from the store when its stats match, else `derive`d from its text (and kept
  // once the file has settled). Stats come first: a change after them shows on the next run.
  function remember<T>(
    path: string,
    stats: Stats,
    derive: (text: string) => T,
    encode: (value: T) => unknown,
    decode: (value: unknown) => T,
  ): T {
    const entry = kept?.get(path);
    if (entry !== undefined && entry[0] === stats.mtimeMs && entry[1] === stats.size) {
      next.set(path, entry);
      return decode(entry[2]);
    }
    const value = derive(readText(path));
    if (kept !== undefined && now - stats.mtimeMs >= SETTLE_MS) {
      next.set(path, [stats.mtimeMs, stats.size, encode(value)]);
      changed = true;
    } else if (entry !== undefined) changed = true;
    return value;
  }

  return {
    scanFile(path) {
      if (kept === undefined) return cache.scan(readText(path));
      return remember(path, statSync(join(root, path)), (text) => cache.scan(text), toKept, fromKept);
    },
    readManifest(dir) {
      if (kept === undefined) return readManifest(root, dir);
      const path = `${dir}/package.json`;
      const stats = manifestStats(root, path);
      if (stats === undefined) return undefined;
      const parse = (text: string) => parseManifest(path, text);
      return remember(
        path,
        stats,
        parse,
        (manifest) => manifest,
        (value) => value as Manifest,
      );
    },
    save() {
      if (file === undefined || kept === undefined || (!changed && next.size === kept.size)) return;
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
