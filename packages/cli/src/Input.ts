/**
 * Where the numbers come from: arguments, a file or stdin (through effect's `FileSystem` and
 * `Stdio`), one number per line (`Stream.decodeText` + `Stream.splitLines`) or one column of a
 * CSV/TSV file (csv-parse, which reports each record's line). Read as a stream: memory stays flat
 * whatever the size. Used by `check` and `translate` (and the result store's commands).
 *
 * What is a usage error (exit 1, nothing checked): no input, a missing file, a directory, a binary
 * file, a `.csv`/`.tsv` without `--column`, a column that is not in the first row. What is data: a
 * line that cannot be a number (invalid UTF-8, control characters) becomes an item with a `problem`
 * naming its line, so that it gets a `failed` record and nothing else is lost. A read error in the
 * middle of a file ends the items; it is reported by `failure` once what was read is checked.
 *
 * @since 0.1.0
 */
import { parse as parseCsv } from "csv-parse/stream"
import { Channel, Effect, FileSystem, Option, type Scope, Sink, Stdio, Stream } from "effect"
import { type Exit, usage } from "./ExitCode.ts"
import { words } from "./Files.ts"

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
  /** `--delimiter` as given: one character or `tab` (default: detected from the first line among `,`, `;` and tab). */
  readonly delimiter?: string | undefined
}

/** The input flags as parsed (`inputFlags`): numbers as arguments, `--file`, `--column`, `--delimiter`. */
export interface InputFlags {
  readonly numbers: ReadonlyArray<string>
  readonly file: Option.Option<string>
  readonly column: Option.Option<string>
  readonly delimiter: Option.Option<string>
}

/** The {@link InputOptions} the input flags give. */
export const optionsOf = (flags: InputFlags): InputOptions => ({
  numbers: flags.numbers,
  file: Option.getOrUndefined(flags.file),
  column: Option.getOrUndefined(flags.column),
  delimiter: Option.getOrUndefined(flags.delimiter)
})

/** An opened input. */
export interface Input {
  /** The items, in order; never fails (a read error ends it and is kept for `failure`). */
  readonly items: Stream.Stream<InputItem>
  /** Where the numbers come from, for messages: `arguments`, `stdin`, the file name. */
  readonly label: string
  /** Whether the input is a file or stdin (progress is shown for those). */
  readonly streamed: boolean
  /** The file's size in bytes, when known (for progress). */
  readonly size: number | undefined
  /** Bytes read so far. */
  readonly bytesRead: () => number
  /** The error that ended reading early, if any: read it after the items are done. */
  readonly failure: () => Exit | undefined
}

// C0 controls and DEL (numbers never hold one).
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

/** Bytes sniffed for a NUL: text files never hold one (as git and grep decide). */
const SNIFF = 8192

const isBinary = (bytes: Uint8Array): boolean => bytes.subarray(0, SNIFF).includes(0)

/** The delimiters detected, most likely first. */
const DELIMITERS = [",", ";", "\t"] as const

/** The delimiter of a CSV whose first line is `firstLine`: the most frequent of `,`, `;`, tab outside quotes. */
export const detectDelimiter = (firstLine: string): string => {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]))
  let quoted = false
  for (const char of firstLine) {
    if (char === "\"") quoted = !quoted
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1)
  }
  let best: string = ","
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d
  return best
}

