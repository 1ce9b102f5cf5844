/**
 * Output formats: a table for people (aligned, colour only on a terminal), and JSON, NDJSON and CSV
 * for programs (effect's encoders), written as records arrive; the format chosen when none is
 * asked for; a JSON array closed after a failure.
 */
import { describe, expect, it } from "vitest"
import { Effect, Stream } from "effect"
import * as Output from "../src/Output.ts"
import { Tty } from "../src/Tty.ts"

const columns: ReadonlyArray<Output.Column> = [
  { key: "input", header: "INPUT" },
  { key: "status", header: "STATUS", colour: () => "green" },
  { key: "warnings", header: "WARNINGS" },
  { key: "hidden", header: "HIDDEN", table: false }
]

/** Write `batches` in `format` and return every text the target received. */
const written = (
  format: Output.Format,
  batches: ReadonlyArray<ReadonlyArray<Output.Row>>,
  options: { terminal?: boolean; append?: boolean; failAfter?: boolean } = {}
) =>
  Effect.runPromise(Effect.gen(function*() {
    const texts: Array<string> = []
    const target: Output.Target = {
      label: "test",
      isFile: false,
      write: (t) => Effect.sync(() => void texts.push(t)),
      written: () => texts.length > 0,
      isTerminal: options.terminal === true
    }
    const rows = Stream.fromIterable(batches).pipe(
      Stream.flattenIterable,
      Stream.concat(options.failAfter === true ? Stream.fail("boom") : Stream.empty)
    )
    yield* Effect.ignore(Output.write(target, format, columns, rows, { append: options.append }))
    return texts
  }).pipe(Effect.provideService(Tty, { stdout: false, stderr: false, color: true, columns: 80 })))

const rows: ReadonlyArray<Output.Row> = [
  { input: "+1 631", status: "valid", warnings: [], hidden: 1 },
  { input: "a,\"b\"", status: "failed", warnings: ["NO_PLUS", "TOO_SHORT"], hidden: null }
]

describe("formats", () => {
  it("ndjson: one object per record, in column order, every column included", async () => {
    const texts = await written("ndjson", [rows])
    expect(texts.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l))).toEqual([
      { input: "+1 631", status: "valid", warnings: [], hidden: 1 },
      { input: "a,\"b\"", status: "failed", warnings: ["NO_PLUS", "TOO_SHORT"], hidden: null }
    ])
  })

  it("json: a streamed array, closed once at the end, and closed after a failure that follows a record", async () => {
    const texts = await written("json", [[rows[0]!], [rows[1]!]])
    expect(JSON.parse(texts.join(""))).toHaveLength(2)
    expect(texts.join("").endsWith("]\n")).toBe(true)
    expect(JSON.parse((await written("json", [])).join(""))).toEqual([])
    expect(JSON.parse((await written("json", [[rows[0]!]], { failAfter: true })).join(""))).toHaveLength(1)
    // Nothing written before the failure: nothing to close (an --output file is never created).
    expect(await written("json", [], { failAfter: true })).toEqual([])
  })

  it("csv: RFC 4180 quoting, lists joined with ;, null empty; no header when appending", async () => {
    const text = (await written("csv", [rows])).join("")
    expect(text).toBe("input,status,warnings,hidden\n+1 631,valid,,1\n\"a,\"\"b\"\"\",failed,NO_PLUS;TOO_SHORT,\n")
    expect((await written("csv", [rows], { append: true })).join("")).not.toContain("input,status")
  })

  it("table: aligned columns, hidden columns left out, lists joined, empty as -; colour only on a terminal", async () => {
    const plain = (await written("table", [rows])).join("")
    expect(plain.split("\n")).toEqual([
      "INPUT   STATUS  WARNINGS",
      "+1 631  valid   -",
      "a,\"b\"   failed  NO_PLUS,TOO_SHORT",
      ""
    ])
    const coloured = (await written("table", [rows], { terminal: true })).join("")
    expect(coloured).toContain("\u001b[32mvalid")
  })

  it("the format: asked for; else the output file's extension; else table on a terminal, ndjson otherwise", () => {
    expect(Output.chooseFormat("csv", "x.json", true)).toBe("csv")
    expect(Output.chooseFormat(undefined, "x.CSV", true)).toBe("csv")
    expect(Output.chooseFormat(undefined, "x.jsonl", false)).toBe("ndjson")
    expect(Output.chooseFormat(undefined, "x.json", false)).toBe("json")
    expect(Output.chooseFormat(undefined, "x.txt", true)).toBe("ndjson")
    expect(Output.chooseFormat(undefined, undefined, true)).toBe("table")
    expect(Output.chooseFormat(undefined, undefined, false)).toBe("ndjson")
    expect(Output.chooseFormat(undefined, "-", true)).toBe("table")
    expect(Output.isStdout("-")).toBe(true)
  })
})
