/**
 * Writing records as they arrive, in the format asked for: an aligned table for people, JSON, NDJSON
 * or CSV for programs (encoded by effect's `Ndjson`, `JsonArray` and `Csv` encoders), to stdout
 * or a file. Used by every command that prints records (and by the result store's commands).
 *
 * The guarantees:
 * - streamed: records are written chunk by chunk as they come, memory stays flat;
 * - crash-safe: a written record is in the file (a kill leaves complete lines, at most the last
 *   one cut, which `--resume` drops);
 * - never destructive: an output file is opened only when the first record is ready (a run that
 *   fails before that leaves an existing file as it was), and a non-empty file is overwritten only
 *   with `--force` (or appended to with `--resume`);
 * - a JSON array is closed even when the run fails or is interrupted after its first record;
 * - `-` is stdout; a reader that goes away (`| head -1`) is a quiet stop (`OutputError.brokenPipe`).
 *
 * @since 0.1.0
 */
import { Effect, FileSystem, Option, Scope, Stdio, Stream } from "effect"
import { Csv, JsonArray, Ndjson } from "effect/encoding"
import { dirname } from "node:path"
import { type Exit, usage } from "./ExitCode.ts"
import { codeOf, OutputError, words } from "./Files.ts"
import { Tty } from "./Tty.ts"

/** The output formats. */
export const FORMATS = ["table", "json", "ndjson", "csv"] as const

/** One of the output formats. */
export type Format = typeof FORMATS[number]

/** The output flags as parsed (`formatFlag`, `outputFlag`, `forceFlag`) of every command that writes records. */
export interface OutputFlags {
  readonly format: Option.Option<Format>
  readonly output: Option.Option<string>
  readonly force: boolean
}

/** A value in a record. */
export type Cell = string | number | boolean | null | ReadonlyArray<string>

/** One output record: column key → value. */
export type Row = Readonly<Record<string, Cell>>

/** How a value is coloured in a table. */
export type Colour = "green" | "yellow" | "red" | "cyan" | "dim" | undefined

/** A column of the output. Every column goes to JSON, NDJSON and CSV; `table: false` hides it from the table. */
export interface Column {
  readonly key: string
  readonly header: string
  readonly table?: boolean
  /** How the table shows the value (default: the value, lists joined with `,`, null as `-`). */
  readonly show?: (row: Row) => string
  readonly colour?: (row: Row) => Colour
}

/** Whether an `--output` value means stdout (absent, or `-` as for `--file -`). */
export const isStdout = (path: string | undefined): path is undefined | "-" => path === undefined || path === "-"

/** Guess the format from an output file's extension (`.csv`, `.json`, `.ndjson`/`.jsonl`). */
export const formatOfPath = (path: string): Format | undefined => {
  const lower = path.toLowerCase()
  if (lower.endsWith(".csv")) return "csv"
  if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) return "ndjson"
  if (lower.endsWith(".json")) return "json"
  return undefined
}

/**
 * The format to use: the one asked for; else the output file's extension; else a table when
 * writing to a terminal and NDJSON otherwise (like `gh`: people get tables, programs get data).
 */
export const chooseFormat = (asked: Format | undefined, outputPath: string | undefined, stdoutIsTerminal: boolean): Format => {
  if (asked !== undefined) return asked
  if (isStdout(outputPath)) return stdoutIsTerminal ? "table" : "ndjson"
  return formatOfPath(outputPath) ?? "ndjson"
}

/** Where text goes: stdout or a file, opened when the first text comes. */
export interface Target {
  /** `stdout`, or the file's path (for messages). */
  readonly label: string
  readonly isFile: boolean
  readonly isTerminal: boolean
  /** Write text (whole records). A write is never cut by an interruption. */
  readonly write: (text: string) => Effect.Effect<void, OutputError>
  /** Whether anything was written (a file: whether it was opened, and so replaced). */
  readonly written: () => boolean
}

/** How to open the output. */
export interface OpenOptions {
  /** `--output`: a path, `-` or absent for stdout. */
  readonly path: string | undefined
  /** Append to the file (`--resume`). */
  readonly append?: boolean | undefined
  /** `--force`: a non-empty file may be replaced. */
  readonly force?: boolean | undefined
  /** What to suggest instead of overwriting a non-empty file (e.g. `or --resume to continue it`). */
  readonly overwriteHint?: string | undefined
  /** `--file`, the input being read (`-` for stdin): never also the output. */
  readonly input?: string | undefined
}

const brokenPipe = (code: string | undefined): boolean => code === "EPIPE" || code === "ERR_STREAM_DESTROYED"

const stdoutTarget: Effect.Effect<Target, never, Stdio.Stdio> = Effect.gen(function*() {
  const stdio = yield* Stdio.Stdio
  const tty = yield* Tty
  let written = false
  return {
    label: "stdout",
    isFile: false,
    isTerminal: tty.stdout,
    write: (text) =>
      text.length === 0 ? Effect.void : Stream.run(Stream.succeed(text), stdio.stdout()).pipe(
        Effect.tap(() => Effect.sync(() => {
          written = true
        })),
        Effect.mapError((error) => {
          const code = codeOf(error)
          return new OutputError({ message: `cannot write to stdout: ${words(error)}`, brokenPipe: brokenPipe(code) })
        }),
        Effect.uninterruptible
      ),
    written: () => written
  }
})

