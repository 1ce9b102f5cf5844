/**
 * The result store of wa-contacts: SQLite on Node's built-in `node:sqlite` (a file, nothing to
 * run) and PostgreSQL through `@effect/sql-pg` (shared by many processes), one SQL code path.
 *
 * @since 0.1.0
 */

/**
 * A thin `effect/sql` `SqlClient` over `node:sqlite`.
 *
 * @since 0.1.0
 */
export * as SqliteClient from "./SqliteClient.ts"

/**
 * The `ResultStore` port on `effect/sql`: one code path for SQLite and PostgreSQL.
 *
 * @since 0.1.0
 */
export * as SqlResultStore from "./SqlResultStore.ts"

/**
 * The store's schema as `effect/sql` migrations.
 *
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.ts"

/**
 * Store locations (a SQLite path or a `postgres://` URL) and the layer that opens one.
 *
 * @since 0.1.0
 */
export * as Store from "./Store.ts"
