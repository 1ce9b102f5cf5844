/**
 * The `ResultStore` port of `@wa-contacts/core`, written once on `effect/sql`'s `SqlClient`:
 * the same statements run on SQLite and PostgreSQL. Dialect differences are confined to what
 * cannot be shared: row locking (`FOR UPDATE` and `LOCK TABLE` on PostgreSQL; SQLite's
 * transactions take the database's write lock at `BEGIN IMMEDIATE`) and counting deleted rows.
 *
 * Every operation is one transaction; none reads a clock or applies a rule (the core passes
 * every time, threshold and decision as arguments).
 *
 * @since 0.1.0
 */
import { ResultStore } from "@wa-contacts/core"
import * as Arr from "effect/Array"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import type * as Statement from "effect/sql/Statement"
import * as Stream from "effect/Stream"
import * as Bulk from "./internal/bulk.ts"
import * as Rows from "./internal/rows.ts"
import * as SqliteClient from "./SqliteClient.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Applied to every error message (e.g. to remove a connection password). */
  readonly redact?: ((text: string) => string) | undefined
  /** Rows per page of `due` and `export` (default 1000). */
  readonly pageSize?: number | undefined
}

// Lock conflicts the database resolves by failing one side (SQLite busy past its timeout,
// PostgreSQL deadlock or serialization failure) are retried a few times, with jitter. The retry
// is only built once something failed: building it costs more than a small statement.
const isConflict = (error: SqlError) => error.isRetryable && error.reason._tag !== "ConnectionError"
const conflictRetry = Schedule.exponential("20 millis").pipe(Schedule.jittered)
const retryConflicts = <A, R>(effect: Effect.Effect<A, SqlError, R>): Effect.Effect<A, SqlError, R> =>
  Effect.catchIf(effect, isConflict, () => Effect.retry(effect, { while: isConflict, schedule: conflictRetry, times: 5 }))

