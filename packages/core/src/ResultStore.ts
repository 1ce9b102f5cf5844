/**
 * The second port beside `Transport`: the store of check results and the ledger of checks and
 * messages. The store is to the results what `Transport` is to the requests: adapters
 * (`@wa-contacts/store`: SQLite, PostgreSQL) keep rows and make each operation atomic; the core
 * keeps every rule — what is fresh and what is due (`StoreRules`), what changed, and how many
 * checks the budget allows (`Budget`). An adapter never compares a result, never reads a clock
 * and never computes a budget: every time, threshold and decision arrives as an argument.
 *
 * Times are epoch milliseconds read by the core from effect's `Clock` (so tests drive the store
 * with `TestClock`). Numbers are translated numbers (`+` and digits), the key of the store.
 *
 * @since 0.2.0
 */
import { Context, type Effect, Schema, SchemaGetter, type Stream } from "effect"

// ---------------------------------------------------------------------------------------------
// Stored records

/**
 * Epoch milliseconds. Decodes what a driver hands back for an integer column — a JS number
 * (`node:sqlite`), a `bigint` or a decimal string (`@effect/sql-pg` for `bigint` columns) — and
 * encodes to a JS number.
 */
export const Millis = Schema.Union([
  Schema.Int,
  Schema.BigInt.pipe(Schema.decodeTo(Schema.Int, {
    decode: SchemaGetter.transform((b) => Number(b)),
    encode: SchemaGetter.transform((n) => BigInt(n))
  })),
  Schema.NumberFromString.check(Schema.isInt())
])

/**
 * A boolean column: `true`/`false` (PostgreSQL) or `1`/`0` (SQLite has no boolean type).
 * Encodes to `true`/`false`; an adapter for a backend without booleans writes `1`/`0` itself.
 */
export const BooleanColumn = Schema.Union([
  Schema.Boolean,
  Schema.Literals([0, 1]).pipe(Schema.decodeTo(Schema.Boolean, {
    decode: SchemaGetter.transform((n) => n === 1),
    encode: SchemaGetter.transform((b): 0 | 1 => (b ? 1 : 0))
  }))
])

/** A raw status as stored: `processing` is never stored (it is not an answer). */
export const StoredStatus = Schema.Literals(["valid", "invalid", "failed"])
/** The decoded form of `StoredStatus`. */
export type StoredStatus = typeof StoredStatus.Type

/**
 * The interpreted outcome as stored (the `_tag` of `Result.Outcome` minus `Processing`):
 * `WhatsAppUser` (legacy valid, trusted wa_id), `NotWhatsAppUser` (invalid), `Checked`
 * (repurposed or unknown valid, untrusted wa_id), `Failed` (the server's check failed).
 */
export const StoredOutcome = Schema.Literals(["WhatsAppUser", "NotWhatsAppUser", "Checked", "Failed"])
/** The decoded form of `StoredOutcome`. */
export type StoredOutcome = typeof StoredOutcome.Type

/** The semantics a result was read with (`Version.Semantics`). */
export const StoredSemantics = Schema.Literals(["legacy", "repurposed", "unknown"])

/**
 * The current result of one translated number, as the core writes it and reads it back. The
 * columns are those of the SQL table (snake_case); decode rows with `StoredResult` so both
 * backends read the same values.
 */
export const StoredResult = Schema.Struct({
  /** The raw status the server answered. */
  status: StoredStatus,
  /** What it means under `semantics`. */
  outcome: StoredOutcome,
  /** The wa_id the server returned, if any. */
  wa_id: Schema.NullOr(Schema.String),
  /** Whether `wa_id` may be used in later calls (only a legacy server's `valid` vouches for it). */
  wa_id_trusted: BooleanColumn,
  /** An `invalid` from a repurposed or unknown server (see `Result.isAnomaly`). */
  anomaly: BooleanColumn,
  semantics: StoredSemantics,
  /** The server's `meta.version` when the check was answered, if it sent one. */
  server_version: Schema.NullOr(Schema.String),
  /** Why the check failed (`Failed` only). */
  detail: Schema.NullOr(Schema.String),
  /** When the check was answered (epoch ms, from the checking process's `Clock`). */
  checked_at: Millis
})
/** The decoded form of `StoredResult`. */
export type StoredResult = typeof StoredResult.Type

