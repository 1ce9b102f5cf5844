/** Rows in and out of the store's tables: column lists, decoding, chunking, error mapping. */
import { ResultStore } from "@wa-contacts/core"
import type { NonEmptyReadonlyArray } from "effect/Array"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { SqlError } from "effect/sql/SqlError"

/** The columns of a `StoredNumberRow`, in `SELECT` order: rows are read as arrays in this order. */
export const COLUMN_NAMES = [
  "number", "added_at", "status", "outcome", "wa_id", "wa_id_trusted", "anomaly", "semantics", "server_version", "detail", "checked_at"
] as const
export const NUMBER_COLUMNS = COLUMN_NAMES.join(", ")
/** Where a column is in a row read with `NUMBER_COLUMNS`. */
export const column = (name: typeof COLUMN_NAMES[number]): number => COLUMN_NAMES.indexOf(name)

/**
 * Rows per multi-row statement. 11 columns × 500 rows stays far below SQLite's 32,766 and
 * PostgreSQL's 65,535 bound parameters, and full chunks compile to one cached statement.
 */
export const CHUNK = 500

/** Rows per page of `due` and `export`: one query per page, nothing held between pages. */
export const PAGE = 1000

export const chunks = <A>(items: ReadonlyArray<A>, size = CHUNK): Array<NonEmptyReadonlyArray<A>> => {
  const out: Array<NonEmptyReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size) as unknown as NonEmptyReadonlyArray<A>)
  return out
}

/**
 * Distinct, sorted numbers. Sorting matters on PostgreSQL: transactions that lock rows in the
 * same order cannot deadlock each other.
 */
export const distinctSorted = (numbers: Iterable<string>): Array<string> =>
  // The default order of `sort` is by UTF-16 code units, as `<` compares strings, without calling
  // back into JavaScript for each comparison.
  [...new Set(numbers)].sort()

/** Distinct numbers, in the order given. */
export const distinct = (numbers: Iterable<string>): Array<string> => [...new Set(numbers)]

const decodeNumberRow = Schema.decodeUnknownSync(ResultStore.StoredNumberRow)
const decodeHistory = Schema.decodeUnknownSync(ResultStore.HistoryEntry)

/** The schema's literals, by the index a coded column gives for them (see `bulk.ts`). */
export const STATUS_CODES: ReadonlyArray<string> = ResultStore.StoredStatus.literals
export const OUTCOME_CODES: ReadonlyArray<string> = ResultStore.StoredOutcome.literals
export const SEMANTICS_CODES: ReadonlyArray<string> = ResultStore.StoredSemantics.literals
/**
 * The value of a coded column: the literal an index stands for, or the stored value that came alone
 * in an array (not one of the literals: the decoder judges it).
 */
export const literalOf = (literals: ReadonlyArray<string>, value: unknown): unknown =>
  typeof value === "number" ? literals[value] : Array.isArray(value) ? value[0] : value

const statuses: ReadonlySet<unknown> = new Set(STATUS_CODES)
const outcomes: ReadonlySet<unknown> = new Set(OUTCOME_CODES)
const semantics: ReadonlySet<unknown> = new Set(SEMANTICS_CODES)
const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)
const isText = (u: unknown): u is string | null => u === null || typeof u === "string"
const flag = (u: unknown): boolean | undefined => (u === 1 || u === true ? true : u === 0 || u === false ? false : undefined)

/**
 * A row of `wa_numbers` read as an array in `NUMBER_COLUMNS` order, as the core reads it:
 * `StoredNumberRow` then `fromRow`. Rows are read as arrays: a bulk check reads a row per number,
 * and an array is cheaper than an object with eleven keys to build in SQLite's thread, to pass to
 * the main thread and to read there (a run answered from the store: bench figure 22).
 *
 * Rows in the shape this adapter writes (plain integers, 0/1 or booleans, known literals) take a
 * direct path that builds exactly what the schema would; anything else (a `bigint` or numeric
 * string from a driver, an unexpected value) goes through the schema, which decides. Decoding a
 * row with the schema costs about 2 µs.
 */
