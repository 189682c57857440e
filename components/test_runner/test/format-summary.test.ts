import { formatSummary } from '../src/format-summary.ts';

describe('formatSummary', () => {
  test('states passed and failed', () => {
    expect(formatSummary({ passed: 12, failed: 0, skipped: 0 })).toBe('12 passed, 0 failed');
  });

  test('adds skipped only when some were skipped', () => {
    expect(formatSummary({ passed: 3, failed: 1, skipped: 2 })).toBe('3 passed, 1 failed, 2 skipped');
  });
});
