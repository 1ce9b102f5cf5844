/**
 * Flags several commands share: output format and file, `--force`, `--quiet`, and how numbers,
 * counts and durations are read (with `Flag.withSchema`, so a bad value is a usage error that
 * says what was expected).
 *
 * @since 0.1.0
 */
import { Duration, Schema, SchemaGetter } from "effect"
import { Flag } from "effect/cli"
import { FORMATS } from "../Output.ts"

/** `--format table|json|ndjson|csv`; absent: a table on a terminal, NDJSON otherwise. */
export const formatFlag = Flag.Literals("format", FORMATS).pipe(
  Flag.withDescription("Output format (default: table on a terminal, ndjson otherwise, or from the --output extension)"),
  Flag.optional
)

/** An optional text flag: `Option.none()` when absent. */
export const textFlag = (name: string, description: string) => Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

/** `--output PATH`: write records to a file instead of stdout (`-` is stdout). */
export const outputFlag = Flag.String("output").pipe(
  Flag.withAlias("o"),
  Flag.withDescription("Write the records to this file instead of stdout (- for stdout); an existing non-empty file needs --force"),
  Flag.optional
)

/** Where numbers come from besides arguments: `--file` (one per line, `-` for stdin), a CSV column. */
export const inputFlags = {
  file: Flag.String("file").pipe(
    Flag.withAlias("f"),
    Flag.withDescription("Read numbers from this file, one per line (- for stdin)"),
    Flag.optional
  ),
  column: textFlag("column", "Read the file as CSV and take this column: a header name, or a 1-based index"),
  delimiter: textFlag("delimiter", "With --column: the CSV delimiter, one character or tab (default: detected among , ; and tab)")
} as const

/** `--force`: replace a non-empty `--output` file. */
export const forceFlag = Flag.Boolean("force").pipe(
  Flag.withDescription("Replace a non-empty --output file (it is replaced only once the first record is ready)"),
  Flag.withDefault(false)
)

/** `--quiet` of the commands that print a summary or progress. */
export const quietFlag = Flag.Boolean("quiet").pipe(
  Flag.withAlias("q"),
  Flag.withDescription("No summary and no progress on stderr"),
  Flag.withDefault(false)
)

/** `--quiet` of the commands that confirm what they did. */
export const quietConfirmationFlag = Flag.Boolean("quiet").pipe(
  Flag.withAlias("q"),
  Flag.withDescription("Print nothing on success (no confirmation line)"),
  Flag.withDefault(false)
)

/** An integer flag of at least `min`. */
export const atLeast = (name: string, min: number, description: string) =>
  Flag.Int(name).pipe(
    Flag.withSchema(Schema.Int.check(Schema.isGreaterThanOrEqualTo(min, { message: `expected a whole number of at least ${min}` }))),
    Flag.withDescription(description),
    Flag.optional
  )

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `3s`, `500ms`, `2m`, `1h`, `7d`, `1.5s`, or a bare number of seconds; `undefined` when it is none of those. */
export const parseDuration = (text: string): Duration.Duration | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text)
  if (match === null) return undefined
  const value = Number(match[1])
  const unit = (match[2] ?? "s").toLowerCase()
  return Number.isFinite(value) ? Duration.millis(value * UNITS[unit]!) : undefined
}

/** A duration from the command line, with what is expected when it is not one. */
export const DurationFromText = Schema.String.check(
  Schema.makeFilter((text: string) => parseDuration(text) !== undefined || "expected a duration such as 3s, 500ms, 2m or 1h (or 7d; a bare number is seconds)")
).pipe(Schema.decodeTo(Schema.Duration, {
  decode: SchemaGetter.transform((text: string) => parseDuration(text)!),
  encode: SchemaGetter.transform((d: Duration.Duration) => `${Duration.toMillis(d)}ms`)
}))

/** A duration flag (`3s`, `500ms`, `2m`, `1h`, or seconds). */
export const durationFlag = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withSchema(DurationFromText), Flag.withDescription(description), Flag.optional)
