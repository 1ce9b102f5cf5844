/**
 * The SQLite connection's own thread: a `node:sqlite` `DatabaseSync` in a worker, driven by
 * messages. `node:sqlite` is synchronous, and a bulk check through the store spends as much time
 * in SQLite as in everything else: a first check of a random-order list dirties about one page of
 * the number index per number, which SQLite copies to its log at each commit. In the caller's
 * thread that time adds to the check's; here it runs on another core while the check goes on
 * (bench figure 21).
 *
 * The worker runs from source text (`new Worker(source, { eval: true })`): bundlers (the CLI is
 * one bundle) copy no separate worker file, and the code must not close over anything, which
 * `workerMain` does not: it is serialised with `Function.prototype.toString`. A test runs it
 * from the built CLI.
 *
 * @internal
 */

/** What the connection's thread is asked. Answers come back in order, one per request. */
export type WorkerRequest =
  | { readonly id: number; readonly op: "run"; readonly sql: string; readonly params: ReadonlyArray<unknown>; readonly prepared: boolean; readonly arrays: boolean; readonly raw: boolean; readonly safeIntegers: boolean }
  | { readonly id: number; readonly op: "batch"; readonly begin: string | undefined; readonly statements: ReadonlyArray<{ readonly sql: string; readonly params: ReadonlyArray<unknown> }>; readonly arrays: boolean; readonly safeIntegers: boolean }
  | { readonly id: number; readonly op: "iterate"; readonly sql: string; readonly params: ReadonlyArray<unknown>; readonly safeIntegers: boolean }
  | { readonly id: number; readonly op: "next"; readonly cursor: number; readonly size: number }
  | { readonly id: number; readonly op: "closeCursor"; readonly cursor: number }
  | { readonly id: number; readonly op: "serialize" }
  | { readonly id: number; readonly op: "close" }

/** A request before the connection gives it its id. */
export type Ask = WorkerRequest extends infer R ? R extends { readonly id: number } ? Omit<R, "id"> : never : never

/** A failure in the connection's thread, with the fields SQLite's errors carry. */
export interface WorkerFailure {
  readonly message: string
  readonly code: unknown
  readonly errcode: unknown
  readonly errstr: unknown
  /** Opening or configuring the database failed (the thread then stops). */
  readonly open: boolean
}

/** One answer: the value, or the failure; `tx` is whether a transaction is open after it. */
export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly value: unknown; readonly tx: boolean }
  | { readonly id: number; readonly ok: false; readonly error: WorkerFailure; readonly tx: boolean }

/** How the thread opens the database: sent as `workerData`. */
export interface WorkerConfig {
  readonly filename: string
  readonly readOnly: boolean
  readonly busyMillis: number
  readonly wal: boolean
  readonly walAutocheckpointPages: number
  readonly cacheSizeKiB: number
  readonly prepareCacheSize: number
}

/**
 * The thread's body. Self-contained: it is sent as source text, so it may use only its own
 * bindings and globals. Modules come from `process.getBuiltinModule`, not `require`: bundlers
 * rewrite `require` calls into helpers of their own, which do not exist in the thread.
 */
