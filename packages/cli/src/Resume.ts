/**
 * `--resume`: continue an interrupted check from its own output. The inputs already in the output
 * file are skipped (each as many times as it appears, so duplicates in the input stay one record
 * each) and new records are appended; a last line cut short by a kill is dropped first. The
 * output is read as a stream (effect's `FileSystem`, `Ndjson` and `Csv` decoders), and the memory
 * it takes shrinks as the run skips what was done. Reusable by any command that appends records
 * with an `input` column.
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Stream } from "effect"
import { Csv, Ndjson } from "effect/encoding"
import { type Exit, usage } from "./ExitCode.ts"
import { words } from "./Files.ts"
import type { Format } from "./Output.ts"

/** The formats `--resume` can continue (those that can be appended to). */
export const RESUMABLE: ReadonlyArray<Format> = ["ndjson", "csv"]

/** Whether a run in `format` can be continued with `--resume`. */
export const canResume = (format: Format): boolean => RESUMABLE.includes(format)

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
  /** How many inputs `take` found done so far (skipped by this run). */
  readonly skipped: () => number
}

const NEWLINE = 0x0a

/** The byte length of the file up to and including its last newline, and its whole size. */
const completeLength = (fs: FileSystem.FileSystem, path: string) =>
  fs.stream(path).pipe(
    Stream.runFold(() => ({ size: 0, complete: 0 }), (acc, chunk: Uint8Array) => {
      const at = chunk.lastIndexOf(NEWLINE)
      if (at >= 0) acc.complete = acc.size + at + 1
      acc.size += chunk.byteLength
      return acc
    })
  )

const count = (counts: Map<string, number>, input: string) => counts.set(input, (counts.get(input) ?? 0) + 1)

const readNdjson = (fs: FileSystem.FileSystem, path: string, counts: Map<string, number>): Effect.Effect<number, Exit> =>
  fs.stream(path).pipe(
    Stream.mapError((e) => usage(`--resume: cannot read ${path}: ${words(e)}`)),
    Stream.pipeThroughChannel(Ndjson.decode({ ignoreEmptyLines: true })),
    Stream.mapError((e) =>
      e._tag === "Exit" ? e : usage(`--resume: ${path} is not an NDJSON file (was it written with another --format?)`)
    ),
    Stream.runFold(() => 0, (n, record: unknown) => {
      const input = typeof record === "object" && record !== null ? (record as { input?: unknown }).input : undefined
      if (typeof input !== "string") return -Infinity
      count(counts, input)
      return n + 1
    }),
    Effect.flatMap((n) => n < 0 ? Effect.fail(usage(`--resume: ${path} holds a record without "input" (was it written by another command?)`)) : Effect.succeed(n))
  )

const readCsv = (fs: FileSystem.FileSystem, path: string, counts: Map<string, number>): Effect.Effect<number, Exit> =>
  fs.stream(path).pipe(
    Stream.mapError((e) => usage(`--resume: cannot read ${path}: ${words(e)}`)),
    Stream.pipeThroughChannel(Csv.decode({ ignoreEmptyLines: true, maxRecordSize: Infinity })),
    Stream.mapError((e) => e._tag === "Exit" ? e : usage(`--resume: ${path} is not readable as CSV (line ${e.line}): ${e.message}`)),
    Stream.runFold((): { index: number | undefined; n: number } => ({ index: undefined, n: 0 }), (acc, record) => {
      const row = record as ReadonlyArray<string>
      if (acc.index === undefined) {
        acc.index = row.indexOf("input")
        return acc
      }
      const input = acc.index < 0 ? undefined : row[acc.index]
      if (input !== undefined) {
        count(counts, input)
        acc.n++
      }
      return acc
    }),
    Effect.flatMap((acc) =>
      acc.index !== undefined && acc.index < 0
        ? Effect.fail(usage(`--resume: ${path} has no "input" column in its header (was it written with another --format?)`))
        : Effect.succeed(acc.n)
    )
  )

/**
 * Read what an earlier run wrote to `path` (NDJSON or CSV) and drop its cut last line. A missing
 * or empty file means nothing was done.
 */
export const load = (path: string, format: Format): Effect.Effect<Done, Exit, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    if (!canResume(format)) {
      return yield* usage(`--resume needs --format ndjson or csv (not ${format}): only those can be appended to`)
    }
    const fs = yield* FileSystem.FileSystem
    const exists = yield* Effect.orElseSucceed(fs.exists(path), () => false)
    if (!exists) return { records: 0, started: false, droppedPartialLine: false, take: () => false, skipped: () => 0 }
    const failed = (e: Parameters<typeof words>[0]) => usage(`--resume: cannot read ${path}: ${words(e)}`)
    const { size, complete } = yield* Effect.mapError(completeLength(fs, path), failed)
    const dropped = complete < size
    if (dropped) yield* Effect.mapError(fs.truncate(path, complete), failed)
    const counts = new Map<string, number>()
    let skipped = 0
    const records = complete === 0 ? 0 : yield* (format === "csv" ? readCsv(fs, path, counts) : readNdjson(fs, path, counts))
    return {
      records,
      started: complete > 0,
      droppedPartialLine: dropped,
      take: (input: string) => {
        const left = counts.get(input)
        if (left === undefined) return false
        if (left <= 1) counts.delete(input)
        else counts.set(input, left - 1)
        skipped++
        return true
      },
      skipped: () => skipped
    }
  })
