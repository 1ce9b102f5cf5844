/**
 * `wa-contacts check` in process against the built-in simulator (`--mock`): one record per input
 * with the documented fields, every format, the summary, version semantics, the processing
 * deadline, and the errors that name what to do.
 */
import { describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { QUICK_START, records, wa, waOnTestClock } from "./support/inProcess.ts"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-"))

describe("check: one record per input, with the documented fields", () => {
  it("the vendor's sample: valid, invalid and failed rows, processing resolved by polling, exit 0", async () => {
    const run = await wa(["check", "--mock", "--no-wait", ...QUICK_START])
    expect(run.code).toBe(0)
    const rows = records(run)
    expect(rows.map((r) => [r["input"], r["status"]])).toEqual([
      ["16315551000", "valid"],
      ["+1 631 555 1001", "valid"],
      ["6315551002", "invalid"],
      ["+1 (631) 555-1004", "valid"],
      ["1-631-555-1005", "valid"],
      ["+163155588", "failed"]
    ])
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(["input", "status", "wa_id", "wa_id_trusted", "translated", "warnings", "line", "detail"])
    }
    expect(rows[0]).toMatchObject({ wa_id: "16315551000", wa_id_trusted: true, translated: "+16315551000", warnings: ["NO_PLUS"] })
    expect(rows[2]).toMatchObject({ wa_id: null, wa_id_trusted: false })
    expect(rows[5]?.["warnings"]).toContain("TOO_SHORT")
    // The summary: counts per status, requests (with the re-sends of the no_wait recipe), semantics.
    expect(run.stderr).toMatch(/6 checked in [\d.]+ s: 4 valid, 1 invalid, 1 failed, 0 processing/)
    expect(run.stderr).toMatch(/re-sent while processing/)
    expect(run.stderr).toContain("semantics: legacy")
    expect(run.stderr).toContain("valid = has WhatsApp")
  })

  it("a table for people when stdout is a terminal: a header and aligned columns", async () => {
    const run = await wa(["check", "--mock", ...QUICK_START], { terminal: true })
    expect(run.code).toBe(0)
    const lines = run.stdout.split("\n")
    expect(lines[0]).toMatch(/^INPUT\s+STATUS\s+WA_ID\s+TRANSLATED\s+WARNINGS\s+DETAIL$/)
    expect(lines).toHaveLength(7)
    const statusColumn = lines[0]!.indexOf("STATUS")
    for (const line of lines.slice(1)) expect(line.slice(statusColumn)).toMatch(/^(valid|invalid|failed)\s/)
    expect(run.stdout).not.toContain("\u001b[")
  })

  it("--format json is one array, csv has a header, ndjson one object per line", async () => {
    const json = await wa(["check", "--mock", "--format", "json", ...QUICK_START])
    const array = JSON.parse(json.stdout) as Array<Record<string, unknown>>
    expect(array.map((r) => r["status"])).toEqual(["valid", "valid", "invalid", "valid", "valid", "failed"])

    const csv = await wa(["check", "--mock", "--format", "csv", ...QUICK_START])
    const lines = csv.stdout.split("\n")
    expect(lines[0]).toBe("input,status,wa_id,wa_id_trusted,translated,warnings,line,detail")
    expect(lines[2]).toBe("+1 631 555 1001,valid,16315551001,true,+16315551001,,,")
    expect(lines).toHaveLength(7)

    const ndjson = await wa(["check", "--mock", "--format", "ndjson", "+16315551000"])
    expect(records(ndjson)).toHaveLength(1)
  })

  it("an empty result is still valid output in every format", async () => {
    const dir = tmp()
    const file = path.join(dir, "empty.txt")
    fs.writeFileSync(file, "\n\n")
    expect((await wa(["check", "--mock", "--file", file, "--format", "json"])).stdout).toBe("[]")
    expect((await wa(["check", "--mock", "--file", file, "--format", "csv"])).stdout).toBe("input,status,wa_id,wa_id_trusted,translated,warnings,line,detail")
  })

  it("--output writes the file, its format taken from the extension", async () => {
    const dir = tmp()
    const out = path.join(dir, "results.csv")
    const run = await wa(["check", "--mock", "--output", out, "+16315551000", "+16315551002"])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe("")
    expect(fs.readFileSync(out, "utf8").split("\n")[0]).toBe("input,status,wa_id,wa_id_trusted,translated,warnings,line,detail")
  })

  it("a repurposed server (--api-version 2.45.1): valid says nothing about WhatsApp and the wa_id is untrusted", async () => {
    const run = await wa(["check", "--mock", "--api-version", "2.45.1", "+16315551000", "+16315551002"])
    const rows = records(run)
    expect(rows[0]).toMatchObject({ status: "valid", wa_id_trusted: false })
    expect(rows[1]?.["status"]).toBe("valid")
    expect(run.stderr).toContain("semantics: repurposed")
    expect(run.stderr).toContain("says nothing about WhatsApp")
  })

  it("--wait asks the server to wait for every lookup: no re-sends", async () => {
    const run = await wa(["check", "--mock", "--wait", "--latency", "50", "+16315551000", "+16315551003"])
    expect(run.code).toBe(0)
    expect(records(run).map((r) => r["status"])).toEqual(["valid", "invalid"])
    expect(run.stderr).toMatch(/1 request\b/)
    expect(run.stderr).not.toMatch(/re-sent/)
  })

  it("--quiet prints no summary", async () => {
    const run = await wa(["check", "--mock", "--quiet", "+16315551000"])
    expect(run.stderr).toBe("")
  })
})

describe("check: exit codes", () => {
  it("4 when some contacts are still processing at the deadline; their records are written (on a TestClock)", async () => {
    // A lookup that takes a minute, a deadline of 5 s: simulated time, no real wait.
    const run = await waOnTestClock(["check", "--mock", "--no-wait", "--latency", "60000", "--max-wait", "5s", "+16315551000"])
    expect(run.code).toBe(4)
    expect(records(run)).toMatchObject([{ input: "+16315551000", status: "processing" }])
    expect(run.stderr).toMatch(/1 still processing at the deadline/)
  })

  it("1 with no server configured, naming --base-url, WA_BASE_URL and --mock", async () => {
    const saved = process.env["WA_BASE_URL"]
    delete process.env["WA_BASE_URL"]
    try {
      const run = await wa(["check", "+16315551000"])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain("--base-url")
      expect(run.stderr).toContain("WA_BASE_URL")
      expect(run.stderr).toContain("--mock")
    } finally {
      if (saved !== undefined) process.env["WA_BASE_URL"] = saved
    }
  })

  it("1 with no numbers, and for numbers given both ways", async () => {
    expect((await wa(["check", "--mock"])).code).toBe(1)
    const dir = tmp()
    const file = path.join(dir, "n.txt")
    fs.writeFileSync(file, "+16315551000\n")
    const both = await wa(["check", "--mock", "--file", file, "+16315551000"])
    expect(both.code).toBe(1)
    expect(both.stderr).toContain("not both")
  })

  it("1 for a flag value the parser rejects (with the help)", async () => {
    const run = await wa(["check", "--mock", "--format", "xml", "+16315551000"])
    expect(run.code).toBe(1)
  })

  it("1 for a missing input file, naming it", async () => {
    const run = await wa(["check", "--mock", "--file", "/nonexistent/numbers.txt"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("/nonexistent/numbers.txt")
    expect(run.stderr).toContain("no such file")
  })
})
