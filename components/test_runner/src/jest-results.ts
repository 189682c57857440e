import { relative } from 'node:path';
import { compareText } from '@mousetrap/workspace_model';

/** One failed test, or a test file that could not run (then `name` is empty). */
export interface FailedTest {
  /** Relative to the root. */
  file: string;
  /** The test's full name: its describe titles and its own. */
  name: string;
  message: string;
}

/** The outcome of a run. A file that could not run at all counts as one failure. */
export interface TestRunResult {
  passed: number;
  failed: number;
  skipped: number;
  failedTests: FailedTest[];
  /** Jest's exit code: 0 when everything passed. */
  exitCode: number;
}

/** The part of jest's `--json` output a run reads. */
export interface JestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  testResults: {
    name: string;
    message: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Text without terminal colours, which jest adds when FORCE_COLOR asks it to. */
export const plain = (text: string): string => text.replace(ansi, '');

/** A path jest reports (absolute, real) relative to the real root, with forward slashes. */
export const relativeTo = (realRoot: string, path: string): string =>
  relative(realRoot, path).split('\\').join('/');

/** Counts and failures from jest's `--json` output; paths relative to `realRoot`. */
export function readJestResults(realRoot: string, json: JestJson, exitCode: number): TestRunResult {
  const file = (path: string) => relativeTo(realRoot, path);
  const failedTests = json.testResults.flatMap((suite) => {
    const failures = suite.assertionResults.filter((test) => test.status === 'failed');
    if (failures.length === 0 && suite.message !== '') {
      return [{ file: file(suite.name), name: '', message: plain(suite.message).trim() }];
    }
    return failures.map((test) => ({
      file: file(suite.name),
      name: test.fullName,
      message: plain(test.failureMessages.join('\n')).trim(),
    }));
  });
  return {
    passed: json.numPassedTests,
    failed: json.numFailedTests + json.numRuntimeErrorTestSuites,
    skipped: json.numPendingTests + json.numTodoTests,
    failedTests: failedTests.sort((a, b) => compareText(a.file, b.file) || compareText(a.name, b.name)),
    exitCode,
  };
}
