import type { FailedTest, TestProgress, TestRunResult, TestTarget } from '@mousetrap/test_runner';

/** What `poly test` is about to do, before jest starts. */
export interface TestPlan {
  /** The point the changes are counted from, when they were. */
  since?: string;
  /** Set outside git, where every test runs: how to start a history to compare with. */
  outsideGitHint?: string;
  targets: readonly TestTarget[];
  dryRun: boolean;
}

/** `poly test`'s opening: what the selection was based on, then the folders it runs (or would run). */
export function renderTestPlan(plan: TestPlan): string {
  const lines: string[] = [];
  if (plan.since !== undefined) lines.push(`changes since ${plan.since}`);
  if (plan.outsideGitHint !== undefined) {
    lines.push(`no git repository, so every test runs (${plan.outsideGitHint})`);
  }
  const { targets } = plan;
  if (targets.length === 0) lines.push('nothing to test');
  else {
    const folders = targets.length === 1 ? 'folder' : 'folders';
    lines.push(`${plan.dryRun ? 'would run' : 'running'} the tests of ${targets.length} ${folders}:`);
    for (const target of targets) lines.push(`  ${target.dir} (${target.reason})`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line per progress event: the number of test files at the start, then PASS or FAIL per file. */
export function renderTestProgress(event: TestProgress): string {
  if (event.kind === 'start') return `${event.files} test files\n`;
  const verdict = event.status === 'passed' ? 'PASS' : 'FAIL';
  return `${verdict} ${event.file} (${event.passed} passed, ${event.failed} failed, ${event.milliseconds} ms)\n`;
}

// The closing line, the same line CI reads from jest: `N passed, N failed[, N skipped]`.
function formatSummary(result: Pick<TestRunResult, 'passed' | 'failed' | 'skipped'>): string {
  const line = `${result.passed} passed, ${result.failed} failed`;
  return result.skipped > 0 ? `${line}, ${result.skipped} skipped` : line;
}

/** `poly test`'s ending: each failure with its message, then `N passed, N failed[, N skipped]`. */
export function renderTestResult(
  result: Pick<TestRunResult, 'passed' | 'failed' | 'skipped'> & {
    failedTests: readonly FailedTest[];
  },
): string {
  const failures = result.failedTests.map(
    (failure) => `\nFAILED ${failure.file}${failure.name ? ` › ${failure.name}` : ''}\n${failure.message}\n`,
  );
  return `${failures.join('')}\n${formatSummary(result)}\n`;
}