export const toStoredNumber = (row: ReadonlyArray<unknown>): ResultStore.StoredNumber => {
  // Not an array: a driver's error, which the schema reports.
  if (!Array.isArray(row)) return ResultStore.fromRow(decodeNumberRow(row))
  // By index: destructuring goes through the array's iterator.
  const number = row[0], added_at = row[1], status = row[2], outcome = row[3], wa_id = row[4], wa_id_trusted = row[5]
  const anomaly = row[6], semantic = row[7], server_version = row[8], detail = row[9], checked_at = row[10]
  if (row.length === COLUMN_NAMES.length && typeof number === "string" && isInt(added_at)) {
    if (status === null && outcome === null && semantic === null && checked_at === null) {
      if (wa_id === null && wa_id_trusted === null && anomaly === null && server_version === null && detail === null) {
        return { number, added_at, result: null }
      }
    } else {
      const trusted = flag(wa_id_trusted)
      const isAnomaly = flag(anomaly)
      if (
        statuses.has(status) && outcomes.has(outcome) && semantics.has(semantic) && isInt(checked_at) &&
        trusted !== undefined && isAnomaly !== undefined && isText(wa_id) && isText(server_version) && isText(detail)
      ) {
        return {
          number,
          added_at,
          result: {
            status: status as ResultStore.StoredResult["status"],
            outcome: outcome as ResultStore.StoredResult["outcome"],
            wa_id,
            wa_id_trusted: trusted,
            anomaly: isAnomaly,
            semantics: semantic as ResultStore.StoredResult["semantics"],
            server_version,
            detail,
            checked_at
          }
        }
      }
    }
  }
  return ResultStore.fromRow(decodeNumberRow(Object.fromEntries(COLUMN_NAMES.map((name, i) => [name, row[i]]))))
}

/** A row of `wa_history` (previous/current as JSON text) as the core reads it. */
export const toHistoryEntry = (row: {
  readonly number: unknown
  readonly change: unknown
  readonly checked_at: unknown
  readonly previous: unknown
  readonly current: unknown
}): ResultStore.HistoryEntry =>
  decodeHistory({
    number: row.number,
    change: row.change,
    checked_at: row.checked_at,
    previous: row.previous === null ? null : JSON.parse(String(row.previous)),
    current: JSON.parse(String(row.current))
  })

/**
 * The fields of a stored result, in a fixed order: the result columns of `wa_numbers` and the
 * JSON of `wa_history`. A `StoredResult`'s encoded form is its decoded form (booleans and integer
 * milliseconds), so the fields are written directly; reading decodes them with the schema.
 */
const RESULT_FIELDS = [
  "status", "outcome", "wa_id", "wa_id_trusted", "anomaly", "semantics", "server_version", "detail", "checked_at"
] as const satisfies ReadonlyArray<keyof ResultStore.StoredResult>

const resultFields = (r: ResultStore.StoredResult) =>
  Object.fromEntries(RESULT_FIELDS.map((field) => [field, r[field]])) as Pick<ResultStore.StoredResult, typeof RESULT_FIELDS[number]>

/** A result as JSON text for `wa_history`. */
export const resultJson = (r: ResultStore.StoredResult): string => JSON.stringify(resultFields(r))

/** The result columns of `wa_numbers` for a write. */
export const resultColumns = (number: string, at: number, r: ResultStore.StoredResult) => ({
  number,
  added_at: at,
  ...resultFields(r)
})

/** The columns of `resultColumns`, in its order. */
export const WRITE_COLUMNS: ReadonlyArray<string> = ["number", "added_at", ...RESULT_FIELDS]

/** The values of `resultColumns`, in its order, appended to `params` (a statement's flat parameters). */
export const pushResultColumns = (params: Array<unknown>, number: string, at: number, r: ResultStore.StoredResult): Array<unknown> => {
  params.push(number, at)
  for (const field of RESULT_FIELDS) params.push(r[field])
  return params
}

/** An integer a driver hands back (number, bigint or numeric string). */
export const int = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value))

/**
 * Removes secrets from a message before it leaves the store: the password of a PostgreSQL URL
 * (and its percent-encoded form), wherever a driver may have echoed it.
 */
export type Redact = (text: string) => string

export const redactor = (secrets: ReadonlyArray<string>): Redact => {
  const needles = secrets.filter((s) => s.length > 0).flatMap((s) => [s, encodeURIComponent(s)])
  return (text) => needles.reduce((acc, s) => acc.split(s).join("***"), text)
}

const messageOf = (error: unknown): string => {
  if (typeof error === "object" && error !== null && "_tag" in error && error._tag === "SqlError") {
    const sqlError = error as SqlError
    const cause = sqlError.reason.cause
    const detail = typeof cause === "object" && cause !== null && "message" in cause ? String(cause.message) : ""
    return detail.length > 0 && detail !== sqlError.message ? `${sqlError.message}: ${detail}` : sqlError.message
  }
  if (error instanceof Error) return error.message
  return String(error)
}

/** Any failure of an operation as a `StoreError`, secrets removed. */
export const toStoreError = (operation: string, redact: Redact) => (error: unknown): ResultStore.StoreError =>
  new ResultStore.StoreError({ operation, message: redact(messageOf(error)) })

/** Decoding failures of rows become `StoreError`s too (a corrupt row is the store's failure). */
export const decodeOrFail = <A>(operation: string, redact: Redact, f: () => A): Effect.Effect<A, ResultStore.StoreError> =>
  Effect.try({ try: f, catch: toStoreError(operation, redact) })
