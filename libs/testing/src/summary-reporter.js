// Prints one plain closing line ("tests: N passed, N failed, N skipped") and names every skipped
// test, so a skipped KurrentDB contract run is visible by name rather than silently absent.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const suite of results.testResults) {
      for (const test of suite.testResults) {
        if (test.status === 'pending' || test.status === 'skipped') skipped.push(test.fullName);
      }
    }
    if (skipped.length > 0) {
      process.stdout.write(`\nSkipped (${skipped.length}):\n`);
      for (const name of skipped.slice(0, 50)) process.stdout.write(`  - ${name}\n`);
      if (skipped.length > 50) process.stdout.write(`  … and ${skipped.length - 50} more\n`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
