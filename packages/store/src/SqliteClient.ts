/**
 * A thin `effect/sql` `SqlClient` over Node's built-in `node:sqlite` (`DatabaseSync`).
 *
 * No SQLite driver is published for effect 4.1 (`@effect/sql-sqlite-node` 4.x is a beta on the
 * older `effect/unstable/sql` paths), and a native addon is what this project avoids: Node 24
 * ships SQLite itself. The driver is small because `effect/sql` does the work: statements,
 * the compiler, transactions with savepoints, and `makeSqliteAcquirers` (one connection shared
 * through a semaphore, with the clean-up SQLite needs after a failed `COMMIT`).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Client from "effect/sql/SqlClient"
import type { Connection } from "effect/sql/SqlConnection"
import { classifySqliteError, ConnectionError, SqlError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"
import * as Stream from "effect/Stream"
import { DatabaseSync, type StatementSync } from "node:sqlite"

/**
 * @since 0.1.0
 * @category type IDs
 */
export const TypeId = "~@wa-contacts/store/SqliteClient" as const

/**
 * How a top-level transaction starts.
 *
 * - `immediate` (the default): `BEGIN IMMEDIATE` takes the write lock at once, so two processes
 *   sharing a file wait for each other through the busy timeout. A plain deferred `BEGIN` that
 *   reads first and writes later can fail with `SQLITE_BUSY` at the write *without* waiting
 *   (SQLite refuses to wait where waiting could deadlock), which a store shared by several
 *   processes would see as random failures.
 * - `deferred`: `BEGIN`, for read-mostly transactions in a single process.
 * - `exclusive`: `BEGIN EXCLUSIVE`.
 *
 * @since 0.1.0
 * @category models
 */
export type TransactionMode = "deferred" | "immediate" | "exclusive"

/**
 * @since 0.1.0
 * @category models
 */
export interface SqliteClientConfig {
  /** A path, or `:memory:`. The file is created when missing. */
  readonly filename: string
  readonly readonly?: boolean | undefined
  /** Write-ahead logging: readers do not block the writer. On unless disabled. */
  readonly disableWAL?: boolean | undefined
  /** How long a statement waits for another connection's lock before failing. Default 5 s. */
  readonly busyTimeout?: Duration.Input | undefined
  /** Default `immediate`; see {@link TransactionMode}. */
  readonly transactionMode?: TransactionMode | undefined
  /**
   * SQLite's page cache in KiB (`PRAGMA cache_size = -N`). Default 65,536 (64 MiB): a store of a
   * million numbers is a few hundred MiB, and a list in random order touches pages all over it.
   */
  readonly cacheSizeKiB?: number | undefined
  /**
   * Write-ahead log pages before SQLite copies them into the file (`PRAGMA wal_autocheckpoint`).
   * Default 10,000 (about 40 MiB of log at 4 KiB pages); 0 disables automatic checkpoints.
   */
  readonly walAutocheckpointPages?: number | undefined
  /** Prepared statements kept for reuse (least recently used are dropped). Default 200. */
  readonly prepareCacheSize?: number | undefined
  /** Rows pulled from SQLite per chunk when a query is streamed. Default 1024. */
  readonly streamChunkSize?: number | undefined
  readonly spanAttributes?: Record<string, unknown> | undefined
  readonly transformResultNames?: ((str: string) => string) | undefined
  readonly transformQueryNames?: ((str: string) => string) | undefined
}

/**
 * A `SqlClient` on a SQLite file, with what only SQLite has.
 *
 * @since 0.1.0
 * @category models
 */
export interface SqliteClient extends Client.SqlClient {
  readonly [TypeId]: typeof TypeId
  readonly config: SqliteClientConfig
  /** The whole database as bytes (`sqlite3_serialize`), taken under the connection's lock. */
  readonly export: Effect.Effect<Uint8Array, SqlError>
}

/**
 * @since 0.1.0
 * @category services
 */
export const SqliteClient = Context.Service<SqliteClient>("@wa-contacts/store/SqliteClient")

const BEGIN: Record<TransactionMode, string> = {
  deferred: "BEGIN",
  immediate: "BEGIN IMMEDIATE",
  exclusive: "BEGIN EXCLUSIVE"
}

const sqlError = (cause: unknown, message: string, operation: string) =>
  new SqlError({ reason: classifySqliteError(withErrno(cause), { message, operation }) })

