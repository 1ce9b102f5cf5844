/**
 * The store's multi-row statements: a bulk check sends one of each per group of 500 numbers.
 *
 * Each is written once, as an `effect/sql` template: on PostgreSQL with a bound value per column
 * of each row; on SQLite with the rows as one JSON value, which SQLite spreads itself (the clauses
 * that decide are the same text on both). Each is compiled once per shape (on PostgreSQL, per
 * number of rows; on SQLite there is one): later calls of the same shape reuse the text
 * with their parameters laid out flat. Compiling a 500-row insert built an object and an array per
 * row and its text value by value: a kilobyte per number of a first check, the largest allocation
 * of the store's part (bench figure 21). The first call of a shape checks that the flat
 * parameters are exactly the template's, so the two cannot drift apart unnoticed.
 *
 * Few shapes are kept (`SHAPES`): a run's groups are mostly full, and a text of 500 rows is tens
 * of kilobytes on PostgreSQL (one per row count would add up over a long run of mixed lists).
 */
import type { ResultStore } from "@wa-contacts/core"
import * as Arr from "effect/Array"
import type { NonEmptyReadonlyArray } from "effect/Array"
import type * as SqlClient from "effect/sql/SqlClient"
import type * as Statement from "effect/sql/Statement"
import * as Rows from "./rows.ts"

/** What a claim upsert takes: free or lapsed rows, this owner's own, and unknown numbers. */
export interface ClaimArgs {
  readonly owner: string
  readonly now: number
  readonly until: number
}

/** Compiled texts kept at once, the least recently used dropped first. */
export const SHAPES = 32

/** A literal of the schema as SQL text (the schema's literals are words: no quote to escape). */
const quoted = (literal: string): string => {
  if (!/^[A-Za-z0-9_.-]+$/.test(literal)) throw new Error(`not a plain literal: ${literal}`)
  return `'${literal}'`
}
const STATUS = Rows.column("status")
const OUTCOME = Rows.column("outcome")
const SEMANTICS = Rows.column("semantics")
const WA_ID = Rows.column("wa_id")