/**
 * Builds the store on the `SqlClient` in context (migrations must have run: see `Migrations`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<ResultStore.ResultStoreShape, never, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const redact = options.redact ?? ((text: string) => text)
    const pageSize = Math.max(1, options.pageSize ?? Rows.PAGE)
    const columns = sql.literal(Rows.NUMBER_COLUMNS)
    const isPg = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
    // Distinct numbers, sorted on PostgreSQL only: there transactions lock rows, and in the same
    // order they cannot deadlock each other; SQLite's transactions hold the whole database's write
    // lock (two sorts a group were 2% of a first check's main thread, bench figure 21).
    const distinct = isPg ? Rows.distinctSorted : Rows.distinct

    // The statements a bulk check sends per group, compiled once per shape (see `internal/bulk.ts`).
    const bulk = Bulk.make(sql)

    const fail = (operation: string) => (error: unknown) =>
      error instanceof ResultStore.StoreError ? error : Rows.toStoreError(operation, redact)(error)
    const transaction = <A, E>(operation: string, body: Effect.Effect<A, E | SqlError>) =>
      Effect.mapError(retryConflicts(sql.withTransaction(body) as Effect.Effect<A, SqlError>), fail(operation))

    // Statements that do not read each other's results, the rows of each (as arrays: rows of
    // `wa_numbers` are read in `NUMBER_COLUMNS` order); with `atomic`, in one transaction. On
    // SQLite the connection runs in its own thread and takes them as one message (one wait instead
    // of one per statement, BEGIN and COMMIT included); elsewhere, one after the other.
    const sqlite = Option.getOrUndefined(yield* Effect.serviceOption(SqliteClient.SqliteClient))
    const batch = (operation: string, statements: ReadonlyArray<Statement.Statement<any>>, atomic: boolean) => {
      const each = Effect.forEach(statements, (statement) => statement.values)
      const run = sqlite !== undefined
        ? sqlite.batch(statements, { atomic, arrays: true })
        : atomic
        ? sql.withTransaction(each)
        : each
      return Effect.mapError(retryConflicts(run), fail(operation))
    }
    const atomically = (operation: string, statements: ReadonlyArray<Statement.Statement<any>>) =>
      batch(operation, statements, true)

    // PostgreSQL: lock existing rows in number order before touching them, so two transactions
    // over overlapping lists wait for each other instead of deadlocking. SQLite needs nothing:
    // its transactions hold the whole database's write lock.
    const lockStatements = (numbers: ReadonlyArray<string>) =>
      Rows.chunks(numbers).map((chunk) =>
        sql`SELECT number FROM wa_numbers WHERE number IN ${sql.in(chunk)} ORDER BY number FOR UPDATE`
      )

    const insertUnknown = (numbers: ReadonlyArray<string>, at: number) =>
      Effect.map(
        Effect.forEach(Rows.chunks(numbers), (chunk) =>
          sql`INSERT INTO wa_numbers ${sql.insert(Arr.map(chunk, (number) => ({ number, added_at: at })))}
              ON CONFLICT (number) DO NOTHING RETURNING number`),
        (inserted) => inserted.reduce((n, rows) => n + rows.length, 0)
      )

    const deleteCounting = (statement: Statement.Fragment) =>
      sql.onDialectOrElse({
        pg: () => Effect.map(sql<{ n: unknown }>`WITH d AS (${statement} RETURNING 1) SELECT COUNT(*) AS n FROM d`, (r) => Rows.int(r[0]?.n)),
        orElse: () =>
          Effect.andThen(sql`${statement}`, Effect.map(sql<{ n: unknown }>`SELECT changes() AS n`, (r) => Rows.int(r[0]?.n)))
      })

    const ledgerTotals = (since: number) =>
      Effect.map(
        sql<{ checks: unknown; messages: unknown }>`SELECT
            COALESCE(SUM(CASE WHEN kind = 'checks' THEN count ELSE 0 END), 0) AS checks,
            COALESCE(SUM(CASE WHEN kind = 'messages' THEN count ELSE 0 END), 0) AS messages
          FROM wa_ledger WHERE at >= ${since}`,
        (rows): ResultStore.LedgerTotals => ({ checks: Rows.int(rows[0]?.checks), messages: Rows.int(rows[0]?.messages) })
      )

    const decodeRows = (operation: string, rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
      Rows.decodeOrFail(operation, redact, () => rows.map(Rows.toStoredNumber))

    /** Keyset pages as a stream: `next(cursor)` reads one page and the cursor after it. */
    const paged = <C>(
      operation: string,
      first: C,
      next: (cursor: C) => Effect.Effect<readonly [ReadonlyArray<ReadonlyArray<unknown>>, Option.Option<C>], SqlError>
    ): Stream.Stream<ResultStore.StoredNumber, ResultStore.StoreError> =>
      Stream.paginate(first, (cursor) =>
        Effect.flatMap(
          Effect.mapError(retryConflicts(next(cursor)), fail(operation)),
          ([rows, after]) => Effect.map(decodeRows(operation, rows), (decoded) => [decoded, after] as const)
        ))

    // Built when run: a statement's first compilation may find its flat parameters wrong (a defect).
    const lookup: ResultStore.ResultStoreShape["lookup"] = (numbers) => Effect.suspend(() => {
      // As given: a read locks nothing (no order to keep), a number given twice is found twice into
      // the same entry, and the check's groups are distinct already (a Set and a sort were 5% of a
      // run answered from the store, bench figure 22).
      const chunked = Rows.chunks(numbers)
      // Reads only: outside any transaction.
      return Effect.flatMap(batch("lookup", chunked.map(bulk.lookup), false), (results) =>
        Effect.gen(function*() {
          const found = new Map<string, ResultStore.StoredNumber>()
          for (const [i, result] of results.entries()) {
            const rows = yield* Rows.decodeOrFail("lookup", redact, () => bulk.lookupRows(chunked[i]!, result))
            for (const stored of yield* decodeRows("lookup", rows)) found.set(stored.number, stored)
          }
          return found
        }))
    })

    const claim: ResultStore.ResultStoreShape["claim"] = ({ numbers, owner, now, until, charge }) => Effect.suspend(() => {
      const chunked = Rows.chunks(distinct(numbers))
      if (chunked.length === 0) return Effect.succeed([])
      const args = { owner, now, until }
      const upserts = chunked.map((chunk) => bulk.claim(chunk, args))
      // The checks about to be sent, charged in the claim's own transaction (a separate reservation
      // was one more transaction, and one more wait, per group: 15% of a first check's time, bench
      // figure 21).
      const charges = charge === undefined ? [] : chunked.map((chunk) => bulk.charge(chunk, args, charge.checkedBefore))
      return Effect.gen(function*() {
        const outcomes: Array<ResultStore.ClaimOutcome> = []
        const got = new Set<string>()
        for (const rows of yield* atomically("claim", [...upserts, ...charges])) {
          for (const stored of yield* decodeRows("claim", rows)) {
            got.add(stored.number)
            outcomes.push({ _tag: "Claimed", number: stored.number, until, current: stored.result })
          }
        }
        // The rest is held by another run (rare: runs sharing a store at once): when its claims
        // lapse is read after the claim, which is only a hint for how long to wait.
        const held = chunked.flatMap((chunk) => chunk.filter((n) => !got.has(n)))
        for (const chunk of Rows.chunks(held)) {
          const rows = yield* Effect.mapError(
            retryConflicts(sql<{ number: string; claim_until: unknown }>`SELECT number, claim_until FROM wa_numbers WHERE number IN ${sql.in(chunk)}`),
            fail("claim")
          )
          for (const row of rows) outcomes.push({ _tag: "Held", number: row.number, until: Rows.int(row.claim_until) })
        }
        return outcomes
      })
    })

    const write: ResultStore.ResultStoreShape["write"] = ({ owner, results, release, at }) => Effect.suspend(() => {
      // The last result of a number in the batch wins (a multi-row upsert may not touch a row twice).
      const latest = new Map(results.map((w) => [w.number, w]))
      const writes = distinct(latest.keys()).map((n) => latest.get(n)!)
      const released = distinct(release).filter((n) => !latest.has(n))
      const history = results.flatMap((w) => (w.history === undefined ? [] : [w.history]))
      if (writes.length === 0 && released.length === 0 && history.length === 0) return Effect.void
      // Results and releases are separate statements: on PostgreSQL their rows are locked in one
      // ordered pass first.
      return Effect.asVoid(atomically("write", [
        ...(isPg && released.length > 0 ? lockStatements(distinct([...latest.keys(), ...released])) : []),
        ...Rows.chunks(writes).map((chunk) => bulk.write(chunk, owner, at)),
        ...Rows.chunks(history).map((chunk) =>
          sql`INSERT INTO wa_history ${
            sql.insert(Arr.map(chunk, (h) => ({
              number: h.number,
              change: h.change,
              checked_at: h.checked_at,
              previous: h.previous === null ? null : Rows.resultJson(h.previous),
              current: Rows.resultJson(h.current)
            })))
          }`
        ),
        ...Rows.chunks(released).map((chunk) =>
          sql`UPDATE wa_numbers SET claim_owner = NULL, claim_until = NULL
            WHERE claim_owner = ${owner} AND number IN ${sql.in(chunk)}`
        )
      ]))
    })

    const add: ResultStore.ResultStoreShape["add"] = (numbers, at) =>
      transaction("add", insertUnknown(distinct(numbers), at))

    type DueCursor =
      | { readonly phase: "unchecked"; readonly after: readonly [number, string] | undefined; readonly left: number }
      | { readonly phase: "checked"; readonly after: readonly [number, string] | undefined; readonly left: number }

    const due: ResultStore.ResultStoreShape["due"] = ({ checkedBefore, limit }) =>
      paged<DueCursor>(
        "due",
        { phase: "unchecked", after: undefined, left: limit ?? Number.POSITIVE_INFINITY },
        (cursor) =>
          Effect.gen(function*() {
            if (cursor.left <= 0) return [[], Option.none()] as const
            const take = Math.min(pageSize, cursor.left)
            const key = cursor.phase === "unchecked" ? "added_at" : "checked_at"
            const where = cursor.phase === "unchecked"
              ? sql`checked_at IS NULL`
              : sql`checked_at IS NOT NULL AND checked_at < ${checkedBefore}`
            const after = cursor.after === undefined
              ? sql``
              : sql`AND (${sql(key)}, number) > (${cursor.after[0]}, ${cursor.after[1]})`
            const rows = yield* sql`SELECT ${columns} FROM wa_numbers
              WHERE ${where} ${after} ORDER BY ${sql(key)}, number LIMIT ${take}`.values
            const last = rows.at(-1)
            const left = cursor.left - rows.length
            const nextCursor: Option.Option<DueCursor> = rows.length === take && last !== undefined
              ? Option.some({ phase: cursor.phase, after: [Rows.int(last[Rows.column(key)]), String(last[Rows.column("number")])], left })
              : cursor.phase === "unchecked"
              ? Option.some({ phase: "checked", after: undefined, left })
              : Option.none()
            return [rows, nextCursor] as const
          })
      )

    const exportAll: ResultStore.ResultStoreShape["export"] = paged<string | undefined>(
      "export",
      undefined,
      (after) =>
        Effect.map(
          sql`SELECT ${columns} FROM wa_numbers
            ${after === undefined ? sql`` : sql`WHERE number > ${after}`} ORDER BY number LIMIT ${pageSize}`.values,
          (rows) =>
            [rows, rows.length === pageSize ? Option.some(String(rows.at(-1)![Rows.column("number")])) : Option.none()] as const
        )
    )

    const history: ResultStore.ResultStoreShape["history"] = (number) =>
      Effect.flatMap(
        Effect.mapError(
          retryConflicts(
            sql<any>`SELECT number, change, checked_at, previous, current FROM wa_history
              WHERE number = ${number} ORDER BY checked_at, id`
          ),
          fail("history")
        ),
        (rows) => Rows.decodeOrFail("history", redact, () => rows.map(Rows.toHistoryEntry))
      )

    const recordMessages: ResultStore.ResultStoreShape["recordMessages"] = (count, at) =>
      Number.isSafeInteger(count) && count > 0
        ? transaction("recordMessages", sql`INSERT INTO wa_ledger ${sql.insert({ kind: "messages", count, at })}`)
        : Effect.fail(new ResultStore.StoreError({ operation: "recordMessages", message: `count must be a positive integer, got ${count}` }))

    const reserve: ResultStore.ResultStoreShape["reserve"] = ({ requested, at, since, decide }) =>
      decide === undefined
        // No rule to apply: the checks are recorded, the ledger is not read.
        ? requested > 0
          ? Effect.as(atomically("reserve", [sql`INSERT INTO wa_ledger ${sql.insert({ kind: "checks", count: requested, at })}`]), requested)
          : Effect.succeed(0)
        : transaction(
        "reserve",
        Effect.gen(function*() {
          // Serialise every reservation of this store: on SQLite the transaction's BEGIN IMMEDIATE
          // already holds the write lock; on PostgreSQL the ledger's EXCLUSIVE lock admits readers
          // but no other reservation (or recording) until commit. Two reservations never see the
          // same totals.
          if (isPg) yield* sql`LOCK TABLE wa_ledger IN EXCLUSIVE MODE`
          const totals = yield* ledgerTotals(since)
          const granted = Math.max(0, Math.min(requested, Math.floor(decide(totals))))
          if (granted > 0) yield* sql`INSERT INTO wa_ledger ${sql.insert({ kind: "checks", count: granted, at })}`
          return granted
        })
      )

    const summary: ResultStore.ResultStoreShape["summary"] = ({ checkedSince, ledgerSince }) =>
      transaction(
        "summary",
        Effect.gen(function*() {
          const [counts] = yield* sql<Record<string, unknown>>`SELECT
              COUNT(*) AS numbers,
              COALESCE(SUM(CASE WHEN checked_at IS NULL THEN 1 ELSE 0 END), 0) AS unchecked,
              COALESCE(SUM(CASE WHEN status = 'valid' THEN 1 ELSE 0 END), 0) AS valid,
              COALESCE(SUM(CASE WHEN status = 'invalid' THEN 1 ELSE 0 END), 0) AS invalid,
              COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
            FROM wa_numbers`
          const since = yield* Effect.forEach(checkedSince, (t) =>
            Effect.map(
              sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM wa_numbers WHERE checked_at >= ${t}`,
              (r) => Rows.int(r[0]?.n)
            ))
          const ledger = yield* ledgerTotals(ledgerSince)
          const [historyRows] = yield* sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM wa_history`
          return {
            numbers: Rows.int(counts?.numbers),
            unchecked: Rows.int(counts?.unchecked),
            byStatus: { valid: Rows.int(counts?.valid), invalid: Rows.int(counts?.invalid), failed: Rows.int(counts?.failed) },
            checkedSince: since,
            ledger,
            historyRows: Rows.int(historyRows?.n)
          }
        })
      )

    const prune: ResultStore.ResultStoreShape["prune"] = (before) =>
      transaction(
        "prune",
        Effect.gen(function*() {
          const old = sql`(checked_at IS NOT NULL AND checked_at < ${before}) OR (checked_at IS NULL AND added_at < ${before})`
          const history = yield* deleteCounting(
            sql`DELETE FROM wa_history WHERE checked_at < ${before} OR number IN (SELECT number FROM wa_numbers WHERE ${old})`
          )
          const numbers = yield* deleteCounting(sql`DELETE FROM wa_numbers WHERE ${old}`)
          const ledger = yield* deleteCounting(sql`DELETE FROM wa_ledger WHERE at < ${before}`)
          return { numbers, history, ledger }
        })
      )

    return ResultStore.ResultStore.of({
      lookup,
      claim,
      write,
      add,
      due,
      export: exportAll,
      history,
      recordMessages,
      reserve,
      summary,
      prune
    })
  })

/**
 * The store as a layer over the `SqlClient` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ResultStore.ResultStore, never, SqlClient.SqlClient> =>
  Layer.effect(ResultStore.ResultStore, make(options))
