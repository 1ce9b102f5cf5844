// The project's one test command (README quick start, `pnpm test`, .ci/run): type check, build
// what the end-to-end tests execute, run vitest, then print the plain `N passed, N failed` line
// computed from vitest's own JSON report. A run that executed no test fails.
import { spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")
const extra = process.argv.slice(2)

const step = (label: string, cmd: string, args: ReadonlyArray<string>): number => {
  process.stderr.write(`\n▶ ${label}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" })
  return r.status ?? 1
}

const fail = (why: string): never => {
  process.stderr.write(`\n${why}\n`)
  console.log("0 passed, 1 failed")
  process.exit(1)
}

if (step("type check", "pnpm", ["exec", "tsc", "-p", "tsconfig.json"]) !== 0) fail("type check failed")
if (step("lint", "node", ["scripts/lint.ts"]) !== 0) fail("lint failed")
if (step("build", "pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"]) !== 0) fail("build failed")

const reportDir = join(root, "test-results")
const report = join(reportDir, "vitest.json")
mkdirSync(reportDir, { recursive: true })
rmSync(report, { force: true })
const code = step("tests", "pnpm", [
  "exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra
])

interface Report {
  numPassedTests: number; numFailedTests: number; numPendingTests: number; numTotalTests: number
  testResults?: Array<{ assertionResults?: Array<{ status: string; fullName: string }> }>
}
let summary: Report
try {
  summary = JSON.parse(readFileSync(report, "utf8")) as Report
} catch {
  fail(`vitest wrote no report (exit ${code})`)
  throw new Error("unreachable")
}
const failed = summary.numFailedTests + (code !== 0 && summary.numFailedTests === 0 ? 1 : 0)
const skipped = summary.numPendingTests
// A suite that cannot run here (e.g. the browser tests without Chromium) is named, not hidden.
const skippedNames = (summary.testResults ?? []).flatMap((file) =>
  (file.assertionResults ?? []).filter((t) => t.status === "pending" || t.status === "skipped").map((t) => t.fullName)
)
if (skippedNames.length > 0) process.stderr.write(`\nskipped:\n${skippedNames.map((n) => `  - ${n}`).join("\n")}\n`)
console.log(`${summary.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
if (summary.numPassedTests === 0) {
  process.stderr.write("no test ran: that is a failure\n")
  process.exit(1)
}
process.exit(failed > 0 ? 1 : 0)