const fileTarget = (path: string, append: boolean): Effect.Effect<Target, never, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const scope = yield* Effect.scope
    const encoder = new TextEncoder()
    let file: FileSystem.File | undefined
    const failed = (error: Parameters<typeof words>[0]) =>
      new OutputError({ message: `cannot write ${path}: ${words(error)}`, brokenPipe: false })
    // Opened on the first write, in the caller's scope: a run that fails before its first record
    // leaves an existing file untouched.
    const opened = Effect.suspend(() =>
      file !== undefined
        ? Effect.succeed(file)
        : fs.open(path, { flag: append ? "a" : "w" }).pipe(
          Effect.tap((f) => Effect.sync(() => {
            file = f
          })),
          Scope.provide(scope)
        )
    )
    return {
      label: path,
      isFile: true,
      isTerminal: false,
      write: (text) =>
        text.length === 0
          ? Effect.void
          : opened.pipe(Effect.flatMap((f) => f.writeAll(encoder.encode(text))), Effect.mapError(failed), Effect.uninterruptible),
      written: () => file !== undefined
    }
  })

/**
 * Open the output: stdout, or a file that will be created (or appended to) when the first record
 * is written. Refuses, before anything runs, a directory and a non-empty file without `--force`.
 */
export const open = (options: OpenOptions): Effect.Effect<Target, Exit, FileSystem.FileSystem | Stdio.Stdio | Scope.Scope> =>
  Effect.gen(function*() {
    const { path } = options
    if (isStdout(path)) return yield* stdoutTarget
    const fs = yield* FileSystem.FileSystem
    const info = yield* fs.stat(path).pipe(Effect.option)
    if (info._tag === "None") {
      // Said now, not after the first results were checked: the folder must exist.
      const folder = dirname(path)
      const parent = yield* fs.stat(folder).pipe(Effect.option)
      if (parent._tag === "None" || parent.value.type !== "Directory") {
        return yield* usage(`--output ${path}: the folder ${folder} does not exist`)
      }
    }
    if (info._tag === "Some") {
      if (info.value.type === "Directory") return yield* usage(`--output ${path}: it is a directory`)
      // Writing the list being read would replace it while it is read (with --force) or append
      // results to it (with --resume): the input is lost either way. Same file by its real path.
      if (options.input !== undefined && options.input !== "-") {
        const real = (p: string) => fs.realPath(p).pipe(Effect.option, Effect.map(Option.getOrUndefined))
        const [output, input] = [yield* real(path), yield* real(options.input)]
        if (output !== undefined && output === input) {
          return yield* usage(`--output ${path} is the --file being read: the list would be lost`, "choose another --output")
        }
      }
      const size = Number(info.value.size)
      if (size > 0 && options.append !== true && options.force !== true) {
        return yield* usage(
          `--output ${path} already holds ${size.toLocaleString("en-US")} bytes: it is not overwritten without --force`,
          `pass --force to replace it${options.overwriteHint === undefined ? "" : `, ${options.overwriteHint}`}, or choose another --output`
        )
      }
    }
    return yield* fileTarget(path, options.append === true)
  })

/** Write one line of text for people (a confirmation) on stdout. */
export const line = (text: string): Effect.Effect<void, OutputError, Stdio.Stdio> =>
  Effect.flatMap(stdoutTarget.pipe(Effect.provideService(Tty, { stdout: false, stderr: false, color: false, columns: 80 })), (t) => t.write(text + "\n"))

const plainCell = (value: Cell | undefined): string =>
  value === null || value === undefined ? "" : Array.isArray(value) ? value.join(";") : String(value)

const ordered = (columns: ReadonlyArray<Column>) => (row: Row): Record<string, Cell> => {
  const out: Record<string, Cell> = {}
  for (const c of columns) out[c.key] = row[c.key] ?? null
  return out
}

const plain = (columns: ReadonlyArray<Column>) => (row: Row): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const c of columns) out[c.key] = plainCell(row[c.key])
  return out
}

const ANSI: Record<Exclude<Colour, undefined>, string> = { green: "32", yellow: "33", red: "31", cyan: "36", dim: "2" }

const paint = (text: string, colour: Colour, enabled: boolean): string =>
  enabled && colour !== undefined ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text

const tableCell = (column: Column, row: Row): string => {
  if (column.show !== undefined) return column.show(row)
  const value = row[column.key]
  if (value === null || value === undefined) return "-"
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.join(",")
  return String(value)
}

/** Width of a text on a terminal (code points; good enough for numbers and codes). */
const width = (text: string): number => [...text].length

/** Rows buffered to size the table's columns before the first line is printed. */
const TABLE_WINDOW = 500

interface TableState {
  widths: Array<number> | undefined
  buffer: Array<Row>
}

