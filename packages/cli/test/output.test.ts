/**
 * Output formats: a table for people (aligned, colour only on a terminal), and JSON, NDJSON and CSV
 * for programs, written as records arrive; the format chosen when none is asked for.
 */
import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import * as Output from "../src/Output.ts"
import { Tty } from "../src/Tty.ts"

const columns: ReadonlyArray<Output.Column> = [
  { key: "input", header: "INPUT" },
  { key: "status", header: "STATUS", colour: () => "green" },
  { key: "warnings", header: "WARNINGS" },
  { key: "hidden", header: "HIDDEN", table: false }
]

/** Write `batches` in `format` and return every text the target received. */
const written = (format: Output.Format, batches: ReadonlyArray<ReadonlyArray<Output.Row>>, options: { terminal?: boolean; append?: boolean } = {}) =>
  Effect.runPromise(Effect.gen(function*() {
    const texts: Array<string> = []
    const target: Output.Target = { write: (t) => Effect.sync(() => void texts.push(t)), close: Effect.void, isTerminal: options.terminal === true }
    const writer = yield* Output.writer(format, columns, target, { append: options.append })
    for (const batch of batches) yield* writer.write(batch)
    yield* writer.end
    yield* writer.end
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

  it("json: a streamed array; every write is whole lines, and the end closes it (once)", async () => {
    const texts = await written("json", [[rows[0]!], [rows[1]!]])
    for (const t of texts) expect(t.endsWith("\n")).toBe(true)
    expect(JSON.parse(texts.join(""))).toHaveLength(2)
    expect(texts.join("").split("\n").filter((l) => l === "]")).toHaveLength(1)
    expect(await written("json", [])).toEqual(["[]\n"])
  })

  it("csv: RFC 4180 quoting, lists joined with ;, null empty; no header when appending", async () => {
    const text = (await written("csv", [rows])).join("")
    expect(text).toBe("input,status,warnings,hidden\n+1 631,valid,,1\n\"a,\"\"b\"\"\",failed,NO_PLUS;TOO_SHORT,\n")
    expect((await written("csv", [rows], { append: true })).join("")).not.toContain("input,status")
    expect(Output.csvField(" padded")).toBe("\" padded\"")
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
  })
})