// node:sqlite reports the extended result code as `errcode`; effect's classifier reads `errno`.
const withErrno = (cause: unknown): unknown =>
  typeof cause === "object" && cause !== null && "errcode" in cause && !("errno" in cause)
    ? Object.assign(cause, { errno: (cause as { errcode: unknown }).errcode })
    : cause

// node:sqlite binds null, numbers, bigints, strings and bytes only; map the other values
// effect/sql statements commonly carry instead of letting the binding throw.
const bindable = (value: unknown): unknown => {
  if (value === undefined) return null
  if (typeof value === "boolean") return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  return value
}
const bindAll = (params: ReadonlyArray<unknown>): Array<any> => params.map(bindable)

interface SqliteConnection extends Connection {
  readonly db: DatabaseSync
}

/**
 * Opens the database and builds the client. The connection closes with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: SqliteClientConfig
): Effect.Effect<SqliteClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const compiler = Statement.makeCompilerSqlite(options.transformQueryNames)
    const transformRows = options.transformResultNames
      ? Statement.defaultTransforms(options.transformResultNames).array
      : undefined
    const busyMillis = Duration.toMillis(options.busyTimeout ?? Duration.seconds(5))
    const chunkSize = Math.max(1, options.streamChunkSize ?? 1024)

    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          new DatabaseSync(options.filename, {
            readOnly: options.readonly ?? false,
            timeout: Math.round(busyMillis)
          }),
        catch: (cause) =>
          new SqlError({
            reason: new ConnectionError({ cause, message: `Cannot open SQLite database`, operation: "open" })
          })
      }),
      (db) => Effect.sync(() => db.isOpen && db.close())
    )
    yield* Effect.try({
      try: () => {
        if (options.disableWAL !== true && options.readonly !== true && options.filename !== ":memory:") {
          db.exec("PRAGMA journal_mode = WAL")
          // In WAL mode NORMAL is durable across application crashes (kill -9); only a power loss
          // can lose the last transactions, never corrupt the file.
          db.exec("PRAGMA synchronous = NORMAL")
          // A group of a random-order list dirties a page per number all over the number index;
          // checkpointing every 1,000 pages (SQLite's default) copies those pages into the file
          // after nearly every transaction. A longer log lets the same pages, dirtied again by
          // the next groups, be copied once: the first check of 1M numbers spends ~40% less in
          // its claims. Durability is unchanged (the log is the database until checkpointed).
          db.exec(`PRAGMA wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpointPages ?? 10_000))}`)
        }
        db.exec("PRAGMA foreign_keys = ON")
        db.exec(`PRAGMA cache_size = -${Math.max(0, Math.floor(options.cacheSizeKiB ?? 65_536))}`)
      },
      catch: (cause) => sqlError(cause, "Failed to configure the SQLite database", "open")
    })

    const cacheSize = Math.max(0, options.prepareCacheSize ?? 200)
    const cache = new Map<string, StatementSync>()
    const prepare = (sql: string): StatementSync => {
      const hit = cache.get(sql)
      if (hit !== undefined) {
        // Re-insert to mark it most recently used (Map keeps insertion order).
        cache.delete(sql)
        cache.set(sql, hit)
        return hit
      }
      const statement = db.prepare(sql)
      if (cacheSize > 0) {
        cache.set(sql, statement)
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value!)
      }
      return statement
    }

    const run = (
      sql: string,
      params: ReadonlyArray<unknown>,
      opts: { readonly prepared: boolean; readonly arrays: boolean; readonly raw: boolean }
    ): Effect.Effect<any, SqlError> =>
      Effect.withFiber((fiber): Effect.Effect<unknown, SqlError> => {
        const safeIntegers = fiber.getRef(Client.SafeIntegers)
        try {
          const statement = opts.prepared ? prepare(sql) : db.prepare(sql)
          statement.setReadBigInts(safeIntegers)
          statement.setReturnArrays(opts.arrays)
          try {
            if (statement.columns().length > 0) return Effect.succeed(statement.all(...bindAll(params)))
            const result = statement.run(...bindAll(params))
            return Effect.succeed(
              opts.raw ? { changes: result.changes, lastInsertRowid: result.lastInsertRowid } : []
            )
          } finally {
            // A cached statement is shared: leave it in the default (object rows) mode.
            if (opts.arrays) statement.setReturnArrays(false)
          }
        } catch (cause) {
          return Effect.fail(sqlError(cause, "Failed to execute statement", "execute"))
        }
      })

    const stream = (
      sql: string,
      params: ReadonlyArray<unknown>,
      transform: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
    ): Stream.Stream<any, SqlError> =>
      Stream.unwrap(Effect.withFiber((fiber) => {
        const safeIntegers = fiber.getRef(Client.SafeIntegers)
        return Effect.try({
          try: () => {
            // Not cached: an open iterator keeps its statement busy until it is exhausted.
            const statement = db.prepare(sql)
            statement.setReadBigInts(safeIntegers)
            return statement.iterate(...bindAll(params))
          },
          catch: (cause) => sqlError(cause, "Failed to execute statement", "executeStream")
        }).pipe(Effect.map((iterator) =>
          Stream.paginate(undefined, () =>
            Effect.try({
              try: () => {
                const rows: Array<object> = []
                let next = iterator.next()
                while (!next.done) {
                  rows.push(next.value as object)
                  if (rows.length >= chunkSize) break
                  next = iterator.next()
                }
                const out = transform ? transform(rows) : rows
                return [out, next.done ? Option.none() : Option.some(undefined)] as const
              },
              catch: (cause) => sqlError(cause, "Failed to read the next rows", "executeStream")
            })
          ).pipe(Stream.ensuring(Effect.sync(() => iterator.return?.())))
        ))
      }))

    const connection: SqliteConnection = {
      db,
      execute: (sql, params, transform) =>
        transform
          ? Effect.map(run(sql, params, { prepared: true, arrays: false, raw: false }), transform)
          : run(sql, params, { prepared: true, arrays: false, raw: false }),
      executeRaw: (sql, params) => run(sql, params, { prepared: true, arrays: false, raw: true }),
      executeValues: (sql, params) => run(sql, params, { prepared: true, arrays: true, raw: false }),
      executeValuesUnprepared: (sql, params) => run(sql, params, { prepared: false, arrays: true, raw: false }),
      executeUnprepared: (sql, params, transform) =>
        transform
          ? Effect.map(run(sql, params, { prepared: false, arrays: false, raw: false }), transform)
          : run(sql, params, { prepared: false, arrays: false, raw: false }),
      executeStream: stream
    }

    const semaphore = yield* Semaphore.make(1)
    const acquirers = Client.makeSqliteAcquirers({
      connection: Effect.succeed(connection),
      semaphore,
      isTransaction: (conn) => conn.db.isTransaction
    })

    const client = yield* Client.make({
      acquirer: acquirers.acquirer,
      borrower: acquirers.borrower,
      transactionAcquirer: acquirers.transactionAcquirer,
      onCommitFailure: acquirers.onCommitFailure,
      isTransaction: acquirers.isTransaction,
      compiler,
      driver: "sqlite-node-builtin",
      beginTransaction: BEGIN[options.transactionMode ?? "immediate"],
      prepareTransactionControls: true,
      releaseSavepoint: (name) => `RELEASE SAVEPOINT ${name}`,
      spanAttributes: [
        ...(options.spanAttributes ? Object.entries(options.spanAttributes) : []),
        ["db.system.name", "sqlite"]
      ],
      transformRows
    })

    return Object.assign(client, {
      [TypeId]: TypeId,
      config: options,
      export: acquirers.borrower(() =>
        Effect.try({
          try: () => db.serialize() as Uint8Array,
          catch: (cause) => sqlError(cause, "Failed to serialize the database", "export")
        })
      )
    }) as SqliteClient
  })

/**
 * Provides `SqliteClient` and the generic `SqlClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (config: SqliteClientConfig): Layer.Layer<SqliteClient | Client.SqlClient, SqlError> =>
  Layer.effectContext(
    Effect.map(make(config), (client) =>
      Context.make(SqliteClient, client).pipe(Context.add(Client.SqlClient, client)))
  ).pipe(Layer.provide(Reactivity.layer))

/**
 * {@link layer} from `Config` (for example `Config.String("WA_STORE")` for the filename).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Wrap<SqliteClientConfig>
): Layer.Layer<SqliteClient | Client.SqlClient, Config.ConfigError | SqlError> =>
  Layer.effectContext(
    Config.unwrap(config).pipe(
      Effect.flatMap(make),
      Effect.map((client) => Context.make(SqliteClient, client).pipe(Context.add(Client.SqlClient, client)))
    )
  ).pipe(Layer.provide(Reactivity.layer))
