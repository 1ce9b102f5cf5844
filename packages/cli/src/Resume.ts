/**
 * `--resume`: continue an interrupted check from its own output. The inputs already in the output
 * file are skipped (each as many times as it appears, so duplicates in the input stay one record
 * each) and new records are appended; a last line cut short by a kill is dropped first. The
 * output is read as a stream, and the memory it takes shrinks as the run skips what was done.
 *
 * @since 0.1.0
 */
import { parse as parseCsv } from "csv-parse"
import { Effect } from "effect"
import * as fs from "node:fs"
import { type Exit, usage } from "./ExitCode.ts"
import type { Format } from "./Output.ts"

/** What an earlier run already wrote. */
export interface Done {
  /** Records already written. */
  readonly records: number
  /** Whether the file already has content (a CSV header, records): append without a header. */
  readonly started: boolean
  /** Whether the earlier output ended in a cut line that was dropped. */
  readonly droppedPartialLine: boolean
  /**
   * Whether `input` was already done; counts down, so that an input given twice is skipped only
   * as often as it was written.
   */
  readonly take: (input: string) => boolean
}

const nothing: Done = { records: 0, started: false, droppedPartialLine: false, take: () => false }

/** Drop a last line without its newline (a write cut by a kill); returns whether one was dropped. */
const dropPartialLine = (path: string, size: number): boolean => {
  if (size === 0) return false
  const fd = fs.openSync(path, "r+")
  try {
    const last = Buffer.alloc(1)
    fs.readSync(fd, last, 0, 1, size - 1)
    if (last[0] === 0x0a) return false
    // Walk back to the previous newline, 64 KiB at a time.
    let end = size
    const block = Buffer.alloc(65_536)
    while (end > 0) {
      const start = Math.max(0, end - block.length)
      const n = fs.readSync(fd, block, 0, end - start, start)
      const at = block.subarray(0, n).lastIndexOf(0x0a)
      if (at >= 0) {
        fs.ftruncateSync(fd, start + at + 1)
        return true
      }
      end = start
    }
    fs.ftruncateSync(fd, 0)
    return true
  } finally {
    fs.closeSync(fd)
  }
}

async function* lines(path: string): AsyncGenerator<string> {
  let rest = ""
  for await (const text of fs.createReadStream(path, { encoding: "utf8" })) {
    const parts = (rest + (text as string)).split("\n")
    rest = parts.pop() ?? ""
    yield* parts
  }
  if (rest.length > 0) yield rest
}

const readNdjson = async (path: string, counts: Map<string, number>): Promise<number> => {
  let n = 0
  let line = 0
  for await (const text of lines(path)) {
    line++
    if (text.trim() === "") continue
    let input: unknown
    try {
      input = (JSON.parse(text) as { input?: unknown }).input
    } catch {
      throw usage(`--resume: line ${line} of ${path} is not an NDJSON record (was it written with another --format?)`)
    }
    if (typeof input !== "string") throw usage(`--resume: line ${line} of ${path} has no "input"`)
    counts.set(input, (counts.get(input) ?? 0) + 1)
    n++
  }
  return n
}

const readCsv = async (path: string, counts: Map<string, number>): Promise<number> => {
  const parser = fs.createReadStream(path, { encoding: "utf8" }).pipe(parseCsv({ bom: true, relax_column_count: true }))
  let index: number | undefined
  let n = 0
  try {
    for await (const record of parser as AsyncIterable<ReadonlyArray<string>>) {
      if (index === undefined) {
        index = record.indexOf("input")
        if (index < 0) throw usage(`--resume: ${path} has no "input" column in its header (was it written with another --format?)`)
        continue
      }
      const input = record[index]
      if (input === undefined) continue
      counts.set(input, (counts.get(input) ?? 0) + 1)
      n++
    }
  } catch (error) {
    if (typeof error === "object" && error !== null && "_tag" in error) throw error
    throw usage(`--resume: ${path} is not readable as CSV: ${(error as Error).message}`)
  }
  return n
}

/**
 * Read what an earlier run wrote to `path` (NDJSON or CSV) and drop its cut last line. A missing
 * or empty file means nothing was done.
 */
export const load = (path: string, format: Format): Effect.Effect<Done, Exit> =>
  Effect.gen(function*() {
    if (format !== "ndjson" && format !== "csv") {
      return yield* Effect.fail(usage(`--resume needs --format ndjson or csv (not ${format}): only those can be appended to`))
    }
    let size: number
    try {
      size = fs.statSync(path).size
    } catch {
      return nothing
    }
    const dropped = yield* Effect.try({
      try: () => dropPartialLine(path, size),
      catch: (cause) => usage(`--resume: cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`)
    })
    const counts = new Map<string, number>()
    const records = yield* Effect.tryPromise({
      try: () => (format === "csv" ? readCsv(path, counts) : readNdjson(path, counts)),
      catch: (cause) =>
        typeof cause === "object" && cause !== null && "_tag" in cause
          ? (cause as Exit)
          : usage(`--resume: cannot read ${path}: ${String(cause)}`)
    })
    const started = fs.statSync(path).size > 0
    return {
      records,
      started,
      droppedPartialLine: dropped,
      take: (input: string) => {
        const left = counts.get(input)
        if (left === undefined) return false
        if (left <= 1) counts.delete(input)
        else counts.set(input, left - 1)
        return true
      }
    }
  })
