/**
 * Where the numbers come from: arguments, a file or stdin, one number per line or one column of a
 * CSV file. Files are read as a stream (flat memory whatever their size). A line that cannot be a
 * number (invalid UTF-8, control characters) is not an error of the run: it becomes an item with a
 * `problem` naming the line, so that it gets a `failed` record and nothing else is lost.
 *
 * @since 0.1.0
 */
import { parse as parseCsv } from "csv-parse"
import { Effect, Stream } from "effect"
import * as fs from "node:fs"
import { pipeline, Readable } from "node:stream"
import { type Exit, usage } from "./ExitCode.ts"

/** One input: its value, its line in the file (`undefined` for arguments), and why it is unusable, if it is. */
export interface InputItem {
  readonly line: number | undefined
  readonly value: string
  readonly problem: string | undefined
}

/** Where to read numbers from. */
export interface InputOptions {
  /** Numbers given as arguments. */
  readonly numbers: ReadonlyArray<string>
  /** A file, or `-` for stdin. */
  readonly file?: string | undefined
  /** Read this CSV column (a header name, or a 1-based index) instead of whole lines. */
  readonly column?: string | undefined
  /** stdin (tests pass their own). */
  readonly stdin?: (() => Readable) | undefined
}

/** An opened input: the items as a stream that never fails, and how far reading got. */
export interface Input {
  /** The items, in order. A read error ends the stream early and is kept in `failure`. */
  readonly items: Stream.Stream<InputItem>
  /** Where the numbers come from, for messages: `arguments`, `stdin`, the file name. */
  readonly label: string
  /** Whether the input is a file or stdin (progress is shown for those). */
  readonly streamed: boolean
  /** The file's size in bytes, when known (for progress). */
  readonly size: number | undefined
  /** Bytes read so far. */
  readonly bytesRead: () => number
  /** The error that ended reading early, if any; check it after the stream is done. */
  readonly failure: () => Exit | undefined
}

// C0 controls and DEL; a tab counts too (numbers never hold one; a TSV file needs --column).
const CONTROL = /[\u0000-\u001f\u007f]/

