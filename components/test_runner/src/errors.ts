/**
 * Why tests could not be chosen or run: `unknown_brick` or `unknown_project` (a name given with
 * --brick or --project), `jest_not_found` (no node_modules/jest under the root) or `jest_failed`
 * (jest ended without writing results, e.g. a broken config).
 */
export type TestRunErrorCode = 'unknown_brick' | 'unknown_project' | 'jest_not_found' | 'jest_failed';

/** Tests that could not be chosen or run (failing tests are a result, not an error); callers branch on `code`. */
export class TestRunError extends Error {
  override readonly name = 'TestRunError';
  constructor(
    readonly code: TestRunErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
