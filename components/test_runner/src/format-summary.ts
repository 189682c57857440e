import type { TestRunResult } from './jest-results.ts';

/** The closing line of `poly test` (the same line CI reads from jest): `N passed, N failed[, N skipped]`. */
export function formatSummary(result: Pick<TestRunResult, 'passed' | 'failed' | 'skipped'>): string {
  const line = `${result.passed} passed, ${result.failed} failed`;
  return result.skipped > 0 ? `${line}, ${result.skipped} skipped` : line;
}
