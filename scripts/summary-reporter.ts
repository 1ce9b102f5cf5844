// A vitest reporter for scripts/test.ts: it writes what the summary line needs to the JSON file
// named by WA_SUMMARY_FILE. Unlike vitest's JSON report it tells apart a test file that failed to
// load, a suite whose hook failed (its tests then read "skipped"), unhandled errors, and tests that
// were really skipped (with the suite they belong to and the note given to `skip`).
import type { Reporter, SerializedError, TestCase, TestModule, TestSuite } from "vitest/node"
import { writeFileSync } from "node:fs"

/** What scripts/test.ts reads. */
export interface Summary {
  readonly passed: number
  /** Failed tests, as `file › full name: first error line`. */
  readonly failedTests: ReadonlyArray<string>
  /** Files that did not load or failed outside any test, and suites whose hooks failed. */
  readonly failedUnits: ReadonlyArray<string>
  /** Errors vitest caught outside every test (a rejected promise nobody awaited, ...). */
  readonly unhandled: ReadonlyArray<string>
  /** Skipped tests, grouped: `file › suite: N tests (note)` or `file › test`. */
  readonly skipped: ReadonlyArray<string>
  readonly skippedCount: number
}

const firstLine = (errors: ReadonlyArray<SerializedError> | undefined): string =>
  (errors?.[0]?.message ?? "").split("\n")[0] ?? ""

/** Whether a test or one of its enclosing suites has errors of its own (a failed hook). */
const underFailedSuite = (test: TestCase): boolean => {
  for (let p: TestSuite | TestModule = test.parent; ; p = p.parent) {
    if (p.errors().length > 0) return true
    if (p.type === "module") return false
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0
    let skippedCount = 0
    const failedTests: Array<string> = []
    const failedUnits: Array<string> = []
    const skippedGroups = new Map<string, { readonly where: string; readonly note: string; readonly tests: Array<string> }>()
    for (const module of modules) {
      const file = module.relativeModuleId
      let failuresInside = 0
      if (module.errors().length > 0) {
        failedUnits.push(`${file}: ${firstLine(module.errors()) || "failed to load"}`)
        failuresInside++
      }
      for (const suite of module.children.allSuites()) {
        if (suite.errors().length > 0) {
          failedUnits.push(`${file} › ${suite.fullName}: ${firstLine(suite.errors())}`)
          failuresInside++
        }
      }
      for (const test of module.children.allTests()) {
        const result = test.result()
        if (result.state === "passed") passed++
        else if (result.state === "failed") {
          failedTests.push(`${file} › ${test.fullName}: ${firstLine(result.errors)}`)
          failuresInside++
        } else if (result.state === "skipped" && !underFailedSuite(test)) {
          skippedCount++
          const where = test.parent.type === "suite" ? `${file} › ${test.parent.fullName}` : file
          const note = result.note ?? (test.options.mode === "todo" ? "todo" : "")
          const key = `${where}\u0000${note}`
          const group = skippedGroups.get(key) ?? { where, note, tests: [] }
          group.tests.push(test.name)
          skippedGroups.set(key, group)
        }
      }
      // A file vitest marks failed without any failure found above still failed: count it.
      if (module.state() === "failed" && failuresInside === 0) failedUnits.push(`${file}: failed (no test failed in it)`)
    }
    const skipped = [...skippedGroups.values()].map(({ note, tests, where }) => {
      const why = note === "" ? "" : ` (${note})`
      return tests.length > 3 ? `${where}: ${tests.length} tests${why}` : `${where} › ${tests.join(", ")}${why}`
    })
    const summary: Summary = {
      passed,
      failedTests,
      failedUnits,
      unhandled: unhandledErrors.map((e) => firstLine([e]) || "unhandled error"),
      skipped,
      skippedCount
    }
    const out = process.env["WA_SUMMARY_FILE"]
    if (out !== undefined) writeFileSync(out, JSON.stringify(summary, null, 2))
  }
}
