/**
 * The store's schema, as `effect/sql` migrations run by its `Migrator` (one table of applied
 * migrations, each migration in a transaction, concurrent starters serialised).
 *
 * Three tables, the same on both backends (column types differ only where the dialects do):
 * - `wa_numbers`: one row per translated number — when it was added, its current result (all
 *   result columns `NULL` until it is checked) and the claim (owner, lease end) of a checker;
 * - `wa_history`: a row per change of a number's result, with the previous and the new result
 *   as JSON text (so history survives later changes of `wa_numbers`);
 * - `wa_ledger`: the check budget's ledger, one row per reservation of checks or per recording
 *   of messages.
 *
 * Times are epoch milliseconds (`BIGINT`): the core reads effect's `Clock`, the database's clock
 * is never used, so tests can drive the store with `TestClock`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Migrator from "effect/sql/Migrator"
import * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** The table of applied migrations. */
export const MIGRATIONS_TABLE = "wa_store_migrations"

const initial = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql.onDialectOrElse({
    // PostgreSQL: a B-tree primary key; booleans are booleans.
    pg: () =>
      sql`CREATE TABLE wa_numbers (
        number TEXT PRIMARY KEY,
        added_at BIGINT NOT NULL,
        status TEXT,
        outcome TEXT,
        wa_id TEXT,
        wa_id_trusted BOOLEAN,
        anomaly BOOLEAN,
        semantics TEXT,
        server_version TEXT,
        detail TEXT,
        checked_at BIGINT,
        claim_owner TEXT,
        claim_until BIGINT
      )`,
    // SQLite: rows in insertion order (rowid), the number in a unique index. Lists come in random
    // order; keyed by number, every claim and every write of a group would dirty a page per
    // number all over the table (and SQLite writes whole pages at each commit). In insertion order
    // a run's numbers sit together, so its claims, writes and later re-validations (oldest first:
    // the same order) touch few pages; only the small index entries land at random.
    orElse: () =>
      sql`CREATE TABLE wa_numbers (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        added_at INTEGER NOT NULL,
        status TEXT,
        outcome TEXT,
        wa_id TEXT,
        wa_id_trusted INTEGER,
        anomaly INTEGER,
        semantics TEXT,
        server_version TEXT,
        detail TEXT,
        checked_at INTEGER,
        claim_owner TEXT,
        claim_until INTEGER
      )`
  })
  // The two halves of `due`: never-checked numbers by `added_at`, then results by age.
  yield* sql`CREATE INDEX wa_numbers_unchecked ON wa_numbers (added_at, number) WHERE checked_at IS NULL`
  yield* sql`CREATE INDEX wa_numbers_checked ON wa_numbers (checked_at, number) WHERE checked_at IS NOT NULL`
  yield* sql.onDialectOrElse({
    pg: () =>
      Effect.andThen(
        sql`CREATE TABLE wa_history (
          id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          number TEXT NOT NULL,
          change TEXT NOT NULL,
          checked_at BIGINT NOT NULL,
          previous TEXT,
          current TEXT NOT NULL
        )`,
        sql`CREATE TABLE wa_ledger (
          id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('checks', 'messages')),
          count BIGINT NOT NULL CHECK (count >= 0),
          at BIGINT NOT NULL
        )`
      ),
    orElse: () =>
      Effect.andThen(
        sql`CREATE TABLE wa_history (
          id INTEGER PRIMARY KEY,
          number TEXT NOT NULL,
          change TEXT NOT NULL,
          checked_at INTEGER NOT NULL,
          previous TEXT,
          current TEXT NOT NULL
        )`,
        sql`CREATE TABLE wa_ledger (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('checks', 'messages')),
          count INTEGER NOT NULL CHECK (count >= 0),
          at INTEGER NOT NULL
        )`
      )
  })
  // History is appended in time order. An index by number would put a page write per number at
  // a random place of every write; on SQLite (one machine, bulk runs) `history(number)` and
  // `prune` scan instead. PostgreSQL keeps the index. No index on checked_at either: it would cost
  // every write for the sake of `prune`, which may scan.
  yield* sql.onDialectOrElse({
    pg: () => sql`CREATE INDEX wa_history_number ON wa_history (number, checked_at)`,
    orElse: () => Effect.void
  })
  yield* sql`CREATE INDEX wa_ledger_at ON wa_ledger (at)`
})

/** The migrations, by id. Append new ones; never edit one that has shipped. */
export const loader: Migrator.Loader = Migrator.fromRecord({
  "1_initial": initial
})

/**
 * Brings the schema up to date; answers the migrations it applied. Safe to run from several
 * processes at once (the Migrator locks its table; later starters find nothing to do).
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient.SqlClient
> = Migrator.make({})({ loader, table: MIGRATIONS_TABLE })
