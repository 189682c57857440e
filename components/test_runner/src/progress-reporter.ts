/** Progress of a run, one event per finished test file after one at the start. */
export type TestProgress =
  /** Jest has found the files it will run. */
  | { kind: 'start'; files: number }
  /** One test file finished; `failed` counts a file that could not run at all as one failure. */
  | {
      kind: 'file';
      /** Relative to the root. */
      file: string;
      status: 'passed' | 'failed';
      passed: number;
      failed: number;
      skipped: number;
      milliseconds: number;
    };

/** The environment variable telling the reporter which file descriptor to write its events to. */
export const progressFdVariable = 'POLY_TEST_PROGRESS_FD';

/**
 * A jest reporter writing one JSON line per event to the descriptor named by
 * {@link progressFdVariable}. It is source text, written beside jest's output file at run time,
 * because jest loads reporters by path and a bundled `poly` has no source files beside it.
 * File paths stay absolute here; `runTests` makes them relative to its root.
 */
export const progressReporterSource = `'use strict';
const { writeSync } = require('node:fs');

class PolyProgressReporter {
  constructor() {
    const fd = Number(process.env.${progressFdVariable});
    this.fd = Number.isInteger(fd) && fd > 2 ? fd : undefined;
  }
  emit(event) {
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(event) + '\\n');
  }
  onRunStart(results) {
    this.emit({ kind: 'start', files: results.numTotalTestSuites });
  }
  onTestFileResult(test, result) {
    const broken = result.testExecError ? 1 : 0;
    const failed = result.numFailingTests + broken;
    this.emit({
      kind: 'file',
      file: result.testFilePath,
      status: failed > 0 ? 'failed' : 'passed',
      passed: result.numPassingTests,
      failed,
      skipped: result.numPendingTests + result.numTodoTests,
      milliseconds: result.perfStats ? result.perfStats.end - result.perfStats.start : 0,
    });
  }
}

module.exports = PolyProgressReporter;
`;