/** `--delimiter` as given: one character, or `tab`/`\t`. */
export const parseDelimiter = (text: string): string | undefined => {
  if (text === "tab" || text === "\\t") return "\t"
  return [...text].length === 1 && !/["\r\n]/.test(text) ? text : undefined
}

const isTable = (path: string): boolean => /\.(csv|tsv)$/i.test(path)

/** Which cell of a row holds the number, decided from the first row. */
const columnPicker = (
  column: string,
  first: ReadonlyArray<string>,
  label: string
): { readonly index: number; readonly skipFirst: boolean } | Exit => {
  const names = first.map((h) => JSON.stringify(h.trim())).join(", ")
  if (/^\d+$/.test(column)) {
    const index = Number(column) - 1
    if (index < 0) return usage(`--column ${column}: columns are numbered from 1`)
    if (index >= first.length) {
      return usage(
        `--column ${column}: ${label} has ${first.length} column${first.length === 1 ? "" : "s"} on line 1 (${names})`,
        "is the delimiter right? pass --delimiter ';' or --delimiter tab if the columns are not separated by commas"
      )
    }
    // A first row whose cell has no digit is a header: skip it.
    return { index, skipFirst: !/\d/.test(first[index] ?? "") }
  }
  const wanted = column.trim().toLowerCase()
  const index = first.findIndex((h) => h.trim().toLowerCase() === wanted)
  if (index < 0) {
    return usage(
      `${label}: no column ${JSON.stringify(column)} in the header on line 1 (columns: ${names})`,
      first.length === 1 ? "is the delimiter right? pass --delimiter ';' or --delimiter tab" : undefined
    )
  }
  return { index, skipFirst: true }
}

interface CsvEntry {
  readonly record: ReadonlyArray<string>
  readonly info: { readonly lines: number }
}

/** Items from CSV bytes: one per record, the chosen column's cell. */
const csvItems = (
  bytes: Stream.Stream<Uint8Array, Exit>,
  column: string,
  delimiter: string,
  label: string
): Stream.Stream<InputItem, Exit> =>
  Stream.unwrap(Effect.map(Stream.toReadableStreamEffect(Stream.map(bytes, (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))), (readable) =>
    Stream.fromReadableStream<CsvEntry, Exit>({
      evaluate: () =>
        readable.pipeThrough(
          parseCsv({ bom: true, info: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as unknown as TransformStream<Buffer, CsvEntry>
        ),
      onError: (cause) => {
        if (typeof cause === "object" && cause !== null && (cause as { _tag?: unknown })._tag === "Exit") return cause as Exit
        const e = cause as { code?: string; message?: string; lines?: number }
        return usage(`${label}: not readable as CSV${e.lines === undefined ? "" : ` at line ${e.lines}`}: ${e.message ?? String(cause)}`)
      }
    }))).pipe(
    Stream.mapAccumArray(
      (): { picked: { readonly index: number; readonly skipFirst: boolean } | undefined } => ({ picked: undefined }),
      (state, entries) => {
        const out: Array<InputItem | Exit> = []
        for (const { record, info } of entries) {
          if (state.picked === undefined) {
            const picked = columnPicker(column, record, label)
            if ("_tag" in picked) {
              out.push(picked)
              return [state, out]
            }
            state.picked = picked
            if (picked.skipFirst) continue
          }
          const cell = record[state.picked.index]
          const line = info.lines
          if (cell === undefined) {
            out.push({ line, value: "", problem: `line ${line}: no column ${state.picked.index + 1} (the row has ${record.length})` })
          } else {
            const value = cell.trim()
            if (value.length > 0) out.push(item(value, line))
          }
        }
        return [state, out]
      }
    ),
    Stream.mapEffect((x) => ("_tag" in x ? Effect.fail(x) : Effect.succeed(x)))
  )

/**
 * UTF-8 text, byte-order marks kept: Node's streaming decoder drops a U+FEFF that follows a chunk
 * ending inside a character (it forgets it is past the start), so how stdin happens to be chunked
 * would change the text. A leading mark is whitespace to `trim`, so the first line loses it anyway.
 */
const decodeUtf8 = <E>(bytes: Stream.Stream<Uint8Array, E>): Stream.Stream<string, E> =>
  Stream.pipeThroughChannel(bytes, Channel.decodeText<E, unknown>("utf-8", { ignoreBOM: true }))

/** Items from text bytes: one per non-blank line. */
const lineItems = (bytes: Stream.Stream<Uint8Array, Exit>): Stream.Stream<InputItem, Exit> =>
  bytes.pipe(
    decodeUtf8,
    Stream.splitLines,
    Stream.mapAccumArray(() => 0, (line, texts) => {
      const out: Array<InputItem> = []
      for (const text of texts) {
        line++
        const value = text.trim()
        if (value.length > 0) out.push(item(value, line))
      }
      return [line, out]
    })
  )

/**
 * Open the input. Fails (exit 1) when there is none, the file cannot be opened, or its first bytes
 * show it cannot be a list of numbers; later errors end the items and are reported by `failure()`.
 */
export const open = (
  options: InputOptions
): Effect.Effect<Input, Exit, FileSystem.FileSystem | Stdio.Stdio | Scope.Scope> =>
  Effect.gen(function*() {
    const { file, column, numbers } = options
    if (file === undefined) {
      if (column !== undefined) return yield* usage("--column needs --file (a CSV file, or - for stdin)")
      if (options.delimiter !== undefined) return yield* usage("--delimiter needs --file and --column")
      if (numbers.length === 0) return yield* usage("no numbers", "give them as arguments, or with --file PATH (- for stdin)")
      return {
        items: Stream.fromIterable(numbers.map((value): InputItem => ({ line: undefined, value, problem: undefined }))),
        label: "arguments",
        streamed: false,
        size: undefined,
        bytesRead: () => 0,
        failure: () => undefined
      }
    }
    if (numbers.length > 0) return yield* usage("give numbers as arguments or with --file, not both")
    const given = options.delimiter === undefined ? undefined : parseDelimiter(options.delimiter)
    if (options.delimiter !== undefined && given === undefined) {
      return yield* usage(`--delimiter ${JSON.stringify(options.delimiter)}: give one character, or tab`)
    }
    const label = file === "-" ? "stdin" : file
    const fs = yield* FileSystem.FileSystem
    const stdio = yield* Stdio.Stdio
    let size: number | undefined
    if (file !== "-") {
      const info = yield* Effect.mapError(fs.stat(file), (e) => usage(`cannot read --file ${file}: ${words(e)}`))
      if (info.type === "Directory") return yield* usage(`cannot read --file ${file}: it is a directory`)
      size = Number(info.size)
      if (column === undefined && isTable(file)) {
        return yield* usage(
          `${file} looks like a table (.${file.split(".").pop()!.toLowerCase()}): which column holds the numbers?`,
          "pass --column NAME (a header) or --column N (1-based)"
        )
      }
    }
    let bytes = 0
    const source = (file === "-" ? stdio.stdin : fs.stream(file)).pipe(
      Stream.mapError((e) => usage(`cannot read ${label}: ${words(e)}`)),
      Stream.tap((chunk) => Effect.sync(() => {
        bytes += chunk.byteLength
      }))
    )
    // The first bytes decide, before anything is checked: a binary file is refused, and the CSV
    // delimiter is detected from the first line. (However stdin is chunked, the same bytes decide.)
    const [head, rest] = yield* Stream.peel(
      source,
      Sink.fold((): Array<Uint8Array> => [], (chunks) => chunks.reduce((n, c) => n + c.byteLength, 0) < SNIFF, (chunks, chunk: Uint8Array) =>
        Effect.succeed([...chunks, chunk]))
    )
    const first = Buffer.concat(head)
    // UTF-16 (a byte-order mark first) is what spreadsheets save as "Unicode text": text, but not UTF-8.
    if (first.length >= 2 && ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff))) {
      return yield* usage(`${label} is UTF-16 text: save it as UTF-8 (e.g. "CSV UTF-8" in a spreadsheet, or iconv -f UTF-16 -t UTF-8)`)
    }
    if (isBinary(first)) {
      return yield* usage(
        `${label} is not a text file (it holds NUL bytes): give one number per line, or a CSV file with --column`
      )
    }
    const all = Stream.concat(Stream.fromIterable(head), rest)
    let delimiter = given
    if (column !== undefined && delimiter === undefined) {
      const text = new TextDecoder().decode(first)
      delimiter = /\.tsv$/i.test(file) ? "\t" : detectDelimiter(text.split(/\r?\n/, 1)[0] ?? "")
    }
    let failure: Exit | undefined
    const items = (column === undefined ? lineItems(all) : csvItems(all, column, delimiter ?? ",", label)).pipe(
      Stream.catch((error) => {
        failure = error
        return Stream.empty
      })
    )
    return { items, label, streamed: true, size, bytesRead: () => bytes, failure: () => failure }
  })
