/**
 * Where the store lives: a `postgres://`/`postgresql://` URL is PostgreSQL, anything else a
 * SQLite path; a password in the URL never reaches a message, a display or an error.
 */
import { describe, expect, it } from "@effect/vitest"
import { ResultStore } from "@wa-contacts/core"
import { Effect, Exit, Layer, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { Store } from "../src/index.ts"
import { forEachBackend, postgresUrl } from "./support/backends.ts"

const password = "S3cr3t!pw"
const dir = mkdtempSync(join(tmpdir(), "wa-store-location-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 1))
    })
  })

const openError = (location: string) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(Effect.provide(Effect.void, Store.layer(location)))
    expect(Exit.isFailure(exit)).toBe(true)
    const error = yield* Effect.flip(Effect.provide(Effect.void, Store.layer(location)))
    expect(error).toBeInstanceOf(ResultStore.StoreError)
    return error
  })

describe("Store.parse: a URL or a path", () => {
  it.effect("postgres:// and postgresql:// are PostgreSQL; the password is masked in the display and kept Redacted", () =>
    Effect.gen(function*() {
      for (const scheme of ["postgres", "postgresql"]) {
        const location = yield* Store.parse(`${scheme}://alice:${encodeURIComponent(password)}@db.example:5433/app?schema=wa_1`)
        expect(location._tag).toBe("Postgres")
        if (location._tag !== "Postgres") return
        expect(location.schema).toBe("wa_1")
        expect(Store.display(location)).toBe(`${scheme}://alice:***@db.example:5433/app?schema=wa_1`)
        expect(Redacted.value(location.url)).not.toContain("schema=")
        const shown = [JSON.stringify(location), String(location), Store.display(location)].join(" ")
        expect(shown).not.toContain(password)
        expect(shown).not.toContain(encodeURIComponent(password))
      }
      const query = yield* Store.parse(`postgres://bob@h/db?password=${password}`)
      expect(Store.display(query)).not.toContain(password)
    }))

  it.effect("anything else is a SQLite path (sqlite: and file: prefixes accepted)", () =>
    Effect.gen(function*() {
      expect(yield* Store.parse("results.db")).toEqual({ _tag: "Sqlite", filename: "results.db" })
      expect(yield* Store.parse("sqlite:/var/lib/wa/s.db")).toEqual({ _tag: "Sqlite", filename: "/var/lib/wa/s.db" })
      expect(yield* Store.parse("file:./s.db")).toEqual({ _tag: "Sqlite", filename: "./s.db" })
    }))

  it.effect("an empty location, a malformed URL or a bad schema name is a typed StoreError", () =>
    Effect.gen(function*() {
      for (const bad of ["", "  ", "postgres://[::1", "postgres://u@h/db?schema=drop;table"]) {
        const error = yield* Effect.flip(Store.parse(bad))
        expect(error._tag).toBe("StoreError")
        expect(error.operation).toBe("open")
      }
    }))
})

describe("Store.layer: opening fails with a StoreError that never shows the password", () => {
  it.live("a refused PostgreSQL connection", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(closedPort)
      const error = yield* openError(`postgres://alice:${encodeURIComponent(password)}@127.0.0.1:${port}/app`)
      const text = `${error.message} ${String(error)} ${JSON.stringify(error)}`
      expect(text).not.toContain(password)
      expect(text).not.toContain(encodeURIComponent(password))
    }))

  it.live.skipIf(postgresUrl === undefined)("a PostgreSQL database that does not exist (real server)", () =>
    Effect.gen(function*() {
      const url = new URL(postgresUrl!)
      url.password = encodeURIComponent(password)
      url.pathname = "/wa_no_such_database"
      const error = yield* openError(url.toString())
      expect(error.message).toMatch(/wa_no_such_database|does not exist/)
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(password)
    }))

  it.live("a SQLite file in a directory that does not exist: the message names the folder", () =>
    Effect.gen(function*() {
      const error = yield* openError(join(dir, "missing", "s.db"))
      expect(error.operation).toBe("open")
      expect(error.message).toContain(`the folder ${join(dir, "missing")} does not exist`)
    }))

  it.live("a SQLite path that is a folder: the message says so", () =>
    Effect.gen(function*() {
      const error = yield* openError(dir)
      expect(error.operation).toBe("open")
      expect(error.message).toContain(`${dir} is a folder: give the path of a file`)
    }))
})

forEachBackend((backend) =>
  describe(`${backend.name}: reopening`, () => {
    it.live("a store reopened keeps its results; migrations run once", () =>
      Effect.gen(function*() {
        const { location, remove } = backend.fresh()
        yield* Effect.addFinalizer(() => remove)
        const r: ResultStore.StoredResult = {
          status: "invalid", outcome: "NotWhatsAppUser", wa_id: null, wa_id_trusted: false, anomaly: false,
          semantics: "legacy", server_version: null, detail: null, checked_at: 42
        }
        const use = <A, E>(f: (s: ResultStore.ResultStoreShape) => Effect.Effect<A, E>) =>
          Effect.gen(function*() {
            return yield* f(yield* ResultStore.ResultStore)
          }).pipe(Effect.provide(Layer.fresh(Store.layer(location))))
        yield* use((s) => s.write({ owner: "a", results: [{ number: "+15550001", result: r }], release: [], at: 40 }))
        const found = yield* use((s) => s.lookup(["+15550001"]))
        expect(found.get("+15550001")).toEqual({ number: "+15550001", added_at: 40, result: r })
      }).pipe(Effect.scoped))
  })
)
