/**
 * Where the store lives, and the layer that opens it: a `postgres://` or `postgresql://` URL is
 * a PostgreSQL store (shared by every process that opens it), anything else is the path of a
 * SQLite file (created when missing). Either way the schema is migrated on open and the layer
 * provides the core's `ResultStore`.
 *
 * A password in a PostgreSQL URL stays `Redacted`: `display` masks it, and every error message
 * of the store has it removed.
 *
 * @since 0.1.0
 */
import { ResultStore } from "@wa-contacts/core"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as SqlClient from "effect/sql/SqlClient"
import * as Rows from "./internal/rows.ts"
import * as Migrations from "./Migrations.ts"
import * as SqliteClient from "./SqliteClient.ts"
import * as SqlResultStore from "./SqlResultStore.ts"

/**
 * A parsed store location.
 *
 * @since 0.1.0
 * @category models
 */
export type Location =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | {
    readonly _tag: "Postgres"
    /** The connection URL without the `schema` parameter, password included: never print it. */
    readonly url: Redacted.Redacted<string>
    /** The PostgreSQL schema holding the tables (`?schema=` in the URL); `public` when absent. */
    readonly schema: string | undefined
    /** The URL with its password masked, for messages. */
    readonly display: string
    /** Secrets to remove from any message (the password as written and decoded). */
    readonly secrets: Redacted.Redacted<ReadonlyArray<string>>
  }

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * Reads a location: `postgres://…`/`postgresql://…` (optionally `?schema=NAME`) or a SQLite path
 * (`sqlite:PATH` and `file:PATH` are accepted too). Fails with a `StoreError` on an empty path,
 * a malformed URL or an invalid schema name; the message never contains the password.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (input: string): Effect.Effect<Location, ResultStore.StoreError> =>
  Effect.suspend(() => {
    const fail = (message: string) => Effect.fail(new ResultStore.StoreError({ operation: "open", message }))
    const text = input.trim()
    if (!/^postgres(ql)?:\/\//i.test(text)) {
      const filename = text.replace(/^(sqlite|file):(\/\/)?/i, "")
      return filename.length === 0
        ? fail("the store location is empty: give a SQLite file path or a postgres:// URL")
        : Effect.succeed<Location>({ _tag: "Sqlite", filename })
    }
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return fail("the PostgreSQL URL is malformed (expected postgres://user:password@host:port/database)")
    }
    const secrets = [decodeSafe(url.password), url.password, url.searchParams.get("password") ?? ""]
      .filter((s) => s.length > 0)
    const schema = url.searchParams.get("schema") ?? undefined
    url.searchParams.delete("schema")
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      return fail(`invalid schema name ${JSON.stringify(schema)} (letters, digits and _, not starting with a digit)`)
    }
    const masked = new URL(url.toString())
    if (masked.password !== "") masked.password = "***"
    if (masked.searchParams.has("password")) masked.searchParams.set("password", "***")
    if (schema !== undefined) masked.searchParams.set("schema", schema)
    return Effect.succeed<Location>({
      _tag: "Postgres",
      url: Redacted.make(url.toString()),
      schema,
      display: masked.toString(),
      secrets: Redacted.make(secrets)
    })
  })

const decodeSafe = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * The location for people: the SQLite path, or the PostgreSQL URL with its password masked.
 *
 * @since 0.1.0
 */
export const display = (location: Location): string =>
  location._tag === "Sqlite" ? location.filename : location.display

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** SQLite: how long to wait for another process's lock (default 5 s). */
  readonly busyTimeout?: SqliteClient.SqliteClientConfig["busyTimeout"]
  /** PostgreSQL: connections in the pool (default 10). */
  readonly maxConnections?: number | undefined
}

const redactorOf = (location: Location) =>
  Rows.redactor(location._tag === "Postgres" ? Redacted.value(location.secrets) : [])

/**
 * The `SqlClient` of a location, with the store's schema migrated (PostgreSQL: created first
 * when `?schema=` names one that does not exist).
 *
 * @since 0.1.0
 * @category layers
 */
export const clientLayer = (
  location: Location,
  options: Options = {}
): Layer.Layer<SqlClient.SqlClient, ResultStore.StoreError> => {
  const redact = redactorOf(location)
  const migrate = Layer.effectDiscard(
    Effect.gen(function*() {
      if (location._tag === "Postgres" && location.schema !== undefined) {
        const sql = yield* SqlClient.SqlClient
        // Concurrent `CREATE SCHEMA IF NOT EXISTS` can still collide in the catalog: take a lock.
        yield* sql.withTransaction(Effect.andThen(
          sql`SELECT pg_advisory_xact_lock(hashtext('wa-contacts-store-schema'))`,
          sql`CREATE SCHEMA IF NOT EXISTS ${sql(location.schema)}`
        ))
      }
      yield* Migrations.run
    }).pipe(Effect.mapError(Rows.toStoreError("open", redact)))
  )
  const client: Layer.Layer<SqlClient.SqlClient, unknown> = location._tag === "Sqlite"
    ? SqliteClient.layer({ filename: location.filename, busyTimeout: options.busyTimeout })
    : PgClient.layer({
      url: location.url,
      maxConnections: options.maxConnections,
      applicationName: "wa-contacts-store",
      ...(location.schema === undefined ? {} : { startupParameters: { search_path: location.schema } })
    })
  // Opening errors become StoreErrors (password removed) instead of driver errors.
  return Layer.effectContext(
    Effect.mapError(Layer.build(Layer.provideMerge(migrate, client)), (error) =>
      error instanceof ResultStore.StoreError ? error : Rows.toStoreError("open", redact)(error))
  )
}

/**
 * The core's `ResultStore` at `location` (a string is parsed with {@link parse}).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  location: string | Location,
  options: Options = {}
): Layer.Layer<ResultStore.ResultStore, ResultStore.StoreError> => layerWithClient(location, options)

/**
 * {@link layer}, also providing the `SqlClient` under the store (for tools and tests that need
 * to look at the tables themselves).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithClient = (
  location: string | Location,
  options: Options = {}
): Layer.Layer<ResultStore.ResultStore | SqlClient.SqlClient, ResultStore.StoreError> =>
  Layer.unwrap(Effect.map(
    typeof location === "string" ? parse(location) : Effect.succeed(location),
    (loc) => SqlResultStore.layer({ redact: redactorOf(loc) }).pipe(Layer.provideMerge(clientLayer(loc, options)))
  ))
