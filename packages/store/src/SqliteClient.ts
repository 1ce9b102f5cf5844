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
import { Worker } from "node:worker_threads"
import * as WorkerThread from "./internal/sqliteWorker.ts"

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
  /**
   * Statements that do not read each other's results, sent to the connection's thread as one
   * message: the rows of each, in order. With `atomic`, one transaction (begun as configured,
   * see {@link TransactionMode}): all or nothing. It does not wait for earlier batches to be
   * answered, so several can be on their way; and it is never inside a transaction of this
   * connection (not even the caller's own: do not call it inside `withTransaction`). With
   * `arrays`, rows are arrays of values in column order, as `Statement.values` gives them.
   */
  readonly batch: (
    statements: ReadonlyArray<Statement.Statement<any>>,
    options: { readonly atomic: boolean; readonly arrays?: boolean | undefined }
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<any>>, SqlError>
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
// As given when nothing needs mapping (most statements): no copy of thousands of parameters.
const bindAll = (params: ReadonlyArray<unknown>): ReadonlyArray<unknown> => {
  for (let i = 0; i < params.length; i++) {
    const value = params[i]
    if (value === undefined || typeof value === "boolean" || value instanceof Date) return params.map(bindable)
  }
  return params
}

/** A failure answered by the connection's thread, as the `Error` SQLite's classifier reads. */
const workerError = (failure: WorkerThread.WorkerFailure): Error =>
  Object.assign(new Error(failure.message), { code: failure.code, errcode: failure.errcode, errstr: failure.errstr })

/**
 * Opens the database and builds the client. The connection closes with the scope.
 *
 * The connection lives in its own thread (see `internal/sqliteWorker.ts`): statements are
 * messages, answered in order; while SQLite works, the caller's thread goes on.
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
    const config: WorkerThread.WorkerConfig = {
      filename: options.filename,
      readOnly: options.readonly ?? false,
      busyMillis: Math.round(busyMillis),
      wal: options.disableWAL !== true && options.readonly !== true && options.filename !== ":memory:",
      walAutocheckpointPages: Math.max(0, Math.floor(options.walAutocheckpointPages ?? 10_000)),
      cacheSizeKiB: Math.max(0, Math.floor(options.cacheSizeKiB ?? 65_536)),
      prepareCacheSize: Math.max(0, options.prepareCacheSize ?? 200)
    }

    // Requests waiting for their answer, by id. The thread keeps the process alive only while
    // one is pending: an idle connection must not hold a finished program open.
    const pending = new Map<number, (response: WorkerThread.WorkerResponse) => void>()
    let nextId = 0
    let inTransaction = false
    let gone: SqlError | undefined
    const thread = new Worker(WorkerThread.source, { eval: true, workerData: config })
    thread.unref()
    const settle = (response: WorkerThread.WorkerResponse) => {
      const resume = pending.get(response.id)
      if (resume === undefined) return
      pending.delete(response.id)
      if (pending.size === 0) thread.unref()
      inTransaction = response.tx
      resume(response)
    }
    const stop = (message: string, cause: unknown) => {
      gone ??= new SqlError({ reason: new ConnectionError({ cause, message, operation: "execute" }) })
      for (const [id] of pending) settle({ id, ok: false, error: { message, code: undefined, errcode: undefined, errstr: undefined, open: false }, tx: false })
    }
    thread.on("message", settle)
    thread.on("error", (cause) => stop(`The SQLite connection's thread failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause))
    thread.on("exit", () => stop("The SQLite connection is closed", undefined))

    /**
     * Send a request to the connection's thread now; its answer is read with `answer`. Requests
     * are answered in the order sent. `undefined` waits for the answer to opening (id 0), which
     * the thread sends unasked.
     */
    const post = (request: WorkerThread.Ask | undefined) => {
      const slot: { response?: WorkerThread.WorkerResponse; resume?: (response: WorkerThread.WorkerResponse) => void } = {}
      if (gone !== undefined) {
        slot.response = { id: -1, ok: false, error: { message: gone.message, code: undefined, errcode: undefined, errstr: undefined, open: false }, tx: false }
        return slot
      }
      const id = request === undefined ? 0 : ++nextId
      if (pending.size === 0) thread.ref()
      pending.set(id, (response) => (slot.resume === undefined ? (slot.response = response) : slot.resume(response)))
      if (request !== undefined) thread.postMessage({ ...request, id })
      return slot
    }
    const answer = (slot: ReturnType<typeof post>, message: string, operation: string) =>
      Effect.callback<unknown, SqlError>((resume) => {
        const done = (response: WorkerThread.WorkerResponse) =>
          resume(
            response.ok
              ? Effect.succeed(response.value)
              : gone !== undefined && response.id === -1
              ? Effect.fail(gone)
              : Effect.fail(
                response.error.open
                  ? new SqlError({ reason: new ConnectionError({ cause: workerError(response.error), message: "Cannot open SQLite database", operation: "open" }) })
                  : sqlError(workerError(response.error), message, operation)
              )
          )
        if (slot.response !== undefined) done(slot.response)
        else slot.resume = done
      })
    /** Ask the connection's thread and wait for its answer. */
    const ask = (request: WorkerThread.Ask | undefined, message: string, operation: string) =>
      Effect.suspend(() => answer(post(request), message, operation))

    // The connection is one: a transaction of several messages (`withTransaction`) holds the
    // permit from BEGIN to COMMIT, so nothing else is sent inside it.
    const begin = BEGIN[options.transactionMode ?? "immediate"]
    const semaphore = yield* Semaphore.make(1)

    yield* Effect.acquireRelease(
      ask(undefined, "Cannot open SQLite database", "open"),
      () =>
        ask({ op: "close" }, "Failed to close the SQLite database", "close").pipe(
          Effect.ignore,
          Effect.andThen(Effect.promise(() => thread.terminate()))
        )
    ).pipe(Effect.onError(() => Effect.promise(() => thread.terminate())))

    const run = (
      sql: string,
      params: ReadonlyArray<unknown>,
      opts: { readonly prepared: boolean; readonly arrays: boolean; readonly raw: boolean }
    ): Effect.Effect<any, SqlError> =>
      Effect.withFiber((fiber) =>
        ask(
          { op: "run", sql, params: bindAll(params), ...opts, safeIntegers: fiber.getRef(Client.SafeIntegers) },
          "Failed to execute statement",
          "execute"
        )
      )

    const stream = (
      sql: string,
      params: ReadonlyArray<unknown>,
      transform: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
    ): Stream.Stream<any, SqlError> =>
      Stream.unwrap(Effect.withFiber((fiber) =>
        ask(
          { op: "iterate", sql, params: bindAll(params), safeIntegers: fiber.getRef(Client.SafeIntegers) },
          "Failed to execute statement",
          "executeStream"
        ).pipe(Effect.map((cursor) =>
          Stream.paginate(false, (done: boolean) =>
            done
              ? Effect.succeed([[], Option.none<boolean>()] as const)
              : Effect.map(
                ask({ op: "next", cursor: cursor as number, size: chunkSize }, "Failed to read the next rows", "executeStream"),
                (answer) => {
                  const { rows, done } = answer as { rows: Array<object>; done: boolean }
                  return [transform ? transform(rows) : rows, done ? Option.none<boolean>() : Option.some(false)] as const
                }
              )
          ).pipe(Stream.ensuring(
            ask({ op: "closeCursor", cursor: cursor as number }, "Failed to close a cursor", "executeStream").pipe(Effect.ignore)
          ))
        ))
      ))

    const connection: Connection = {
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

    const acquirers = Client.makeSqliteAcquirers({
      connection: Effect.succeed(connection),
      semaphore,
      isTransaction: () => inTransaction
    })

    const client = yield* Client.make({
      acquirer: acquirers.acquirer,
      borrower: acquirers.borrower,
      transactionAcquirer: acquirers.transactionAcquirer,
      onCommitFailure: acquirers.onCommitFailure,
      isTransaction: acquirers.isTransaction,
      compiler,
      driver: "sqlite-node-builtin",
      beginTransaction: begin,
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
        ask({ op: "serialize" }, "Failed to serialize the database", "export") as Effect.Effect<Uint8Array, SqlError>
      ),
      batch: (statements: ReadonlyArray<Statement.Statement<any>>, batchOptions: Parameters<SqliteClient["batch"]>[1]) =>
        Effect.withFiber((fiber) => {
          const compiled = statements.map((statement) => {
            const [sql, params] = statement.compile()
            return { sql, params: bindAll(params) }
          })
          const request: WorkerThread.Ask = {
            op: "batch",
            begin: batchOptions.atomic ? begin : undefined,
            statements: compiled,
            arrays: batchOptions.arrays === true,
            safeIntegers: fiber.getRef(Client.SafeIntegers)
          }
          // The permit only to send (never inside another's transaction); the answer is awaited
          // without it, so that many batches can be on their way: the thread stays busy while
          // this one goes back to its work.
          return semaphore.withPermit(Effect.sync(() => post(request))).pipe(
            Effect.flatMap((slot) => answer(slot, "Failed to execute a batch of statements", "execute")),
            Effect.map((results) => {
              const rows = results as ReadonlyArray<ReadonlyArray<any>>
              // Arrays are values, as `Statement.values` gives them: no name transform applies.
              return transformRows && batchOptions.arrays !== true ? rows.map((r) => transformRows(r as Array<object>)) : rows
            })
          )
        })
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