/**
 * One number of the store: its translated number, when it was first added (by a check or an
 * import), and its current result — `null` for a number imported and never checked.
 *
 * Row shape for adapters: the columns `number`, `added_at`, then the columns of `StoredResult`,
 * all `NULL` together when there is no result. `StoredNumberRow` decodes such a flat row.
 */
export interface StoredNumber {
  readonly number: string
  readonly added_at: number
  readonly result: StoredResult | null
}

/**
 * A flat row as SQL returns it (`SELECT number, added_at, status, outcome, wa_id, wa_id_trusted,
 * anomaly, semantics, server_version, detail, checked_at`), decoded into a `StoredNumber`.
 * `status IS NULL` means no result yet. Extra columns (claims) are ignored.
 */
export const StoredNumberRow = Schema.Struct({
  number: Schema.String,
  added_at: Millis,
  status: Schema.NullOr(StoredStatus),
  outcome: Schema.NullOr(StoredOutcome),
  wa_id: Schema.NullOr(Schema.String),
  wa_id_trusted: Schema.NullOr(BooleanColumn),
  anomaly: Schema.NullOr(BooleanColumn),
  semantics: Schema.NullOr(StoredSemantics),
  server_version: Schema.NullOr(Schema.String),
  detail: Schema.NullOr(Schema.String),
  checked_at: Schema.NullOr(Millis)
})
/** The decoded form of `StoredNumberRow`. */
export type StoredNumberRow = typeof StoredNumberRow.Type

/** Turn a decoded flat row into a `StoredNumber`. */
export const fromRow = (row: StoredNumberRow): StoredNumber => ({
  number: row.number,
  added_at: row.added_at,
  result: row.status === null || row.outcome === null || row.semantics === null || row.checked_at === null
    ? null
    : {
      status: row.status,
      outcome: row.outcome,
      wa_id: row.wa_id,
      wa_id_trusted: row.wa_id_trusted ?? false,
      anomaly: row.anomaly ?? false,
      semantics: row.semantics,
      server_version: row.server_version,
      detail: row.detail,
      checked_at: row.checked_at
    }
})

/**
 * What changed between two results of a number (the core decides, `StoreRules.changeOf`):
 * - `new`: the first result of the number;
 * - `newly_invalid` / `newly_valid`: the raw status moved to / from `invalid`;
 * - `wa_id_changed`, `semantics_changed`;
 * - `failed`: the status moved to `failed` from something else;
 * - `unchanged`.
 */
export const Change = Schema.Literals([
  "new",
  "newly_invalid",
  "newly_valid",
  "wa_id_changed",
  "semantics_changed",
  "failed",
  "unchanged"
])
/** The decoded form of `Change`. */
export type Change = typeof Change.Type

/**
 * One row of a number's history: written with a result whenever it differs from the previous one
 * (the core writes none for `unchanged`, nor for `new`: a first result is the current row itself).
 * `previous` is the result it replaced (`null` for `new`).
 * Row shape: `number`, `change`, `checked_at` plus `previous` and `current` as JSON text (the
 * encoded `StoredResult`), so history survives later schema changes of the current table.
 */
export const HistoryEntry = Schema.Struct({
  number: Schema.String,
  change: Change,
  checked_at: Millis,
  previous: Schema.NullOr(StoredResult),
  current: StoredResult
})
/** The decoded form of `HistoryEntry`. */
export type HistoryEntry = typeof HistoryEntry.Type

// ---------------------------------------------------------------------------------------------
// Operations

/**
 * The outcome of claiming one number for checking:
 * - `Claimed`: the caller now holds the claim until `until`; `current` is the number's result
 *   read in the same transaction (the core checks again whether it is still due: another
 *   process may have written it since the caller looked);
 * - `Held`: another owner holds a claim that has not lapsed; `until` is when it lapses.
 */
