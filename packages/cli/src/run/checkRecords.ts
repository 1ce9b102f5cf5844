/**
 * What `check` writes: the columns and the record of each result, and the summary on stderr.
 *
 * @since 0.1.0
 */
import { type Check, Result, Version } from "@wa-contacts/core"
import type * as Input from "../Input.ts"
import type * as Output from "../Output.ts"
import { count } from "../Progress.ts"

const CONTROL = /[\u0000-\u001f\u007f]/g

/** Inputs as a table shows them: control characters escaped, so a bad line cannot garble the terminal. */
const printable = (text: string): string =>
  text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

const statusColour = (row: Output.Row): Output.Colour => {
  switch (row["status"]) {
    case "valid":
      return "green"
    case "invalid":
      return "yellow"
    case "failed":
      return "red"
    default:
      return "cyan"
  }
}

/** The columns of a check record, in order. */
export const CHECK_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "input", header: "INPUT", show: (row) => printable(String(row["input"])) },
  { key: "status", header: "STATUS", colour: statusColour },
  {
    key: "wa_id",
    header: "WA_ID",
    show: (row) => row["wa_id"] === null ? "-" : row["wa_id_trusted"] === true ? String(row["wa_id"]) : `${String(row["wa_id"])} (untrusted)`
  },
  { key: "wa_id_trusted", header: "TRUSTED", table: false },
  { key: "translated", header: "TRANSLATED" },
  { key: "warnings", header: "WARNINGS", colour: () => "dim" },
  { key: "line", header: "LINE", table: false },
  { key: "detail", header: "DETAIL" }
]

const detailOf = (result: Result.CheckResult, item: Input.InputItem | undefined): string | null => {
  switch (result._tag) {
    case "Failed":
      return item?.problem ?? result.detail
    case "Processing":
      return "still processing at the deadline: check again later"
    case "NotWhatsAppUser":
      return result.anomaly ? "invalid from a server that should never say it (protocol anomaly)" : null
    default:
      return null
  }
}

/** One output record for a result. */
export const recordOf = (result: Result.CheckResult, item: Input.InputItem | undefined): Output.Row => {
  const { waId, trusted } = Result.waIdOf(result)
  return {
    input: result.input,
    status: Result.statusOf(result),
    wa_id: waId ?? null,
    wa_id_trusted: trusted,
    translated: result.translated ?? null,
    warnings: result.warnings.map((w) => w.code),
    line: item?.line ?? null,
    detail: detailOf(result, item)
  }
}

const seconds = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${count(Math.round(ms / 1000))} s`)

const plural = (n: number, one: string, many: string = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`

/** The summary of a check, for stderr. */
export const summaryLines = (
  stats: Check.CheckStats,
  elapsedMs: number,
  skipped: number,
  semantics: Version.Semantics | undefined,
  ending: string | undefined
): ReadonlyArray<string> => {
  const s = stats.byStatus
  const counts = `${count(s.valid)} valid, ${count(s.invalid)} invalid, ${count(s.failed)} failed, ${count(s.processing)} processing`
  const sent = [
    plural(stats.requests, "request"),
    ...(stats.polls > 0 ? [`${plural(stats.polls, "number")} re-sent while processing`] : []),
    ...(stats.retries > 0 ? [`${plural(stats.retries, "retry", "retries")} after errors`] : []),
    ...(skipped > 0 ? [`${count(skipped)} skipped (already in the output)`] : [])
  ]
  return [
    `${count(stats.results)} checked in ${seconds(elapsedMs)}: ${counts}`,
    // No answer read and no --api-version: nothing says how the server reads `valid`, so no claim.
    `sent: ${sent.join(", ")}` + (semantics === undefined ? "" : ` · semantics: ${semantics} — ${Version.describeSemantics(semantics)}`),
    ...(ending === undefined ? [] : [ending])
  ]
}
