import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Stream } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as Migrator from "effect/sql/Migrator"
import * as SqlClient from "effect/sql/SqlClient"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { SqliteClient } from "../src/index.ts"

const dir = mkdtempSync(join(tmpdir(), "wa-sqlite-client-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const freshFile = () => join(dir, `db-${++files}.sqlite`)

/** Runs `body` with a client on a new database file (a real file: WAL needs one). */
const withClient = <A, E>(
  body: (sql: SqliteClient.SqliteClient) => Effect.Effect<A, E, SqlClient.SqlClient>,
  config: Partial<SqliteClient.SqliteClientConfig> = {}
) =>
  Effect.gen(function*() {
    const sql = yield* SqliteClient.SqliteClient
    return yield* body(sql)
  }).pipe(Effect.provide(SqliteClient.layer({ filename: freshFile(), ...config })))

describe("SqliteClient: a SqlClient on node:sqlite", () => {
  it.effect("writes and reads rows with parameters, nulls, bytes, booleans and big integers", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, flag INTEGER, data BLOB, big INTEGER)`
        yield* sql`INSERT INTO t ${sql.insert({ id: 1, name: "a'b", flag: true, data: new Uint8Array([1, 2]), big: 2n ** 62n })}`
        yield* sql`INSERT INTO t ${sql.insert([{ id: 2, name: null, flag: false, data: null, big: 1 }])}`
        const rows = yield* sql<any>`SELECT id, name, flag, data FROM t ORDER BY id`
        expect(rows.map((r) => [r.id, r.name, r.flag])).toEqual([[1, "a'b", 1], [2, null, 0]])
        expect([...rows[0].data]).toEqual([1, 2])
        const safe = yield* sql<{ big: bigint }>`SELECT big FROM t WHERE id = ${1}`.pipe(
          Effect.provideService(SqlClient.SafeIntegers, true)
        )
        expect(safe[0]!.big).toBe(2n ** 62n)
        const values = yield* sql`SELECT id, name FROM t WHERE id IN ${sql.in([1, 2])} ORDER BY id`.values
        expect(values).toEqual([[1, "a'b"], [2, null]])
      })))

  it.effect("opens the file in WAL mode with the configured busy timeout", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        const [mode] = yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
        const [busy] = yield* sql<{ timeout: number }>`PRAGMA busy_timeout`
        expect(mode!.journal_mode).toBe("wal")
        expect(busy!.timeout).toBe(1234)
      }), { busyTimeout: "1234 millis" }))

  it.effect("checkpoints the write-ahead log every 10,000 pages by default, or as configured", () =>
    Effect.gen(function*() {
      const pages = (sql: SqliteClient.SqliteClient) =>
        Effect.map(sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`, (rows) => rows[0]!.wal_autocheckpoint)
      expect(yield* withClient(pages)).toBe(10_000)
      expect(yield* withClient(pages, { walAutocheckpointPages: 500 })).toBe(500)
    }))

  it.effect("commits a transaction, rolls back a failed one and a failed savepoint only", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (v INTEGER)`
        yield* sql.withTransaction(sql`INSERT INTO t VALUES (1)`)
        const failed = yield* sql.withTransaction(
          Effect.andThen(sql`INSERT INTO t VALUES (2)`, Effect.fail("boom"))
        ).pipe(Effect.exit)
        expect(Exit.isFailure(failed)).toBe(true)
        yield* sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO t VALUES (3)`
          yield* sql.withTransaction(Effect.andThen(sql`INSERT INTO t VALUES (4)`, Effect.fail("inner"))).pipe(
            Effect.ignore
          )
        }))
        const rows = yield* sql<{ v: number }>`SELECT v FROM t ORDER BY v`
        expect(rows.map((r) => r.v)).toEqual([1, 3])
      })))

  it.effect("serialises concurrent transactions of one process: no lost update", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)`
        yield* sql`INSERT INTO counter VALUES (1, 0)`
        const increment = sql.withTransaction(Effect.gen(function*() {
          const [row] = yield* sql<{ n: number }>`SELECT n FROM counter WHERE id = 1`
          yield* Effect.yieldNow
          yield* sql`UPDATE counter SET n = ${row!.n + 1} WHERE id = 1`
        }))
        yield* Effect.all(Array.from({ length: 200 }, () => increment), { concurrency: 20, discard: true })
        const [row] = yield* sql<{ n: number }>`SELECT n FROM counter`
        expect(row!.n).toBe(200)
      })))

  it.effect("streams a large result in chunks, in order", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (v INTEGER PRIMARY KEY)`
        yield* sql`WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 5000) INSERT INTO t SELECT v FROM s`
        const rows = yield* Stream.runCollect(sql<{ v: number }>`SELECT v FROM t ORDER BY v`.stream)
        expect(rows.length).toBe(5000)
        expect(rows.every((r, i) => r.v === i + 1)).toBe(true)
      }), { streamChunkSize: 333 }))

  it.effect("runs migrations once with effect/sql's Migrator", () =>
    Effect.gen(function*() {
      const filename = freshFile()
      const migrations = Migrator.fromRecord({
        "1_first": Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE TABLE a (x INTEGER)`
        }),
        "2_second": Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE TABLE b (y INTEGER)`
        })
      })
      const run = Migrator.make({})({ loader: migrations }).pipe(Effect.provide(SqliteClient.layer({ filename })))
      expect(yield* run).toEqual([[1, "first"], [2, "second"]])
      expect(yield* run).toEqual([])
    }))

  it.effect("reports a unique violation and a syntax error as typed SqlErrors", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT UNIQUE)`
        yield* sql`INSERT INTO t (u) VALUES ('x')`
        const dup = yield* Effect.flip(sql`INSERT INTO t (u) VALUES ('x')`)
        expect(dup.reason._tag).toBe("UniqueViolation")
        const bad = yield* Effect.flip(sql`SELEC 1`)
        expect(bad._tag).toBe("SqlError")
        expect(bad.message).toMatch(/Failed to execute/)
      })))

  it.effect("fails to open a file in a missing directory with a ConnectionError, not a crash", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(Effect.void, SqliteClient.layer({ filename: join(dir, "missing", "x.db") }))
      )
      expect(error.reason._tag).toBe("ConnectionError")
      expect(existsSync(join(dir, "missing"))).toBe(false)
    }))

  it.effect("exports the database as SQLite file bytes", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (v INTEGER)`
        const bytes = yield* sql.export
        expect(Buffer.from(bytes.subarray(0, 15)).toString()).toBe("SQLite format 3")
      })))

  it.effect("a second connection waiting past the busy timeout fails with a retryable LockTimeoutError", () =>
    Effect.gen(function*() {
      const filename = freshFile()
      const holder = yield* SqliteClient.make({ filename }).pipe(Effect.provide(Reactivity.layer))
      yield* holder`CREATE TABLE t (v INTEGER)`
      const blocked = Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        return yield* Effect.flip(sql.withTransaction(sql`INSERT INTO t VALUES (2)`))
      }).pipe(Effect.provide(SqliteClient.layer({ filename, busyTimeout: "50 millis" })))
      // The holder keeps its write transaction open while the other connection tries to begin.
      const error = yield* holder.withTransaction(Effect.andThen(holder`INSERT INTO t VALUES (1)`, blocked))
      expect(error.reason._tag).toBe("LockTimeoutError")
      expect(error.isRetryable).toBe(true)
    }).pipe(Effect.scoped))
})

