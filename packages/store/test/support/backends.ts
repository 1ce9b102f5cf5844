/**
 * The two backends the store's behavioural suites run against: a real SQLite file and a real
 * PostgreSQL server (see `postgres.ts`), each test on a fresh store that is deleted afterwards
 * (the SQLite file, or the PostgreSQL schema with `DROP SCHEMA … CASCADE`).
 */
import { ResultStore } from "@wa-contacts/core"
import { Effect, Layer } from "effect"
import type * as SqlClient from "effect/sql/SqlClient"
import { describe, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Store } from "../../src/index.ts"
import { dropSchema, findPostgres, freshSchema, withSchema } from "./postgres.ts"

export interface Backend {
  readonly name: string
  /** Why the backend cannot run here; `undefined` when it can. */
  readonly skipped: string | undefined
  /** A new, empty store location (a file path or a URL with its own schema) and its removal. */
  readonly fresh: () => { readonly location: string; readonly remove: Effect.Effect<void> }
}

const dir = mkdtempSync(join(tmpdir(), "wa-store-test-"))
process.once("exit", () => rmSync(dir, { recursive: true, force: true }))
let files = 0

const sqlite: Backend = {
  name: "SQLite store",
  skipped: undefined,
  fresh: () => {
    const file = join(dir, `store-${process.pid}-${++files}.db`)
    return {
      location: file,
      remove: Effect.sync(() => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true })
      })
    }
  }
}

const pg = await findPostgres()

const postgres: Backend = {
  name: "PostgreSQL store",
  skipped: pg.available ? undefined : pg.reason,
  fresh: () => {
    if (!pg.available) throw new Error(pg.reason)
    const schema = freshSchema()
    return { location: withSchema(pg.url, schema), remove: Effect.promise(() => dropSchema(pg.url, schema)) }
  }
}

/** Where the PostgreSQL backend comes from (for messages). */
export const postgresSource = pg.available ? pg.source : `none (${pg.reason})`
export const postgresUrl = pg.available ? pg.url : undefined

export const backends: ReadonlyArray<Backend> = [sqlite, postgres]

/**
 * A fresh store on `backend` as a layer: its `ResultStore` and the `SqlClient` under it, removed
 * (file deleted / schema dropped) when the layer is released.
 */
export const freshLayer = (
  backend: Backend
): Layer.Layer<ResultStore.ResultStore | SqlClient.SqlClient, ResultStore.StoreError> =>
  Layer.unwrap(Effect.gen(function*() {
    const { location, remove } = backend.fresh()
    yield* Effect.addFinalizer(() => remove)
    return Store.layerWithClient(location)
  }))

/**
 * Registers `suite` for every backend; a backend that cannot run here is registered as a skipped
 * suite whose name says so (never a silent pass).
 */
export const forEachBackend = (suite: (backend: Backend) => void): void => {
  for (const backend of backends) {
    if (backend.skipped !== undefined) {
      describe.skip(`${backend.name}: SKIPPED (${backend.skipped})`, () => {
        it("needs a PostgreSQL server: set WA_TEST_PG_URL, run one on 127.0.0.1:5432, or install its binaries", () => {})
      })
      continue
    }
    suite(backend)
  }
}
