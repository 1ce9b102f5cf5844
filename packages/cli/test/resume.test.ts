/**
 * `--resume`: an interrupted run continues from its own output without checking a number twice;
 * the final output holds exactly one record per input. (The kill -9 of a real process is in
 * e2e.test.ts; here the output of an interrupted run is written by hand.)
 */
import { describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import * as Resume from "../src/Resume.ts"
import { wa } from "./support/inProcess.ts"

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-resume-"))
const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "")

describe("resume", () => {
  it("skips inputs already in the NDJSON output, drops a cut last line, appends the rest", async () => {
    const d = dir()
    const input = path.join(d, "numbers.txt")
    fs.writeFileSync(input, ["+16315551000", "+16315551001", "+16315551002", "+16315551004"].join("\n") + "\n")
    const out = path.join(d, "out.ndjson")
    // A first run that got through two numbers, then was killed in the middle of a line.
    fs.writeFileSync(out, [
      JSON.stringify({ input: "+16315551000", status: "valid" }),
      JSON.stringify({ input: "+16315551001", status: "valid" }),
      "{\"input\":\"+16315551002\",\"sta"
    ].join("\n"))
    const run = await wa(["check", "--mock", "--latency", "0", "--file", input, "--output", out, "--resume"])
    expect(run.code).toBe(0)
    const inputs = lines(out).map((l) => (JSON.parse(l) as { input: string }).input)
    expect(inputs).toEqual(["+16315551000", "+16315551001", "+16315551002", "+16315551004"])
    expect(run.stderr).toContain("2 checked")
    expect(run.stderr).toContain("2 skipped (already in the output)")
  })

  it("an input given twice is skipped only as often as it was written", async () => {
    const d = dir()
    const input = path.join(d, "numbers.txt")
    fs.writeFileSync(input, "+16315551000\n+16315551000\n+16315551004\n")
    const out = path.join(d, "out.ndjson")
    fs.writeFileSync(out, JSON.stringify({ input: "+16315551000", status: "valid" }) + "\n")
    await wa(["check", "--mock", "--latency", "0", "--file", input, "--output", out, "--resume"])
    expect(lines(out).map((l) => (JSON.parse(l) as { input: string }).input)).toEqual(["+16315551000", "+16315551000", "+16315551004"])
  })

  it("CSV output: no second header, one record per input", async () => {
    const d = dir()
    const input = path.join(d, "numbers.txt")
    fs.writeFileSync(input, "+16315551000\n+16315551002\n")
    const out = path.join(d, "out.csv")
    await wa(["check", "--mock", "--latency", "0", "--output", out, "+16315551000"])
    await wa(["check", "--mock", "--latency", "0", "--file", input, "--output", out, "--resume"])
    const rows = lines(out)
    expect(rows[0]).toBe("input,status,wa_id,wa_id_trusted,translated,warnings,line,detail")
    expect(rows.slice(1).map((r) => r.split(",")[0])).toEqual(["+16315551000", "+16315551002"])
  })

  it("a missing output file means nothing was done", async () => {
    const d = dir()
    const out = path.join(d, "new.ndjson")
    const run = await wa(["check", "--mock", "--latency", "0", "--output", out, "--resume", "+16315551000"])
    expect(run.code).toBe(0)
    expect(lines(out)).toHaveLength(1)
  })

  it("needs --output, and an appendable format", async () => {
    expect((await wa(["check", "--mock", "--resume", "+16315551000"])).stderr).toContain("--resume needs --output")
    const run = await wa(["check", "--mock", "--resume", "--output", path.join(dir(), "o.json"), "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("--resume needs --format ndjson or csv")
  })

  it("refuses an output written in another format rather than guess", async () => {
    const d = dir()
    const out = path.join(d, "out.ndjson")
    fs.writeFileSync(out, "input,status\n+16315551000,valid\n")
    const run = await wa(["check", "--mock", "--resume", "--output", out, "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("is not an NDJSON file")
  })

  it("Resume.load counts down each input", async () => {
    const out = path.join(dir(), "o.ndjson")
    fs.writeFileSync(out, `${JSON.stringify({ input: "a" })}\n${JSON.stringify({ input: "a" })}\n`)
    const done = await Effect.runPromise(Resume.load(out, "ndjson").pipe(Effect.provide(NodeServices.layer)))
    expect(done.records).toBe(2)
    expect([done.take("a"), done.take("a"), done.take("a"), done.take("b")]).toEqual([true, true, false, false])
  })
})
