/**
 * Finds a real PostgreSQL server for the store's tests, in this order:
 * 1. `WA_TEST_PG_URL` when set (used as is: a failure to connect fails the tests, it does not skip);
 * 2. `postgres://postgres@127.0.0.1:5432/test` when it answers (the project's machines run one);
 * 3. a private throwaway server started from the machine's binaries
 *    (`/usr/lib/postgresql/<v>/bin/initdb` and `pg_ctl`, through `runuser -u postgres` as root),
 *    stopped and deleted when the test process exits;
 * 4. none: `reason` says why, and the PostgreSQL suites are registered as skipped by name.
 *
 * Each test gets its own schema (`?schema=wa_test_…`), dropped when its layer is released.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { createServer, Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

export type PgServer =
  | { readonly available: true; readonly url: string; readonly source: string }
  | { readonly available: false; readonly reason: string }

const canConnect = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000)
    socket.once("connect", () => done(true))
    socket.once("timeout", () => done(false))
    socket.once("error", () => done(false))
    socket.connect(port, host)
  })

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** `psql`-free check that a URL's database accepts a login: ask the server with a real query. */
const databaseAnswers = async (url: string): Promise<boolean> => {
  const { Effect } = await import("effect")
  const PgClient = await import("@effect/sql-pg/PgClient")
  const { Redacted } = await import("effect")
  const probe = Effect.gen(function*() {
    const sql = yield* PgClient.PgClient
    yield* sql`SELECT 1`
  }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), connectTimeout: "2 seconds" })))
  return Effect.runPromise(Effect.match(probe, { onFailure: () => false, onSuccess: () => true }))
}

export const startThrowaway = async (): Promise<PgServer> => {
  const root = "/usr/lib/postgresql"
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : []
  const version = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (version === undefined) return { available: false, reason: "no PostgreSQL server reachable and no initdb under /usr/lib/postgresql" }
  const bin = join(root, version, "bin")
  const asRoot = process.getuid?.() === 0
  const run = (cmd: string, args: ReadonlyArray<string>) =>
    asRoot ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" }) : spawnSync(cmd, args, { encoding: "utf8" })
  const dir = mkdtempSync(join(tmpdir(), "wa-store-pg-"))
  chmodSync(dir, 0o755)
  const data = join(dir, "data")
  if (asRoot) execFileSync("chown", ["postgres", dir])
  const init = run(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres"])
  if (init.status !== 0) return { available: false, reason: `initdb failed: ${init.stderr.slice(0, 200)}` }
  const port = await freePort()
  const start = run(join(bin, "pg_ctl"), [
    "-D", data, "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "-l", join(dir, "log"), "start"
  ])
  if (start.status !== 0) return { available: false, reason: `pg_ctl start failed: ${start.stderr.slice(0, 200)}` }
  process.once("exit", () => {
    run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"])
    rmSync(dir, { recursive: true, force: true })
  })
  return { available: true, url: `postgres://postgres@127.0.0.1:${port}/postgres`, source: `throwaway PostgreSQL ${version}` }
}

let found: Promise<PgServer> | undefined

/** The PostgreSQL server for this test process (looked for once). */
export const findPostgres = (): Promise<PgServer> =>
  found ??= (async (): Promise<PgServer> => {
    const env = process.env["WA_TEST_PG_URL"]
    if (env !== undefined && env !== "") return { available: true, url: env, source: "WA_TEST_PG_URL" }
    const local = "postgres://postgres@127.0.0.1:5432/test"
    if ((await canConnect("127.0.0.1", 5432)) && (await databaseAnswers(local))) {
      return { available: true, url: local, source: "127.0.0.1:5432/test" }
    }
    return startThrowaway()
  })()

let schemas = 0

/** A new schema name for one test, unique across processes. */
export const freshSchema = (): string => `wa_test_${process.pid}_${Date.now().toString(36)}_${++schemas}`

/** Drops `schema` (and everything in it) on the server at `url`: call it when a test is done. */
export const dropSchema = async (url: string, schema: string): Promise<void> => {
  const { Effect, Redacted } = await import("effect")
  const PgClient = await import("@effect/sql-pg/PgClient")
  await Effect.runPromise(Effect.gen(function*() {
    const sql = yield* PgClient.PgClient
    yield* sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`
  }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })), Effect.orDie))
}

/** `url` with `?schema=` set (replacing any). */
export const withSchema = (url: string, schema: string): string => {
  const u = new URL(url)
  u.searchParams.set("schema", schema)
  return u.toString()
}