/** The table for people: columns sized on the first rows, then streamed. */
const table = (columns: ReadonlyArray<Column>, colour: boolean) => <E, R>(rows: Stream.Stream<Row, E, R>): Stream.Stream<string, E, R> => {
  const shown = columns.filter((c) => c.table !== false)
  const line = (state: TableState, cells: ReadonlyArray<string>, colours: ReadonlyArray<Colour>): string =>
    cells.map((cell, i) => {
      const last = i === cells.length - 1
      const padded = last ? cell : cell + " ".repeat(Math.max(0, (state.widths?.[i] ?? 0) - width(cell)))
      return paint(padded, colours[i], colour)
    }).join("  ").trimEnd() + "\n"
  const flush = (state: TableState, rows: ReadonlyArray<Row>): string => {
    const cells = rows.map((row) => shown.map((c) => tableCell(c, row)))
    let text = ""
    if (state.widths === undefined) {
      const headers = shown.map((c) => c.header)
      state.widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ""))))
      text += line(state, headers, headers.map(() => "dim"))
    }
    rows.forEach((row, r) => {
      text += line(state, cells[r] ?? [], shown.map((c) => c.colour?.(row)))
    })
    return text
  }
  return rows.pipe(
    Stream.mapAccumArray((): TableState => ({ widths: undefined, buffer: [] }), (state, chunk) => {
      if (state.widths !== undefined) return [state, [flush(state, chunk)]]
      state.buffer.push(...chunk)
      if (state.buffer.length < TABLE_WINDOW) return [state, []]
      const all = state.buffer
      state.buffer = []
      return [state, [flush(state, all)]]
    }, { onHalt: (state) => state.buffer.length > 0 || state.widths === undefined ? [flush(state, state.buffer)] : [] })
  )
}

/**
 * An encoder's own error (a value JSON cannot represent) is a bug, not a failure of the run: our
 * records are strings, numbers, booleans and lists. The rows' own failures pass through.
 */
const dieOn = <X>(isEncoderError: (u: unknown) => u is X) => <A, E, R>(self: Stream.Stream<A, E | X, R>): Stream.Stream<A, E, R> =>
  Stream.catch(self, (error) => (isEncoderError(error) ? Stream.die(error) : Stream.fail(error as E)))

/** Options of an encoding. */
export interface EncodeOptions {
  /** Appending to an existing output (`--resume`): no CSV header. */
  readonly append?: boolean | undefined
  /** Colour in tables. */
  readonly colour?: boolean | undefined
}

/** Rows as text in `format`, chunk by chunk. */
export const encode = (format: Format, columns: ReadonlyArray<Column>, options: EncodeOptions = {}) =>
<E, R>(rows: Stream.Stream<Row, E, R>): Stream.Stream<string, E, R> => {
  switch (format) {
    case "table":
      return table(columns, options.colour === true)(rows)
    case "ndjson":
      return rows.pipe(Stream.map(ordered(columns)), Stream.pipeThroughChannel(Ndjson.encodeString()), dieOn(Ndjson.isNdjsonError))
    case "csv":
      return rows.pipe(
        Stream.map(plain(columns)),
        Stream.pipeThroughChannel(Csv.encodeString({ columns: columns.map((c) => c.key), headers: options.append !== true, newline: "\n" }))
      )
    case "json":
      // One array; its closing bracket ends the text (and `closing` adds it after a failure).
      return rows.pipe(
        Stream.map(ordered(columns)),
        Stream.pipeThroughChannel(JsonArray.encodeString()),
        dieOn(JsonArray.isJsonArrayError),
        Stream.concat(Stream.succeed("\n"))
      )
  }
}

/**
 * Write `rows` to `target` in `format`. When the run fails or is interrupted after the first record,
 * a JSON array still gets its closing bracket, so that what was written parses. What the encoder
 * writes before the first record (a CSV header, a JSON array's opening) waits for it: a run that
 * fails before its first record (the server down) leaves no file behind, which would otherwise
 * refuse the next run (`--output … already holds 65 bytes`). A run with no records at all still
 * writes it once it has ended.
 */
export const write = <E, R>(
  target: Target,
  format: Format,
  columns: ReadonlyArray<Column>,
  rows: Stream.Stream<Row, E, R>,
  options: { readonly append?: boolean | undefined } = {}
): Effect.Effect<void, E | OutputError, R> =>
  Effect.gen(function*() {
    const tty = yield* Tty
    let complete = false
    let recorded = false
    let held = ""
    yield* rows.pipe(
      Stream.mapArray((records) => {
        recorded = true
        return records
      }),
      encode(format, columns, { append: options.append, colour: target.isTerminal && tty.color }),
      Stream.runForEachArray((texts) => {
        const text = held + texts.join("")
        held = recorded ? "" : text
        return recorded ? target.write(text) : Effect.void
      }),
      Effect.tap(() =>
        Effect.suspend(() => {
          complete = true
          return held === "" ? Effect.void : target.write(held)
        })
      ),
      Effect.onExit(() => format === "json" && !complete && target.written() ? Effect.ignore(target.write("]\n")) : Effect.void)
    )
  })
