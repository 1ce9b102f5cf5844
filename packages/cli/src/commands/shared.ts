/**
 * Flags several commands share: output format and file, and `--quiet`.
 *
 * @since 0.1.0
 */
import { Flag } from "effect/cli"
import { FORMATS } from "../Output.ts"

/** `--format table|json|ndjson|csv`; absent: a table on a terminal, NDJSON otherwise. */
export const formatFlag = Flag.Literals("format", FORMATS).pipe(
  Flag.withDescription("Output format (default: table on a terminal, ndjson otherwise, or from the --output extension)"),
  Flag.optional
)

/** `--output PATH`: write records to a file instead of stdout. */
export const outputFlag = Flag.String("output").pipe(
  Flag.withAlias("o"),
  Flag.withDescription("Write the records to this file instead of stdout"),
  Flag.optional
)

/** `--quiet`: no summary, no progress. */
export const quietFlag = Flag.Boolean("quiet").pipe(
  Flag.withAlias("q"),
  Flag.withDescription("No summary and no progress on stderr"),
  Flag.withDefault(false)
)
