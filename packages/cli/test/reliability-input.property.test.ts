/**
 * Reliability (issue #8), property tests of the CLI's reader (`Input`, on effect's `FileSystem` and `Stdio`): arbitrary bytes, in
 * a file or on stdin cut into arbitrary chunks, give records or a clear error (an `Exit` with a
 * message), never a crash; lines keep their numbers; a line that is not valid UTF-8 or holds a
 * control character becomes an item with a problem naming its line; how stdin is chunked changes
 * nothing.
 */
import { describe, expect, it } from "vitest"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, Stream } from "effect"
import fc from "fast-check"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Exit as CliExit } from "../src/ExitCode.ts"
import { type InputItem, type InputOptions, open } from "../src/Input.ts"
import { testStdio } from "./support/inProcess.ts"

const RUNS = process.env["WA_FULL"] === "1" ? 1_000 : 150
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wa-input-prop-"))
let fileNo = 0

interface Read {
  readonly items: ReadonlyArray<InputItem>
  readonly failure: CliExit | undefined
}

/** Open and read everything; a defect or an unexpected error fails the property. */
const read = async (options: InputOptions, stdin: ReadonlyArray<Uint8Array> = []): Promise<Read | CliExit> => {
  const exit = await Effect.runPromiseExit(Effect.scoped(Effect.gen(function*() {
    const input = yield* open(options)
    const items = yield* Stream.runCollect(input.items)
    return { items: [...items], failure: input.failure() }
  })).pipe(Effect.provide(testStdio([], stdin)), Effect.provide(NodeServices.layer)))
  if (Exit.isSuccess(exit)) return exit.value
  expect(Cause.hasDies(exit.cause), Cause.pretty(exit.cause)).toBe(false)
  const error = Cause.squash(exit.cause)
  expect(error).toBeInstanceOf(CliExit)
  return error as CliExit
}

const fromFile = (bytes: Uint8Array, column?: string) => {
  const file = path.join(dir, `in-${fileNo++}`)
  fs.writeFileSync(file, bytes)
  return read({ numbers: [], file, column })
}

const fromStdin = (chunks: ReadonlyArray<Uint8Array>, column?: string) =>
  read({ numbers: [], file: "-", column }, chunks)

/** Cut `bytes` at the given points. */
const cut = (bytes: Uint8Array, points: ReadonlyArray<number>): Array<Uint8Array> => {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Array<Uint8Array> = []
  let start = 0
  for (const p of [...sorted, bytes.length]) {
    if (p > start) chunks.push(bytes.subarray(start, p))
    start = Math.max(start, p)
  }
  return chunks
}

/** Bytes that look like a numbers file: digits, separators, newlines, multi-byte characters and junk. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.array(fc.oneof(
    fc.constantFrom("+1 631 555 1001", "16315551000", "\n", "\r\n", ",", "\"", "\uFEFF", "é", "٣", "😀", "\u0000", "\t", "phone,name\n"),
    fc.string({ unit: "binary", maxLength: 20 })
  ), { maxLength: 40 }).map((parts) => new Uint8Array(Buffer.from(parts.join(""), "utf8")))
)

const isExit = (r: Read | CliExit): r is CliExit => r instanceof CliExit

describe("the line and CSV reader survives arbitrary bytes (fast-check)", () => {
  it("one number per line: records or a clear error; lines increase; problems name their line", async () => {
    const tally = { runs: 0, items: 0, problems: 0, errors: 0 }
    await fc.assert(fc.asyncProperty(bytes, async (b) => {
      const r = await fromFile(b)
      tally.runs++
      if (isExit(r)) {
        tally.errors++
        expect(r.message.length).toBeGreaterThan(0)
        return
      }
      // Lines end at \n, \r\n or a lone \r (as Stream.splitLines reads them).
      const lines = Buffer.from(b).toString("utf8").split(/\r\n|\r|\n/).length
      let last = 0
      for (const item of r.items) {
        tally.items++
        expect(item.line!).toBeGreaterThan(last)
        expect(item.line!).toBeLessThanOrEqual(lines)
        last = item.line!
        expect(item.value.trim()).toBe(item.value)
        expect(item.value.length).toBeGreaterThan(0)
        if (item.problem !== undefined) {
          tally.problems++
          expect(item.problem.startsWith(`line ${item.line}: `)).toBe(true)
        } else {
          expect(item.value).not.toMatch(/[\u0000-\u001f\u007f\uFFFD]/)
        }
      }
    }), { numRuns: RUNS })
    console.log(`[reliability] line reader: ${tally.runs} arbitrary files, ${tally.items} items (${tally.problems} with a problem naming the line), ${tally.errors} clear errors, 0 crashes`)
  }, 60_000)

  it("stdin cut into arbitrary chunks reads exactly as the whole file (multi-byte characters split across chunks included)", async () => {
    await fc.assert(fc.asyncProperty(bytes, fc.array(fc.nat(), { maxLength: 12 }), async (b, points) => {
      const whole = await fromFile(b)
      const chunked = await fromStdin(cut(b, points))
      expect(isExit(chunked)).toBe(isExit(whole))
      if (!isExit(whole) && !isExit(chunked)) expect(chunked.items).toEqual(whole.items)
    }), { numRuns: RUNS })
  }, 60_000)

  it("a U+FEFF after a chunk that ends inside a character is kept, as in the whole file (found by the property above)", async () => {
    const b = Uint8Array.from([224, 160, 128, 239, 187, 191, 194, 128])
    const whole = await fromFile(b)
    const chunked = await fromStdin(cut(b, [1]))
    expect(isExit(whole)).toBe(false)
    expect(chunked).toEqual(whole)
    expect((whole as { items: ReadonlyArray<{ value: string }> }).items[0]!.value).toContain("\uFEFF")
  })

  it("a CSV column (by index or by header): records or a clear error, never a crash", async () => {
    const tally = { runs: 0, items: 0, readErrors: 0, openErrors: 0 }
    await fc.assert(fc.asyncProperty(bytes, fc.constantFrom("1", "2", "phone", "0"), fc.array(fc.nat(), { maxLength: 6 }), async (b, column, points) => {
      for (const r of [await fromFile(b, column), await fromStdin(cut(b, points), column)]) {
        tally.runs++
        if (isExit(r)) {
          tally.openErrors++
          expect(r.message.length).toBeGreaterThan(0)
          continue
        }
        tally.items += r.items.length
        if (r.failure !== undefined) {
          tally.readErrors++
          expect(r.failure).toBeInstanceOf(CliExit)
          expect(r.failure.message.length).toBeGreaterThan(0)
        }
        for (const item of r.items) if (item.problem !== undefined) expect(item.problem).toMatch(/^line \d+: /)
      }
    }), { numRuns: RUNS })
    console.log(`[reliability] CSV reader: ${tally.runs} arbitrary inputs, ${tally.items} items, ${tally.readErrors} clear read errors, ${tally.openErrors} clear open errors, 0 crashes`)
  }, 60_000)
})
