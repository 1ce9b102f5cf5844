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