const hex = (char: string): string => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`

/** Why a line read from a file cannot be a number, naming the line; `undefined` when it may be one. */
export const lineProblem = (value: string, line: number): string | undefined => {
  if (value.includes("\uFFFD")) return `line ${line}: not valid UTF-8`
  const control = CONTROL.exec(value)
  if (control !== null) return `line ${line}: contains a control character (${hex(control[0])})`
  return undefined
}

const item = (value: string, line: number): InputItem => ({ line, value, problem: lineProblem(value, line) })

/** Items per chunk handed to the stream (amortises the per-element cost of async iteration). */
const CHUNK = 1024

async function* plainLines(source: AsyncIterable<string>): AsyncGenerator<ReadonlyArray<InputItem>> {
  let rest = ""
  let line = 0
  let chunk: Array<InputItem> = []
  try {
    for await (const text of source) {
      const parts = (rest + text).split("\n")
      rest = parts.pop() ?? ""
      for (const part of parts) {
        line++
        const value = (line === 1 ? part.replace(/^\uFEFF/, "") : part).replace(/\r$/, "").trim()
        if (value.length > 0) chunk.push(item(value, line))
      }
      if (chunk.length >= CHUNK) {
        yield chunk
        chunk = []
      }
    }
  } catch (error) {
    if (chunk.length > 0) yield chunk
    throw error
  }
  line++
  const last = (line === 1 ? rest.replace(/^\uFEFF/, "") : rest).replace(/\r$/, "").trim()
  if (last.length > 0) chunk.push(item(last, line))
  if (chunk.length > 0) yield chunk
}

const hasDigit = /\d/

/** Which cell of a row holds the number: decided from the first row. */
const columnPicker = (column: string, header: ReadonlyArray<string>, label: string): { readonly index: number; readonly skipFirst: boolean } => {
  if (/^\d+$/.test(column)) {
    const index = Number(column) - 1
    if (index < 0) throw usage(`--column ${column}: columns are numbered from 1`)
    // A first row whose cell has no digit is a header: skip it.
    return { index, skipFirst: !hasDigit.test(header[index] ?? "") }
  }
  const wanted = column.trim().toLowerCase()
  const index = header.findIndex((h) => h.trim().toLowerCase() === wanted)
  if (index < 0) {
    const names = header.map((h) => JSON.stringify(h.trim())).join(", ")
    throw usage(`${label}: no column ${JSON.stringify(column)} in the header on line 1 (columns: ${names})`)
  }
  return { index, skipFirst: true }
}

async function* csvCells(source: AsyncIterable<string>, column: string, label: string): AsyncGenerator<ReadonlyArray<InputItem>> {
  const parser = parseCsv({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true
  })
  // The parser reports every error through its own iteration; pipeline only tears down.
  pipeline(Readable.from(source), parser, () => {})
  let picked: { readonly index: number; readonly skipFirst: boolean } | undefined
  let chunk: Array<InputItem> = []
  try {
    for await (const entry of parser as AsyncIterable<{ readonly record: ReadonlyArray<string>; readonly info: { readonly lines: number } }>) {
      const { record, info } = entry
      if (picked === undefined) {
        picked = columnPicker(column, record, label)
        if (picked.skipFirst) continue
      }
      const cell = record[picked.index]
      const line = info.lines
      if (cell === undefined) {
        chunk.push({ line, value: "", problem: `line ${line}: no column ${picked.index + 1} (the row has ${record.length})` })
      } else {
        const value = cell.trim()
        if (value.length > 0) chunk.push(item(value, line))
      }
      if (chunk.length >= CHUNK) {
        yield chunk
        chunk = []
      }
    }
  } catch (error) {
    // What was read before the error is checked first: nothing read is lost.
    if (chunk.length > 0) yield chunk
    throw error
  }
  if (chunk.length > 0) yield chunk
}

const describeReadError = (label: string, cause: unknown): Exit => {
  if (typeof cause === "object" && cause !== null && "_tag" in cause && (cause as { _tag: string })._tag === "Exit") return cause as Exit
  const e = cause as { code?: string; message?: string; lines?: number }
  if (typeof e.code === "string" && e.code.startsWith("CSV_")) {
    return usage(`${label}: not readable as CSV${e.lines === undefined ? "" : ` at line ${e.lines}`}: ${e.message ?? e.code}`)
  }
  return usage(`cannot read ${label}: ${e.code ?? e.message ?? String(cause)}`)
}

/**
 * Open the input. Fails (exit 1) when there is none, or the file cannot be opened; errors later in
 * the file end the stream and are reported by `failure()` once what was read has been checked.
 */
export const open = (options: InputOptions): Effect.Effect<Input, Exit> =>
  Effect.suspend(() => {
    const { file, column, numbers } = options
    if (file === undefined) {
      if (column !== undefined) return Effect.fail(usage("--column needs --file (a CSV file, or - for stdin)"))
      if (numbers.length === 0) return Effect.fail(usage("no numbers: give them as arguments, or with --file PATH (- for stdin)"))
      return Effect.succeed<Input>({
        items: Stream.fromIterable(numbers.map((value): InputItem => ({ line: undefined, value, problem: undefined }))),
        label: "arguments",
        streamed: false,
        size: undefined,
        bytesRead: () => 0,
        failure: () => undefined
      })
    }
    if (numbers.length > 0) return Effect.fail(usage("give numbers as arguments or with --file, not both"))
    const label = file === "-" ? "stdin" : file
    let size: number | undefined
    if (file !== "-") {
      try {
        const stat = fs.statSync(file)
        if (stat.isDirectory()) return Effect.fail(usage(`cannot read ${file}: it is a directory`))
        size = stat.size
      } catch (cause) {
        return Effect.fail(usage(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((cause as Error).message)}`))
      }
    }
    const source: Readable = file === "-" ? (options.stdin ?? (() => process.stdin))() : fs.createReadStream(file)
    source.setEncoding("utf8")
    let bytes = 0
    // Counted as the text is consumed (a `data` listener would start the flow before anyone reads).
    async function* counted(): AsyncGenerator<string> {
      for await (const text of source as AsyncIterable<string>) {
        bytes += Buffer.byteLength(text)
        yield text
      }
    }
    let failure: Exit | undefined
    const chunks = column === undefined ? plainLines(counted()) : csvCells(counted(), column, label)
    const items = Stream.fromAsyncIterable(chunks, (cause) => describeReadError(label, cause)).pipe(
      Stream.flattenIterable,
      // A read error must not lose what was read before it: end here, report after the check.
      Stream.catch((error) => {
        failure = error
        return Stream.empty
      }),
      Stream.ensuring(Effect.sync(() => {
        if (file !== "-") source.destroy()
      }))
    )
    return Effect.succeed<Input>({
      items,
      label,
      streamed: true,
      size,
      bytesRead: () => bytes,
      failure: () => failure
    })
  })