function workerMain(): void {
  const threads = process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads")
  const parentPort = threads.parentPort!
  const config: WorkerConfig = threads.workerData
  const failure = (cause: any, open: boolean): WorkerFailure => ({
    message: String(cause?.message ?? cause),
    code: cause?.code,
    errcode: cause?.errcode,
    errstr: cause?.errstr,
    open
  })

  // SQLite says only "unable to open database file": say why when the path shows it.
  const whyNotOpened = (filename: string): string | undefined => {
    if (filename === ":memory:" || filename === "" || filename.startsWith("file:")) return undefined
    const fs = process.getBuiltinModule("node:fs") as typeof import("node:fs")
    const path = process.getBuiltinModule("node:path") as typeof import("node:path")
    const stat = (at: string) => fs.statSync(at, { throwIfNoEntry: false })
    if (stat(filename)?.isDirectory() === true) return `${filename} is a folder: give the path of a file, which is created when missing`
    const folder = path.dirname(path.resolve(filename))
    const parent = stat(folder)
    if (parent === undefined) return `the folder ${folder} does not exist`
    return parent.isDirectory() ? undefined : `${folder} is not a folder`
  }

  let db: any
  try {
    // Absent before Node 22.5 (npm only warns about `engines`): said in words, not a crash.
    const sqlite = process.getBuiltinModule("node:sqlite") as typeof import("node:sqlite") | undefined
    if (sqlite === undefined) {
      throw new Error(`the SQLite store needs Node 22.19 or later (node:sqlite); this is Node ${process.versions.node}`)
    }
    db = new sqlite.DatabaseSync(config.filename, { readOnly: config.readOnly, timeout: config.busyMillis })
    if (config.wal) {
      db.exec("PRAGMA journal_mode = WAL")
      // In WAL mode NORMAL is durable across application crashes (kill -9); only a power loss
      // can lose the last transactions, never corrupt the file.
      db.exec("PRAGMA synchronous = NORMAL")
      // A group of a random-order list dirties a page per number all over the number index;
      // checkpointing every 1,000 pages (SQLite's default) copies those pages into the file
      // after nearly every transaction. A longer log lets the same pages, dirtied again by the
      // next groups, be copied once. Durability is unchanged (the log is the database until
      // checkpointed).
      db.exec(`PRAGMA wal_autocheckpoint = ${config.walAutocheckpointPages}`)
    }
    db.exec("PRAGMA foreign_keys = ON")
    db.exec(`PRAGMA cache_size = -${config.cacheSizeKiB}`)
    // A multi-row statement inside a transaction keeps a statement journal (the pages it changes,
    // to undo just that statement). In a temporary file that is a write per page; in memory it is
    // a copy: half the writes of a first check's claims.
    db.exec("PRAGMA temp_store = MEMORY")
  } catch (cause) {
    const error = failure(cause, true)
    let why: string | undefined
    try {
      why = whyNotOpened(config.filename)
    } catch {
      // The explanation is a courtesy: SQLite's own message stands without it.
    }
    parentPort.postMessage({ id: 0, ok: false, error: why === undefined ? error : { ...error, message: `${error.message} (${why})` }, tx: false })
    parentPort.close()
    return
  }
  parentPort.postMessage({ id: 0, ok: true, value: undefined, tx: false })

  // Prepared statements by SQL text, least recently used dropped first.
  const cache = new Map<string, any>()
  const prepare = (sql: string): any => {
    const hit = cache.get(sql)
    if (hit !== undefined) {
      cache.delete(sql)
      cache.set(sql, hit)
      return hit
    }
    const statement = db.prepare(sql)
    if (config.prepareCacheSize > 0) {
      cache.set(sql, statement)
      if (cache.size > config.prepareCacheSize) cache.delete(cache.keys().next().value!)
    }
    return statement
  }
  // Open iterators of streamed queries, by cursor id.
  const cursors = new Map<number, any>()
  let nextCursor = 0

  // A batch: statements that do not read each other's results, in order; the rows of each.
  // Every row of `statement`, as arrays when asked (cheaper to build here, to pass and to read
  // than objects).
  const allRows = (statement: any, params: ReadonlyArray<unknown>, arrays: boolean): unknown => {
    statement.setReturnArrays(arrays)
    try {
      return statement.all(...params)
    } finally {
      // A cached statement is shared: leave it in the default (object rows) mode.
      if (arrays) statement.setReturnArrays(false)
    }
  }

  const statementsOf = (request: Extract<WorkerRequest, { op: "batch" }>): Array<unknown> =>
    request.statements.map(({ sql, params }) => {
      const statement = prepare(sql)
      statement.setReadBigInts(request.safeIntegers)
      return statement.columns().length > 0 ? allRows(statement, params, request.arrays) : (statement.run(...params), [])
    })

  const handle = (request: WorkerRequest): unknown => {
    switch (request.op) {
      case "run": {
        const statement = request.prepared ? prepare(request.sql) : db.prepare(request.sql)
        statement.setReadBigInts(request.safeIntegers)
        if (statement.columns().length > 0) return allRows(statement, request.params, request.arrays)
        const result = statement.run(...request.params)
        return request.raw ? { changes: result.changes, lastInsertRowid: result.lastInsertRowid } : []
      }
      case "batch": {
        if (request.begin === undefined) return statementsOf(request)
        prepare(request.begin).run()
        try {
          const results = statementsOf(request)
          prepare("COMMIT").run()
          return results
        } catch (cause) {
          if (db.isTransaction) db.exec("ROLLBACK")
          throw cause
        }
      }
      case "iterate": {
        // Not cached: an open iterator keeps its statement busy until it is exhausted.
        const statement = db.prepare(request.sql)
        statement.setReadBigInts(request.safeIntegers)
        const cursor = ++nextCursor
        cursors.set(cursor, statement.iterate(...request.params))
        return cursor
      }
      case "next": {
        const iterator = cursors.get(request.cursor)
        const rows: Array<unknown> = []
        let done = iterator === undefined
        while (!done && rows.length < request.size) {
          const next = iterator.next()
          if (next.done) done = true
          else rows.push(next.value)
        }
        if (done) cursors.delete(request.cursor)
        return { rows, done }
      }
      case "closeCursor": {
        cursors.get(request.cursor)?.return?.()
        cursors.delete(request.cursor)
        return undefined
      }
      case "serialize":
        return db.serialize()
      case "close": {
        for (const iterator of cursors.values()) iterator.return?.()
        cursors.clear()
        cache.clear()
        if (db.isOpen) db.close()
        return undefined
      }
    }
  }

  const respond = (request: WorkerRequest, run: () => unknown) => {
    let response: WorkerResponse
    try {
      const value = run()
      response = { id: request.id, ok: true, value, tx: db.isOpen && db.isTransaction }
    } catch (cause) {
      response = { id: request.id, ok: false, error: failure(cause, false), tx: db.isOpen && db.isTransaction }
    }
    parentPort.postMessage(response)
    if (request.op === "close") parentPort.close()
  }

  /**
   * Group commit: atomic batches waiting one after another run in one transaction. Each commit
   * copies every page it changed to the log, and the batches of a random-order list change pages
   * all over the number index: one commit for many batches copies a page changed by several of
   * them once. Each batch is still all or nothing (they commit together, or none does), and none
   * is answered before the commit. If a statement fails, the transaction is rolled back and each
   * batch runs alone, so that only the failing one fails. Answers `false` when it did not run them.
   */
  const runGroup = (group: Array<Extract<WorkerRequest, { op: "batch" }>>, begin: string): boolean => {
    try {
      prepare(begin).run()
    } catch (cause) {
      // Not begun (the database is locked past the busy timeout): each batch would fail alike.
      for (const request of group) respond(request, () => { throw cause })
      return true
    }
    const results: Array<Array<unknown>> = []
    try {
      for (const request of group) results.push(statementsOf(request))
      prepare("COMMIT").run()
    } catch {
      if (db.isTransaction) db.exec("ROLLBACK")
      return false
    }
    group.forEach((request, i) => respond(request, () => results[i]))
    return true
  }

  // At most this many batches commit together. None of a group is answered before its commit, and
  // the check waits for those answers: a group of 64 held them back for 100–170 ms while the
  // caller's thread ran out of work; smaller groups copy shared pages more often. A first check of
  // 1M numbers (bench figure 21): 2 → 19.4 s, 4 → 17.8, 8 → 17.2–17.6, 16 → 18.2–19.7, 64 → 18.8.
  const GROUP_MAX = 8

  // Requests are answered in the order they came, once the thread has taken every request waiting.
  const queue: Array<WorkerRequest> = []
  let head = 0
  let scheduled = false
  const drain = () => {
    scheduled = false
    while (head < queue.length) {
      const request = queue[head++]!
      const begin = request.op === "batch" ? request.begin : undefined
      if (request.op === "batch" && begin !== undefined && !db.isTransaction) {
        const group = [request]
        for (let next = queue[head]; group.length < GROUP_MAX && next?.op === "batch" && next.begin === begin; next = queue[head]) {
          group.push(next)
          head++
        }
        if (group.length > 1 && runGroup(group, begin)) continue
        for (const alone of group) respond(alone, () => handle(alone))
      } else respond(request, () => handle(request))
    }
    queue.length = 0
    head = 0
  }
  parentPort.on("message", (request: WorkerRequest) => {
    queue.push(request)
    if (!scheduled) {
      scheduled = true
      setImmediate(drain)
    }
  })
}

/** The thread's source text, for `new Worker(source, { eval: true })`. */
export const source = `(${workerMain.toString()})()`
