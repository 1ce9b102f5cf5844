/**
 * The CLI on effect's platform (issue #14, item 4): `check` reads its input, writes its output and
 * resumes through the `FileSystem` service, so the whole command runs on an in-memory file system
 * — the same guarantees as on disk, no file touched.
 */
import { describe, expect, it } from "vitest"
import { memoryFileSystem } from "./support/memoryFs.ts"
import { wa } from "./support/inProcess.ts"

const text = (files: Map<string, Uint8Array>, path: string) => new TextDecoder().decode(files.get(path) ?? new Uint8Array(0))
const inputs = (ndjson: string) => ndjson.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { input: string }).input)

describe("check on an in-memory file system", () => {
  it("reads --file and writes --output through FileSystem (lines numbered, blank lines skipped)", async () => {
    const files = new Map([["/in/numbers.txt", new TextEncoder().encode("+16315551000\n\n+16315551002\r\n+16315551004")]])
    const run = await wa(["check", "--mock", "--latency", "0", "--file", "/in/numbers.txt", "--output", "/in/r.ndjson", "-q"], { fileSystem: memoryFileSystem(files) })
    expect(run.code, run.stderr).toBe(0)
    const records = text(files, "/in/r.ndjson").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(records.map((r) => [r["input"], r["line"], r["status"]])).toEqual([
      ["+16315551000", 1, "valid"],
      ["+16315551002", 3, "invalid"],
      ["+16315551004", 4, "valid"]
    ])
  })

  it("--resume drops a cut last line and appends only what is missing", async () => {
    const done = `${JSON.stringify({ input: "+16315551000", status: "valid" })}\n{"input":"+163155`
    const files = new Map([
      ["/in.txt", new TextEncoder().encode("+16315551000\n+16315551002\n")],
      ["/out.ndjson", new TextEncoder().encode(done)]
    ])
    const run = await wa(["check", "--mock", "--latency", "0", "--file", "/in.txt", "--output", "/out.ndjson", "--resume"], { fileSystem: memoryFileSystem(files) })
    expect(run.code, run.stderr).toBe(0)
    expect(inputs(text(files, "/out.ndjson"))).toEqual(["+16315551000", "+16315551002"])
    expect(run.stderr).toContain("1 skipped (already in the output)")
  })

  it("a non-empty output is left as it was without --force; with --force it is replaced", async () => {
    const before = "input,status\n+16315551000,valid\n"
    const files = new Map([["/out.csv", new TextEncoder().encode(before)]])
    const fs = memoryFileSystem(files)
    const refused = await wa(["check", "--mock", "--latency", "0", "--output", "/out.csv", "+16315551002"], { fileSystem: fs })
    expect(refused.code).toBe(1)
    expect(text(files, "/out.csv")).toBe(before)
    const forced = await wa(["check", "--mock", "--latency", "0", "--output", "/out.csv", "--force", "+16315551002", "-q"], { fileSystem: fs })
    expect(forced.code).toBe(0)
    expect(text(files, "/out.csv").split("\n")[1]).toMatch(/^\+16315551002,invalid,/)
  })
})
