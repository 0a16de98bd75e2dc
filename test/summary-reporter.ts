import type { Reporter, TestModule } from 'vitest/node';

/** Prints one closing line, `tests: N passed, N failed, N skipped`, after the default report. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) counts[test.result().state]++;
    }
    const skipped = counts.skipped + counts.pending;
    process.stdout.write(
      `tests: ${counts.passed} passed, ${counts.failed} failed, ${skipped} skipped\n`,
    );
  }
}
