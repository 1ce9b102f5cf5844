/**
 * Writing records as they arrive, in the format asked for: an aligned table for people, JSON, NDJSON
 * or CSV for programs, to stdout or a file. Everything but the table is streamed record by record,
 * so memory stays flat and a killed run leaves complete lines; the JSON array is closed even when
 * the run fails or is interrupted.
 *
 * @since 0.1.0
 */
import { Console, Effect } from "effect"
import * as fs from "node:fs"
import { Tty } from "./Tty.ts"

/** The output formats. */
export const FORMATS = ["table", "json", "ndjson", "csv"] as const

/** One of the output formats. */
export type Format = typeof FORMATS[number]

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

/** Where text goes: stdout or a file. */
export interface Target {
  /** Write whole lines (`text` ends with a newline). */
  readonly write: (text: string) => Effect.Effect<void>
  readonly close: Effect.Effect<void>
  readonly isTerminal: boolean
}

/** stdout, through `Console` (so that tests read it with `TestConsole`). */
export const stdout: Effect.Effect<Target> = Effect.map(Effect.service(Tty), (tty) => ({
  // Console.log adds the final newline itself.
  write: (text) => text.length === 0 ? Effect.void : Console.log(text.endsWith("\n") ? text.slice(0, -1) : text),
  close: Effect.void,
  isTerminal: tty.stdout
}))

/**
 * A file, written synchronously chunk by chunk: a record is on disk once written, so a run that
 * is killed leaves complete lines (at most the last one cut, which `--resume` drops).
 */
export const file = (path: string, mode: "create" | "append"): Effect.Effect<Target, Error> =>
  Effect.try({
    try: () => {
      const fd = fs.openSync(path, mode === "append" ? "a" : "w")
      let open = true
      return {
        write: (text: string) => Effect.sync(() => {
          if (open) fs.writeSync(fd, text)
        }),
        close: Effect.sync(() => {
          if (open) fs.closeSync(fd)
          open = false
        }),
        isTerminal: false
      }
    },
    catch: (cause) => new Error(`cannot write ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`)
  })

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
export const chooseFormat = (asked: Format | undefined, outputPath: string | undefined, stdoutIsTerminal: boolean): Format =>
  asked ?? (outputPath === undefined ? undefined : formatOfPath(outputPath)) ?? (outputPath === undefined && stdoutIsTerminal ? "table" : "ndjson")

/** Writes rows as they arrive. */
export interface RecordWriter {
  readonly write: (rows: ReadonlyArray<Row>) => Effect.Effect<void>
  /** Finish the output (the table's last rows, the JSON array's `]`). Safe to call twice. */
  readonly end: Effect.Effect<void>
}

const plainCell = (value: Cell | undefined): string =>
  value === null || value === undefined ? "" : Array.isArray(value) ? value.join(";") : String(value)

/** A CSV field (RFC 4180): quoted when it holds a comma, quote, newline or leading/trailing space. */
export const csvField = (text: string): string =>
  /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll("\"", "\"\"")}"` : text

/** One CSV line for a row. Lists are joined with `;`, null is empty. */
export const csvLine = (columns: ReadonlyArray<Column>, row: Row): string =>
  columns.map((c) => csvField(plainCell(row[c.key]))).join(",") + "\n"

/** The CSV header line. */
export const csvHeader = (columns: ReadonlyArray<Column>): string => columns.map((c) => csvField(c.key)).join(",") + "\n"

const jsonRow = (columns: ReadonlyArray<Column>, row: Row): string => {
  const ordered: Record<string, Cell> = {}
  for (const c of columns) ordered[c.key] = row[c.key] ?? null
  return JSON.stringify(ordered)
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

const tableWriter = (columns: ReadonlyArray<Column>, target: Target, colour: boolean): RecordWriter => {
  const shown = columns.filter((c) => c.table !== false)
  let widths: Array<number> | undefined
  let buffer: Array<Row> = []
  const line = (cells: ReadonlyArray<string>, colours: ReadonlyArray<Colour>): string =>
    cells.map((cell, i) => {
      const last = i === cells.length - 1
      const padded = last ? cell : cell + " ".repeat(Math.max(0, (widths?.[i] ?? 0) - width(cell)))
      return paint(padded, colours[i], colour)
    }).join("  ").trimEnd() + "\n"
  const flush = (rows: ReadonlyArray<Row>) => {
    const cells = rows.map((row) => shown.map((c) => tableCell(c, row)))
    let text = ""
    if (widths === undefined) {
      const headers = shown.map((c) => c.header)
      widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ""))))
      text += line(headers, headers.map(() => "dim"))
    }
    rows.forEach((row, r) => {
      text += line(cells[r] ?? [], shown.map((c) => c.colour?.(row)))
    })
    return target.write(text)
  }
  let ended = false
  return {
    write: (rows) => {
      if (widths !== undefined) return flush(rows)
      buffer.push(...rows)
      if (buffer.length < TABLE_WINDOW) return Effect.void
      const all = buffer
      buffer = []
      return flush(all)
    },
    end: Effect.suspend(() => {
      if (ended) return Effect.void
      ended = true
      const rest = buffer
      buffer = []
      return rest.length > 0 || widths === undefined ? flush(rest) : Effect.void
    })
  }
}

/** Options of a record writer. */
export interface WriterOptions {
  /** Appending to an existing output (`--resume`): no CSV header. */
  readonly append?: boolean | undefined
}

/** A writer of rows in `format` to `target`. Colour only in tables on a terminal. */
export const writer = (
  format: Format,
  columns: ReadonlyArray<Column>,
  target: Target,
  options: WriterOptions = {}
): Effect.Effect<RecordWriter> =>
  Effect.map(Effect.service(Tty), (tty): RecordWriter => {
    switch (format) {
      case "table":
        return tableWriter(columns, target, target.isTerminal && tty.color)
      case "ndjson":
        return {
          write: (rows) => rows.length === 0 ? Effect.void : target.write(rows.map((r) => jsonRow(columns, r) + "\n").join("")),
          end: Effect.void
        }
      case "csv": {
        let headed = options.append === true
        return {
          write: (rows) => {
            let text = headed ? "" : csvHeader(columns)
            headed = true
            for (const r of rows) text += csvLine(columns, r)
            return text.length === 0 ? Effect.void : target.write(text)
          },
          // An empty result still gets its header, so that programs can read it.
          end: Effect.suspend(() => {
            if (headed) return Effect.void
            headed = true
            return target.write(csvHeader(columns))
          })
        }
      }
      case "json": {
        // A streamed array, one record per line. The newest record is held back until the next
        // one (or the end) says whether it needs a trailing comma.
        let opened = false
        let held: string | undefined
        let ended = false
        return {
          write: (rows) => {
            if (rows.length === 0) return Effect.void
            let text = opened ? "" : "[\n"
            opened = true
            for (const r of rows) {
              if (held !== undefined) text += held + ",\n"
              held = jsonRow(columns, r)
            }
            return text.length === 0 ? Effect.void : target.write(text)
          },
          end: Effect.suspend(() => {
            if (ended) return Effect.void
            ended = true
            return target.write(opened ? `${held ?? ""}\n]\n` : "[]\n")
          })
        }
      }
    }
  })
