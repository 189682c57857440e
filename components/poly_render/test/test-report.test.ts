import { renderTestPlan, renderTestProgress, renderTestResult } from '../src/test-report.ts';

describe('renderTestPlan', () => {
  test('renderTestPlan: with changes and targets, names the point, then each folder and why', () => {
    const text = renderTestPlan({
      since: 'stable-1 (abc1234)',
      targets: [
        { name: 'store', dir: 'components/store', reason: 'changed' },
        { name: 'api', dir: 'bases/api', reason: 'affected' },
      ],
      dryRun: false,
    });
    expect(text).toBe(
      'changes since stable-1 (abc1234)\nrunning the tests of 2 folders:\n  components/store (changed)\n  bases/api (affected)\n',
    );
  });

  test('renderTestPlan: outside git with --dry-run, gives the hint and says "would run"', () => {
    const text = renderTestPlan({
      outsideGitHint: 'git init',
      targets: [{ name: 'log', dir: 'components/log', reason: 'all' }],
      dryRun: true,
    });
    expect(text).toBe(
      'no git repository, so every test runs (git init)\nwould run the tests of 1 folder:\n  components/log (all)\n',
    );
  });

  test('renderTestPlan: with no targets, says there is nothing to test', () => {
    expect(renderTestPlan({ since: 'stable-2', targets: [], dryRun: false })).toBe(
      'changes since stable-2\nnothing to test\n',
    );
  });
});

describe('renderTestProgress', () => {
  test('renderTestProgress: the start gives the file count, a finished file PASS or FAIL with its counts', () => {
    expect(renderTestProgress({ kind: 'start', files: 3 })).toBe('3 test files\n');
    const file = {
      kind: 'file',
      file: 'a.test.ts',
      passed: 2,
      failed: 1,
      skipped: 0,
      milliseconds: 40,
    } as const;
    expect(renderTestProgress({ ...file, status: 'failed' })).toBe(
      'FAIL a.test.ts (2 passed, 1 failed, 40 ms)\n',
    );
    expect(renderTestProgress({ ...file, status: 'passed' })).toBe(
      'PASS a.test.ts (2 passed, 1 failed, 40 ms)\n',
    );
  });
});

describe('renderTestResult', () => {
  test('renderTestResult: with no failures, ends with passed and failed only', () => {
    expect(renderTestResult({ passed: 12, failed: 0, skipped: 0, failedTests: [] })).toBe(
      '\n12 passed, 0 failed\n',
    );
  });

  test('renderTestResult: lists each failure with its message, and adds skipped only when some were', () => {
    const text = renderTestResult({
      passed: 3,
      failed: 2,
      skipped: 2,
      failedTests: [
        { file: 'a.test.ts', name: 'adds', message: 'expected 2' },
        { file: 'b.test.ts', name: '', message: 'cannot find module' },
      ],
    });
    expect(text).toBe(
      '\nFAILED a.test.ts › adds\nexpected 2\n\nFAILED b.test.ts\ncannot find module\n\n3 passed, 2 failed, 2 skipped\n',
    );
  });
});
