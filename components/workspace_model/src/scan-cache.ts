import { type ScannedImport, scanImports } from './scan-imports.ts';

/** Remembers the imports of source texts by content, so an unchanged file is lexed once per process. */
export interface ScanCache {
  /** The imports of `source`, from the cache when the same text was scanned before. */
  scan(source: string): readonly ScannedImport[];
  /** How many distinct texts are remembered. */
  readonly size: number;
}

/** Options of {@link createScanCache}. */
export interface ScanCacheOptions {
  /**
   * Texts remembered before the cache starts over, bounding its memory.
   * @default 50000
   */
  maxEntries?: number;
}

/**
 * A cache of import scans keyed by each file's text itself: a Map hashes a string natively, where a
 * digest would cost loading node:crypto and reading every text once more.
 */
export function createScanCache(options: ScanCacheOptions = {}): ScanCache {
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<string, readonly ScannedImport[]>();
  return {
    scan(source) {
      const cached = entries.get(source);
      if (cached !== undefined) return cached;
      const found = scanImports(source);
      if (entries.size >= maxEntries) entries.clear();
      entries.set(source, found);
      return found;
    },
    get size() {
      return entries.size;
    },
  };
}
