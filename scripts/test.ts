// The project's one test command (README quick start, `pnpm test`, .ci/run): type check, build
// what the end-to-end tests execute, run vitest, then print the plain `N passed, N failed` line.
// The line is honest: a failing type check, lint or build, a test file that failed to load, a
// suite whose hook failed and an error outside every test each count as one failure, and the names
// of everything that failed or was skipped are printed above it. A run that executed no test fails.
import { spawnSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import type { Summary } from "./summary-reporter.ts"

const root = join(import.meta.dirname, "..")
const extra = process.argv.slice(2)

const step = (label: string, cmd: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env): number => {
  process.stderr.write(`\n▶ ${label}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env })
  return r.status ?? 1
}

const fail = (why: string): never => {
  process.stderr.write(`\n${why}\n`)
  console.log("0 passed, 1 failed")
  process.exit(1)
}

// A failing step is one failure, named above the line; the tests still run, so that a type error
// in one test file does not hide how the rest of the suite stands.
const failedSteps: Array<string> = []
if (step("type check", "pnpm", ["exec", "tsc", "-p", "tsconfig.json"]) !== 0) failedSteps.push("type check (pnpm exec tsc -p tsconfig.json)")
if (step("lint", "node", ["scripts/lint.ts"]) !== 0) failedSteps.push("lint (node scripts/lint.ts)")
if (step("build", "pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"]) !== 0) failedSteps.push("build (turbo run build)")

const reportDir = join(root, "test-results")
const report = join(reportDir, "summary.json")
mkdirSync(reportDir, { recursive: true })
rmSync(report, { force: true })
const code = step(
  "tests",
  "pnpm",
  ["exec", "vitest", "run", "--reporter=default", "--reporter=./scripts/summary-reporter.ts", ...extra],
  { ...process.env, WA_SUMMARY_FILE: report }
)

let summary: Summary
try {
  summary = JSON.parse(readFileSync(report, "utf8")) as Summary
} catch {
  fail(`vitest wrote no summary (exit ${code})${failedSteps.length > 0 ? `; failed steps: ${failedSteps.join(", ")}` : ""}`)
  throw new Error("unreachable")
}

const section = (title: string, lines: ReadonlyArray<string>) => {
  if (lines.length > 0) console.log(`\n${title}\n${lines.map((l) => `  ${l}`).join("\n")}`)
}
section(`skipped (${summary.skippedCount}):`, summary.skipped)
section("failed steps (each counts as one failure):", failedSteps)
section("failed to load or failed outside a test (each counts as one failure):", summary.failedUnits)
section("errors outside every test (each counts as one failure):", summary.unhandled)
section("failed tests:", summary.failedTests)

let failed = failedSteps.length + summary.failedTests.length + summary.failedUnits.length + summary.unhandled.length
// vitest failed for a reason none of the above shows (a crash, a bad flag): that is a failure too.
if (code !== 0 && failed === failedSteps.length) {
  console.log(`\nvitest exited with code ${code} without a failing test: counted as one failure`)
  failed = 1
}
const skipped = summary.skippedCount
console.log(`\n${summary.passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
if (summary.passed === 0) {
  process.stderr.write("no test ran: that is a failure\n")
  process.exit(1)
}
process.exit(failed > 0 ? 1 : 0)