export type ClaimOutcome =
  | { readonly _tag: "Claimed"; readonly number: string; readonly until: number; readonly current: StoredResult | null }
  | { readonly _tag: "Held"; readonly number: string; readonly until: number }

/** One number's new result in a `write`. */
export interface ResultWrite {
  readonly number: string
  readonly result: StoredResult
  /** A history row to append in the same transaction; absent when nothing changed. */
  readonly history?: HistoryEntry | undefined
}

/** A batch for `write`: results to make current, and claims of `owner` to release. */
export interface WriteBatch {
  /** The claim holder writing (its claims on `results` and `release` are released). */
  readonly owner: string
  readonly results: ReadonlyArray<ResultWrite>
  /** Numbers whose claim is released without a new result (deferred, inconclusive). */
  readonly release: ReadonlyArray<string>
  /** When the batch is written (epoch ms): `added_at` of numbers new to the store. */
  readonly at: number
}

/** The ledger's totals since a time: numbers sent in checks, and messages recorded. */
export interface LedgerTotals {
  readonly checks: number
  readonly messages: number
}

/**
 * A reservation of checks against the budget. The adapter, inside ONE transaction that
 * serialises every reservation of the store (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a
 * transaction-scoped advisory lock or `LOCK … IN EXCLUSIVE MODE` on the ledger):
 * 1. sums the ledger since `since` (checks, messages);
 * 2. calls `decide(totals)` — pure and synchronous, the core's rule — for the number to grant,
 *    an integer in `0..requested`;
 * 3. appends a `checks` entry of that many at `at` (nothing when 0) and commits;
 * 4. returns the granted count.
 * Two reservations never see the same totals, so the budget is never exceeded under concurrency.
 * Without `decide` (no budget applies) every check requested is granted and recorded, and the
 * ledger is not read.
 */
export interface Reservation {
  readonly requested: number
  /** When the checks are sent (epoch ms). */
  readonly at: number
  /** The start of the rolling window (epoch ms): ledger entries at or after it count. */
  readonly since: number
  readonly decide?: ((totals: LedgerTotals) => number) | undefined
}

/** Counts for `store stats`: the adapter counts, the core names the buckets. */
export interface SummaryRequest {
  /** For each threshold (epoch ms), count results with `checked_at >= threshold`. */
  readonly checkedSince: ReadonlyArray<number>
  /** The start of the ledger window (epoch ms). */
  readonly ledgerSince: number
}

/** What `summary` counts. */
export interface Summary {
  /** Numbers in the store. */
  readonly numbers: number
  /** Numbers without a result (imported, never checked). */
  readonly unchecked: number
  /** Results per raw status. */
  readonly byStatus: Readonly<Record<StoredStatus, number>>
  /** Per threshold of the request, in order: results checked at or after it. */
  readonly checkedSince: ReadonlyArray<number>
  /** Ledger totals since `ledgerSince`. */
  readonly ledger: LedgerTotals
  /** History rows. */
  readonly historyRows: number
}

/** What `prune` removed. */
export interface Pruned {
  /** Numbers removed (their result was checked before the cut-off, or they were never checked and added before it). */
  readonly numbers: number
  /** History rows removed (`checked_at` before the cut-off, or of removed numbers). */
  readonly history: number
  /** Ledger entries removed (`at` before the cut-off). */
  readonly ledger: number
}

/**
 * A failure of the store itself (connection, constraint, corrupt row). `message` never contains a
 * password: adapters redact connection strings before building it.
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  /** The port operation that failed (`lookup`, `claim`, `write`, …). */
  operation: Schema.String,
  message: Schema.String
}) {}

/**
 * The store port. Every operation is atomic (one transaction); none reads a clock or applies a
 * rule of its own. Batches are at most a few thousand numbers (the core sends one check group at
 * a time); adapters may split statements but not transactions.
 */
