const { writeSync } = require('node:fs');

/**
 * Prints the closing line CI reads: "N passed, N failed[, N skipped]", as the very last line of
 * the run (at exit, after jest's own summary). A suite that could not run at all (a syntax or
 * import error) counts as one failure.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    const text = `\n${skipped > 0 ? `${line}, ${skipped} skipped` : line}\n`;
    process.once('exit', () => writeSync(1, text));
  }
}

module.exports = SummaryReporter;
