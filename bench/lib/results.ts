import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where every benchmark writes its figures (git-ignored). */
export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');

/** Bytes in the MB of the figures (peak RSS). */
export const MB = 1024 * 1024;

/** One line of the summary table: a figure, its goal, and whether the goal is met. */
export interface Figure {
  /** What was measured, e.g. `jobs/s end to end`. */
  figure: string;
  value: number;
  unit: string;
  /** The goal in words, e.g. `≥ 2000`; empty when the figure is context (a baseline). */
  goal: string;
  /** Whether the goal is met; undefined when there is no goal. */
  met?: boolean | undefined;
}

/** What a benchmark writes to `bench/results/<name>.json`: its summary and its details. */
export interface BenchResult {
  name: string;
  quick: boolean;
  measuredAt: string;
  summary: Figure[];
  details: unknown;
}

/** Writes `bench/results/<name>.json`. */
export async function writeResult(result: Omit<BenchResult, 'measuredAt'>): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const full: BenchResult = { ...result, measuredAt: new Date().toISOString() };
  await writeFile(join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
}

/** Reads `bench/results/<name>.json`, or undefined when the benchmark wrote none. */
export async function readResult(name: string): Promise<BenchResult | undefined> {
  try {
    return JSON.parse(await readFile(join(RESULTS_DIR, `${name}.json`), 'utf8')) as BenchResult;
  } catch {
    return undefined;
  }
}

/** The middle of some values (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** A value for a table: whole numbers from 100 up, otherwise two significant decimals. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/** Prints rows as a left-aligned text table with a header rule. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

/** Prints one benchmark's summary figures as a table. */
export function printFigures(figures: readonly Figure[]): void {
  printTable(
    ['figure', 'value', 'goal', 'met'],
    figures.map((f) => [f.figure, `${formatValue(f.value)} ${f.unit}`, f.goal, metLabel(f.met)]),
  );
}

/** `yes`, `NO` or empty, for a figure's `met`. */
export function metLabel(met: boolean | undefined): string {
  return met === undefined ? '' : met ? 'yes' : 'NO';
}

/** Writes a progress line to stderr, so that stdout keeps only the figures. */
export function progress(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}
