export type { TestRunErrorCode } from './errors.ts';
export { TestRunError } from './errors.ts';
export type { FailedTest, TestRunResult } from './jest-results.ts';
export type { TestProgress } from './progress-reporter.ts';
export type { RunOptions } from './run-tests.ts';
export { runTests } from './run-tests.ts';
export type { SelectOptions, TestReason, TestSelection, TestTarget } from './select-tests.ts';
export { selectTests } from './select-tests.ts';
