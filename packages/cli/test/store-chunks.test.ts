/**
 * The records of `check --store` and `revalidate` leave the check a group at a time, as the
 * check's own results do: records made one effect each became one chunk each, and the output then
 * wrote each record on its own (a write and a wait per record: 1M lines took 140 s against a
 * server that answers at once, ~30 s a group at a time). What is checked here is the chunking the
 * output sees, in process, through a real SQLite store and the simulator.
 */
import { describe, expect, it } from "vitest"
import { SimulatorTransport } from "@wa-contacts/adapter-mock"
import { ContactsConfig, StoreAdmin, StoredCheck } from "@wa-contacts/core"
import { Store } from "@wa-contacts/store"
import { Effect, Layer, Option, Redacted, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { throughStore } from "../src/run/storeCheck.ts"
import { recordsOf, storedRecordOf } from "../src/run/storeRecords.ts"

const BATCH = 100
const numbers = Array.from({ length: 450 }, (_, i) => `+1631555${String(1000 + i).padStart(4, "0")}`)

/** The sizes of the chunks `stream` emits. */
const chunkSizes = <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Stream.runCollect(Stream.mapArray(stream, (chunk) => [chunk.length] as const))

describe("records through the store leave a group at a time", () => {
  it("check --store: each chunk the output gets is a whole group of records, in the first run and the second", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wa-chunks-"))
    try {
      const file = path.join(dir, "s.db")
      const through = throughStore({
        store: Option.some(Redacted.make(file)),
        maxAge: Option.none(),
        budget: Option.none(),
        noBudget: false,
        budgetWindow: Option.none(),
        budgetRatio: Option.none()
      })
      if (through === undefined || !("rows" in through)) throw new Error("expected a check through the store")
      const items = Stream.fromIterable(numbers.map((value, i) => [value, { line: i + 1, value, problem: undefined }] as const))
      const run = chunkSizes(through.rows(items, { batchSize: BATCH, rateLimit: false })).pipe(
        Effect.provide(Layer.mergeAll(Store.layer(file), SimulatorTransport.layer({ allUsers: true, lookupLatency: 0 }))),
        Effect.provideService(ContactsConfig.ContactsConfig, {})
      ) as Effect.Effect<ReadonlyArray<number>, unknown>
      for (const name of ["first", "second"]) {
        const sizes = await Effect.runPromise(run)
        expect({ name, total: sizes.reduce((a, b) => a + b, 0) }).toEqual({ name, total: numbers.length })
        expect({ name, sizes }).toEqual({ name, sizes: [BATCH, BATCH, BATCH, BATCH, 50] })
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("revalidate: the same, for the records of the due numbers (its records are made by the same recordsOf)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wa-chunks-"))
    try {
      const file = path.join(dir, "s.db")
      const layer = Layer.mergeAll(Store.layer(file), SimulatorTransport.layer({ allUsers: true, lookupLatency: 0 }))
      // Numbers added and never checked are due.
      await Effect.runPromise(Effect.provide(Stream.runDrain(StoreAdmin.importNumbers(Stream.fromIterable(numbers))), layer) as Effect.Effect<unknown, unknown>)
      const sizes = await Effect.runPromise(
        chunkSizes(recordsOf(
          StoredCheck.revalidate({ batchSize: BATCH, rateLimit: false, store: { budget: false } }),
          (result, now) => storedRecordOf(result, undefined, now)
        )).pipe(Effect.provide(layer)) as Effect.Effect<ReadonlyArray<number>, unknown>
      )
      expect(sizes).toEqual([BATCH, BATCH, BATCH, BATCH, 50])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
