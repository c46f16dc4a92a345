/**
 * Lists every test that failed and then passed on its retry (vitest.config.ts gives the e2e
 * and reliability projects one retry), so that a retry never hides a flaky test: CI prints
 * the list just above its "N passed, N failed" line, and each entry is a bug to fix.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node'

export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = []

  onTestCaseResult(test: TestCase): void {
    const d = test.diagnostic()
    if (d?.flaky) this.flaky.push(`${test.module.relativeModuleId} > ${test.fullName} (${d.retryCount} retry)`)
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>): void {
    if (this.flaky.length === 0) return
    console.log(`\n${this.flaky.length} test(s) failed and then passed on retry (flaky, to be fixed):`)
    for (const line of this.flaky) console.log(`  flaky: ${line}`)
  }
}