export const make = (sql: SqlClient.SqlClient) => {
  const columns = sql.literal(Rows.NUMBER_COLUMNS)
  const texts = new Map<string, string>()
  const shaped = (
    name: string,
    rows: number,
    template: () => Statement.Statement<any>,
    params: () => ReadonlyArray<unknown>
  ): Statement.Statement<any> => {
    const key = `${name}:${rows}`
    const text = texts.get(key)
    if (text !== undefined) {
      texts.delete(key)
      texts.set(key, text)
      return sql.unsafe(text, params())
    }
    const statement = template()
    const [compiled, expected] = statement.compile()
    const flat = params()
    if (flat.length !== expected.length || flat.some((value, i) => !Object.is(value, expected[i]))) {
      throw new Error(`the flat parameters of the statement "${name}" do not match its template`)
    }
    texts.set(key, compiled)
    if (texts.size > SHAPES) texts.delete(texts.keys().next().value!)
    return statement
  }

  // SQLite: the numbers go in as one JSON text, and the rows come back as one. node:sqlite converts
  // every bound value and builds a JavaScript array and a value per column for every row, and the
  // connection's thread clones each between threads; `json_each` walks the numbers in their order
  // (one index probe each, where `IN` first sorts them into a temporary index), and SQLite builds
  // the answer's text itself, which V8's JSON.parse reads. A run answered from the store spent half
  // of SQLite's thread on bound values and rows (bench figure 22). PostgreSQL's driver reads rows
  // in the caller's thread: there, rows as they are.
  const isSqlite = sql.onDialectOrElse({ sqlite: () => true, orElse: () => false })
  // Strings are most of what JSON.parse builds; a row's answer carries few that are not known here.
  // The number's place in the group stands for its text (the caller's own string is the row's
  // number); a literal of the schema's lists for its index; a wa_id that is the number's digits for
  // `true`. Any other value comes as it is (in a coded column, alone in an array), for the decoder
  // to judge: a corrupt row is still refused, never read as a literal. Parsing a
  // group took 40% less (a run answered from the store: bench figure 22).
  const coded = (column: string, literals: ReadonlyArray<string>) =>
    `CASE ${column} ${literals.map((literal, i) => `WHEN ${quoted(literal)} THEN ${i}`).join(" ")} ELSE json_array(${column}) END`
  const joinedColumns = sql.literal(`json_group_array(json_array(${
    Rows.COLUMN_NAMES.map((c) =>
      c === "number" ? "j.key"
      : c === "status" ? coded("w.status", Rows.STATUS_CODES)
      : c === "outcome" ? coded("w.outcome", Rows.OUTCOME_CODES)
      : c === "semantics" ? coded("w.semantics", Rows.SEMANTICS_CODES)
      : c === "wa_id" ? "CASE WHEN w.wa_id = substr(w.number, 2) THEN json('true') ELSE w.wa_id END"
      : `w.${c}`
    ).join(", ")
  }))`)

  /** The rows of `chunk`, in `NUMBER_COLUMNS` order (read them with `lookupRows`). */
  const lookup = (chunk: NonEmptyReadonlyArray<string>) => {
    if (!isSqlite) {
      return shaped("lookup", chunk.length, () => sql`SELECT ${columns} FROM wa_numbers WHERE number IN ${sql.in(chunk)}`, () => chunk)
    }
    const numbers = JSON.stringify(chunk)
    return shaped(
      "lookup",
      1,
      () => sql`SELECT ${joinedColumns} FROM json_each(${numbers}) AS j JOIN wa_numbers AS w ON w.number = j.value`,
      () => [numbers]
    )
  }

  /** The rows the `lookup` of `chunk` read, as arrays in `NUMBER_COLUMNS` order. */
  const lookupRows = (
    chunk: ReadonlyArray<string>,
    result: ReadonlyArray<ReadonlyArray<unknown>>
  ): ReadonlyArray<ReadonlyArray<unknown>> => {
    if (!isSqlite) return result
    const text = result[0]?.[0]
    if (result.length !== 1 || typeof text !== "string") throw new Error("a lookup answered no JSON text")
    const rows: unknown = JSON.parse(text)
    if (!Array.isArray(rows)) throw new Error("a lookup answered JSON that is not an array")
    for (const row of rows) {
      const number = Array.isArray(row) ? chunk[row[0]] : undefined
      if (number === undefined) throw new Error("a lookup answered a row of no number it was given")
      row[0] = number
      row[STATUS] = Rows.literalOf(Rows.STATUS_CODES, row[STATUS])
      row[OUTCOME] = Rows.literalOf(Rows.OUTCOME_CODES, row[OUTCOME])
      row[SEMANTICS] = Rows.literalOf(Rows.SEMANTICS_CODES, row[SEMANTICS])
      if (row[WA_ID] === true) row[WA_ID] = number.slice(1)
    }
    return rows
  }

  // SQLite: the rows of a claim, a charge and a write go in as one JSON value too, spread by
  // `json_each` (`WHERE true` lets an upsert follow a SELECT). Their bound values and their clone
  // between threads were the largest part of the store's work in the caller's thread on a first
  // check (bench figure 21). The statements' other clauses are written once, for both dialects.
  const listed = (chunk: ReadonlyArray<unknown>) => JSON.stringify(chunk)

  /**
   * An upsert's WHERE leaves a live claim of another owner alone, and RETURNING answers only the
   * rows it inserted or updated (on PostgreSQL it locks them, in the order given).
   */
  const claimConflict = (owner: string, now: number) =>
    sql`ON CONFLICT (number) DO UPDATE SET claim_owner = excluded.claim_owner, claim_until = excluded.claim_until
          WHERE wa_numbers.claim_owner IS NULL OR wa_numbers.claim_until IS NULL
            OR wa_numbers.claim_until <= ${now} OR wa_numbers.claim_owner = ${owner}
          RETURNING ${columns}`

  /** Inserts the unknown numbers and takes the free or lapsed claims. */
  const claim = (chunk: NonEmptyReadonlyArray<string>, { owner, now, until }: ClaimArgs) => {
    if (isSqlite) {
      const numbers = listed(chunk)
      return shaped(
        "claim",
        1,
        () =>
          sql`INSERT INTO wa_numbers (number, added_at, claim_owner, claim_until)
            SELECT value, ${now}, ${owner}, ${until} FROM json_each(${numbers}) WHERE true ${claimConflict(owner, now)}`,
        () => [now, owner, until, numbers, now, owner]
      )
    }
    return shaped(
      "claim",
      chunk.length,
      () =>
        sql`INSERT INTO wa_numbers ${
          sql.insert(Arr.map(chunk, (number) => ({ number, added_at: now, claim_owner: owner, claim_until: until })))
        } ${claimConflict(owner, now)}`,
      () => {
        const params: Array<unknown> = []
        for (const number of chunk) params.push(number, now, owner, until)
        params.push(now, owner)
        return params
      }
    )
  }

  /**
   * One `checks` entry in the ledger for the due numbers of `chunk` that this owner holds with
   * this lease (none when there are none): run in the claim's own transaction.
   */
  const charge = (chunk: NonEmptyReadonlyArray<string>, { owner, now, until }: ClaimArgs, checkedBefore: number) => {
    const numbers = isSqlite ? listed(chunk) : undefined
    return shaped(
      "charge",
      numbers === undefined ? chunk.length : 1,
      () =>
        sql`INSERT INTO wa_ledger (kind, count, at)
          SELECT 'checks', COUNT(*), ${now} FROM wa_numbers
          WHERE number IN ${numbers === undefined ? sql.in(chunk) : sql`(SELECT value FROM json_each(${numbers}))`}
            AND claim_owner = ${owner} AND claim_until = ${until}
            AND (checked_at IS NULL OR checked_at < ${checkedBefore})
          HAVING COUNT(*) > 0`,
      () => [now, ...(numbers === undefined ? chunk : [numbers]), owner, until, checkedBefore]
    )
  }

  /** A written result replaces the stored one, and this owner's claim is released (another owner's stays). */
  const writeConflict = (owner: string) =>
    sql`ON CONFLICT (number) DO UPDATE SET
              status = excluded.status, outcome = excluded.outcome, wa_id = excluded.wa_id,
              wa_id_trusted = excluded.wa_id_trusted, anomaly = excluded.anomaly,
              semantics = excluded.semantics, server_version = excluded.server_version,
              detail = excluded.detail, checked_at = excluded.checked_at,
              claim_owner = CASE WHEN wa_numbers.claim_owner = ${owner} THEN NULL ELSE wa_numbers.claim_owner END,
              claim_until = CASE WHEN wa_numbers.claim_owner = ${owner} THEN NULL ELSE wa_numbers.claim_until END`
  // `->>` reads a JSON value as SQL: text, integer (true and false as 1 and 0, as the driver binds
  // booleans) or NULL.
  const writeColumns = sql.literal(Rows.WRITE_COLUMNS.join(", "))
  const writeValues = sql.literal(Rows.WRITE_COLUMNS.map((_, i) => `value ->> ${i}`).join(", "))

  /** Results written, and this owner's claims on them released (another owner's stay). */
  const write = (chunk: NonEmptyReadonlyArray<ResultStore.ResultWrite>, owner: string, at: number) => {
    if (isSqlite) {
      const rows = listed(chunk.map((w) => Rows.pushResultColumns([], w.number, at, w.result)))
      return shaped(
        "write",
        1,
        () => sql`INSERT INTO wa_numbers (${writeColumns}) SELECT ${writeValues} FROM json_each(${rows}) WHERE true ${writeConflict(owner)}`,
        () => [rows, owner, owner]
      )
    }
    return shaped(
      "write",
      chunk.length,
      () => sql`INSERT INTO wa_numbers ${sql.insert(Arr.map(chunk, (w) => Rows.resultColumns(w.number, at, w.result)))} ${writeConflict(owner)}`,
      () => {
        const params: Array<unknown> = []
        for (const w of chunk) Rows.pushResultColumns(params, w.number, at, w.result)
        params.push(owner, owner)
        return params
      }
    )
  }

  return { lookup, lookupRows, claim, charge, write }
}