describe("SqliteClient: the connection in its own thread", () => {
  it.effect("an atomic batch commits all its statements, or none when one fails", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)`
        const results = yield* sql.batch([
          sql`INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id, v`,
          sql`INSERT INTO t (v) VALUES ('c')`,
          sql`SELECT COUNT(*) AS n FROM t`
        ], { atomic: true })
        expect(results).toEqual([[{ id: 1, v: "a" }, { id: 2, v: "b" }], [], [{ n: 3 }]])
        const failed = yield* Effect.flip(sql.batch([sql`INSERT INTO t (v) VALUES ('d')`, sql`INSERT INTO t (v) VALUES ('a')`], { atomic: true }))
        expect(failed.reason._tag).toBe("UniqueViolation")
        const rows = yield* sql<{ v: string }>`SELECT v FROM t ORDER BY v`
        expect(rows.map((r) => r.v)).toEqual(["a", "b", "c"])
        // The connection is usable after a failed batch, outside any transaction.
        yield* sql.withTransaction(sql`INSERT INTO t (v) VALUES ('e')`)
        expect((yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM t`)[0]!.n).toBe(4)
      })))

  it.effect("a batch with arrays answers rows as values in column order; the same statement then answers objects again", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)`
        yield* sql`INSERT INTO t VALUES (1, 'a'), (2, NULL)`
        const select = () => sql`SELECT v, k FROM t ORDER BY k`
        expect(yield* sql.batch([select(), sql`INSERT INTO t VALUES (3, 'c')`], { atomic: true, arrays: true })).toEqual([[["a", 1], [null, 2]], []])
        expect(yield* sql.batch([select()], { atomic: false, arrays: true })).toEqual([[["a", 1], [null, 2], ["c", 3]]])
        // The prepared statement is cached and shared: it is back in object mode for everyone else.
        expect(yield* sql.batch([select()], { atomic: false })).toEqual([[{ v: "a", k: 1 }, { v: null, k: 2 }, { v: "c", k: 3 }]])
        expect(yield* select()).toEqual([{ v: "a", k: 1 }, { v: null, k: 2 }, { v: "c", k: 3 }])
      })))

  it.effect("a batch that is not atomic runs each statement on its own", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (v TEXT UNIQUE)`
        const failed = yield* Effect.flip(sql.batch([sql`INSERT INTO t VALUES ('a')`, sql`INSERT INTO t VALUES ('a')`], { atomic: false }))
        expect(failed.reason._tag).toBe("UniqueViolation")
        expect((yield* sql<{ v: string }>`SELECT v FROM t`).map((r) => r.v)).toEqual(["a"])
      })))

  it.effect("many batches on their way at once are each answered with their own rows", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER)`
        const answers = yield* Effect.forEach(
          Array.from({ length: 200 }, (_, i) => i),
          (i) => sql.batch([sql`INSERT INTO t VALUES (${i}, ${i * 2})`, sql`SELECT v FROM t WHERE k = ${i}`], { atomic: true }),
          { concurrency: "unbounded" }
        )
        expect(answers.map((a) => (a[1] as ReadonlyArray<{ v: number }>)[0]!.v)).toEqual(Array.from({ length: 200 }, (_, i) => i * 2))
      })))

  it.effect("atomic batches on their way together commit together, yet one that fails fails alone", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (k INTEGER PRIMARY KEY)`
        // Sent at once, they wait in the thread's queue and share a transaction; batch 50 repeats
        // a key of its own, so it fails, and must be the only one that does.
        const exits = yield* Effect.forEach(
          Array.from({ length: 100 }, (_, i) => i),
          (i) => sql.batch([sql`INSERT INTO t VALUES (${i * 2})`, sql`INSERT INTO t VALUES (${i === 50 ? 100 : i * 2 + 1})`], { atomic: true }).pipe(Effect.exit),
          { concurrency: "unbounded" }
        )
        expect(exits.map((e, i) => [i, Exit.isSuccess(e)]).filter(([, ok]) => !ok)).toEqual([[50, false]])
        const keys = (yield* sql<{ k: number }>`SELECT k FROM t ORDER BY k`).map((r) => r.k)
        expect(keys).toEqual(Array.from({ length: 200 }, (_, k) => k).filter((k) => k !== 100 && k !== 101))
      })))

  it.effect("a batch never lands inside another fiber's transaction", () =>
    withClient((sql) =>
      Effect.gen(function*() {
        yield* sql`CREATE TABLE t (v INTEGER)`
        const inside = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        // The transaction pauses between two statements while a batch is sent, then fails and
        // rolls back. The batch's row must survive: it was not sent inside that transaction.
        const transaction = yield* sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO t VALUES (1)`
          yield* Deferred.succeed(inside, undefined)
          yield* Deferred.await(release)
          return yield* Effect.fail("boom")
        })).pipe(Effect.exit, Effect.forkChild)
        yield* Deferred.await(inside)
        const batch = yield* sql.batch([sql`INSERT INTO t VALUES (2)`], { atomic: false }).pipe(Effect.forkChild)
        yield* Effect.repeat(Effect.yieldNow, { times: 20 })
        yield* Deferred.succeed(release, undefined)
        expect(Exit.isFailure(yield* Fiber.join(transaction))).toBe(true)
        yield* Fiber.join(batch)
        expect((yield* sql<{ v: number }>`SELECT v FROM t`).map((r) => r.v)).toEqual([2])
      })))

  it.live("an idle connection does not keep the process alive; a closed one answers with a typed error", () =>
    Effect.gen(function*() {
      const code = yield* Effect.callback<number>((resume) => {
        const proc = spawn(process.execPath, [join(import.meta.dirname, "fixtures", "idle-exit.ts"), freshFile()], {
          stdio: ["ignore", "inherit", "inherit"]
        })
        const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000)
        proc.on("exit", (code, signal) => {
          clearTimeout(timer)
          resume(Effect.succeed(signal === null ? code ?? -1 : -2))
        })
      })
      expect(code).toBe(0)
    }), 30_000)
})

describe("SqliteClient: several processes on one file", () => {
  it.live("4 processes incrementing one counter in transactions lose no update (BEGIN IMMEDIATE + busy timeout)", () =>
    Effect.gen(function*() {
      const filename = freshFile()
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)`
        yield* sql`INSERT INTO counter VALUES (1, 0)`
      }).pipe(Effect.provide(SqliteClient.layer({ filename })))
      const child = () =>
        Effect.callback<number>((resume) => {
          const proc = spawn(process.execPath, [join(import.meta.dirname, "fixtures", "increment.ts"), filename, "150"], {
            stdio: ["ignore", "inherit", "inherit"]
          })
          proc.on("exit", (code) => resume(Effect.succeed(code ?? -1)))
        })
      const codes = yield* Effect.all([child(), child(), child(), child()], { concurrency: "unbounded" })
      expect(codes).toEqual([0, 0, 0, 0])
      const n = yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        return (yield* sql<{ n: number }>`SELECT n FROM counter`)[0]!.n
      }).pipe(Effect.provide(SqliteClient.layer({ filename })))
      expect(n).toBe(600)
    }), 60_000)
})
