/**
 * `wa-contacts translate`: offline, what a server registered with `--registered` will make of each
 * input (spec §2 "Phone number translation"), with the lint warnings. No server involved.
 */
import { describe, expect, it } from "vitest"
import { records, wa } from "./support/inProcess.ts"

describe("translate", () => {
  it("on an Indian server a US number without + becomes an Indian number, with a warning", async () => {
    const run = await wa(["translate", "--registered", "+919876543210", "--format", "ndjson", "1-631-555-1002", "+16315551002"])
    expect(run.code).toBe(0)
    const [mistranslated, fine] = records(run)
    expect(mistranslated).toMatchObject({ input: "1-631-555-1002", translated: "+9116315551002", valid: false })
    expect(mistranslated?.["warnings"]).toEqual(expect.arrayContaining(["NO_PLUS", "LIKELY_MISTRANSLATED"]))
    expect(fine).toMatchObject({ input: "+16315551002", translated: "+16315551002", valid: true, warnings: [] })
    expect(Object.keys(fine ?? {})).toEqual(["input", "translated", "valid", "warnings", "messages", "line"])
  })

  it("flags a number given twice", async () => {
    const run = await wa(["translate", "--registered", "+16315550000", "--format", "json", "+16315551000", "1 631 555 1000"])
    const rows = JSON.parse(run.stdout) as Array<{ warnings: Array<string> }>
    expect(rows[1]?.warnings).toContain("DUPLICATE")
  })

  it("a table on a terminal", async () => {
    const run = await wa(["translate", "--registered", "+16315550000", "6315551002"], { terminal: true })
    expect(run.stdout.split("\n")[0]).toMatch(/^INPUT\s+TRANSLATED\s+VALID\s+WARNINGS\s+MESSAGES$/)
  })

  it("needs an international --registered number (exit 1)", async () => {
    expect((await wa(["translate", "--registered", "6315550000", "+16315551000"])).code).toBe(1)
    const saved = process.env["WA_REGISTERED"]
    delete process.env["WA_REGISTERED"]
    try {
      expect((await wa(["translate", "+16315551000"])).code).toBe(1)
    } finally {
      if (saved !== undefined) process.env["WA_REGISTERED"] = saved
    }
  })
})
