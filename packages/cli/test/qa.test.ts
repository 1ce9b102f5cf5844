/**
 * Defects found by using the built `wa-contacts` as a new user would (branch qa): each test runs the
 * BUILT bin as a real process, as a user types it.
 */
import { describe, expect, it } from "vitest"
import { built, waBin } from "./support/bin.ts"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

const mock = ["--mock", "--latency", "0"]

describe("a bad flag value is said once, in plain words", () => {
  it.each([
    [["--max-wait", "abc"], "--max-wait: \"abc\": expected a duration such as 3s"],
    [["--batch-size", "0"], "--batch-size: \"0\": expected a whole number of at least 1"],
    [["--concurrency", "0"], "--concurrency: \"0\": expected a whole number of at least 1"],
    [["--rate", "-1"], "--rate: \"-1\": expected 0 or more requests per second"]
  ])("check %j: one 'expected', exit 1, stdout empty", async (flags, said) => {
    const run = await waBin(["check", ...mock, ...flags, "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain(said)
    expect(run.stderr).not.toMatch(/expected expected/i)
    expect(run.stderr.trim().split("\n")).toHaveLength(2)
  })

  it.each([
    [["check", "--mock", "--latency", "abc", "1"], "--latency: \"abc\": expected a number"],
    [["mock", "serve", "--port", "x"], "--port: \"x\": expected a number"],
    [["check", ...mock, "--batch-size", "1.5", "1"], "--batch-size: \"1.5\": expected a whole number"]
  ])("%j: the parser's wording is put in the user's words", async (args, said) => {
    const run = await waBin(args)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain(said)
    expect(run.stderr).not.toContain("string representing")
  })
})