export interface ResultStoreShape {
  /**
   * The current state of each of `numbers` that the store knows; numbers it does not know are
   * absent from the map. No claim is taken. Order and duplicates in `numbers` do not matter.
   */
  readonly lookup: (numbers: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, StoredNumber>, StoreError>

  /**
   * Claim `numbers` for checking, for `owner`, until `until` (epoch ms). In one transaction, for
   * each number: insert it if unknown (`added_at` = `now`, no result); if it has no claim, or its
   * claim lapsed (`claim_until <= now`), or `owner` already holds it, set the claim to (`owner`,
   * `until`) and answer `Claimed` with its current result; else answer `Held` with the other
   * claim's `claim_until`. One outcome per distinct number, in any order.
   *
   * A claim lapses by itself at `until`: a holder that dies blocks nobody for longer.
   *
   * With `charge`, the same transaction also appends a `checks` entry at `now` to the ledger: the
   * count of numbers this claim took whose result is due (none, or `checked_at < checkedBefore`),
   * i.e. what the caller is about to send when no budget decides. The checks are recorded before
   * anything is sent, without a transaction of their own (no entry when the count is 0).
   */
  readonly claim: (request: {
    readonly numbers: ReadonlyArray<string>
    readonly owner: string
    readonly now: number
    readonly until: number
    readonly charge?: { readonly checkedBefore: number } | undefined
  }) => Effect.Effect<ReadonlyArray<ClaimOutcome>, StoreError>

  /**
   * In one transaction: make each `results[i].result` the current result of its number
   * (inserting the number with `added_at` = `at` if unknown), append each `history` row, and
   * release `owner`'s claims on every number of `results` and `release` (a claim held by another
   * owner — after `owner`'s lapsed — is left alone, but the result is still written: the last
   * answer wins). A crash loses the whole batch, never part of it.
   */
  readonly write: (batch: WriteBatch) => Effect.Effect<void, StoreError>

  /**
   * Add numbers without checking them (`store import`): insert each unknown one with
   * `added_at` = `at` and no result; known numbers are left as they are. Answers how many were
   * new.
   */
  readonly add: (numbers: ReadonlyArray<string>, at: number) => Effect.Effect<number, StoreError>

  /**
   * Numbers due for a check, oldest first: those without a result first (by `added_at`, then
   * number), then those with `checked_at < checkedBefore` by `checked_at`, then number. At most
   * `limit` (all when absent). Numbers claimed by someone else are included (the claim decides
   * later). The stream reads in pages (keyset on `checked_at, number`), so a long list is not held
   * in memory; rows written while it runs with a newer `checked_at` do not reappear.
   */
  readonly due: (request: {
    readonly checkedBefore: number
    readonly limit?: number | undefined
  }) => Stream.Stream<StoredNumber, StoreError>

  /** Every number of the store with its current result, ordered by number, read in pages. */
  readonly export: Stream.Stream<StoredNumber, StoreError>

  /** The history rows of one number, oldest first. */
  readonly history: (number: string) => Effect.Effect<ReadonlyArray<HistoryEntry>, StoreError>

  /** Append a `messages` entry of `count` at `at` to the ledger (`count` > 0). */
  readonly recordMessages: (count: number, at: number) => Effect.Effect<void, StoreError>

  /** Reserve checks against the budget; see `Reservation`. Answers the granted count. */
  readonly reserve: (reservation: Reservation) => Effect.Effect<number, StoreError>

  /** Counts for `store stats`; see `Summary`. */
  readonly summary: (request: SummaryRequest) => Effect.Effect<Summary, StoreError>

  /**
   * Remove what is older than `before` (epoch ms): numbers whose result was checked before it (or
   * never checked and added before it), with their history; history rows checked before it;
   * ledger entries before it. One transaction.
   */
  readonly prune: (before: number) => Effect.Effect<Pruned, StoreError>
}

/** The store service: `@wa-contacts/store` provides it (SQLite or PostgreSQL). */
export class ResultStore extends Context.Service<ResultStore, ResultStoreShape>()("@wa-contacts/core/ResultStore") {}
