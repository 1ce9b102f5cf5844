/**
 * An array of inputs is read a batch at a time (issue #15 goal 3, a streaming client's live data
 * is a few batches): the first request goes before the rest of the array is read, through every
 * entry point that takes an array — `checkThroughStore` and the Promise clients' `checkAll` here,
 * `checkStream` in bulk.test.ts. effect's `Stream.fromIterable` makes an array one chunk, which prepared every input
 * before the first batch could leave and kept all of them alive at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { Client, ContactsConfig, StoreClient, StoredCheck, Transport } from "@wa-contacts/core"
import * as MemoryStore from "./support/MemoryStore.ts"
import { countedArray } from "./support/CountedArray.ts"

const SIZE = 5_000
const BATCH = 100

/** `SIZE` numbers in an array that counts its reads (see `support/CountedArray.ts`). */
const watched = () => countedArray(Array.from({ length: SIZE }, (_, i) => `+1631${String(5_000_000 + i)}`))

const config = Layer.succeed(ContactsConfig.ContactsConfig, {})
const options = { batchSize: BATCH, rateLimit: false, concurrency: 1 } as const

const collect = async <A>(it: AsyncIterable<A>): Promise<number> => {
  let n = 0
  for await (const _ of it) n++
  return n
}

describe("an array of inputs is read a batch at a time", () => {
  it.effect("checkThroughStore: the first request goes before the array is read whole", () =>
    Effect.gen(function*() {
      const w = watched()
      const n = yield* Stream.runCount(StoredCheck.checkThroughStore(w.inputs, { ...options, store: { budget: false } })).pipe(
        Effect.provide(Layer.mergeAll(w.server.layer, config, MemoryStore.layer()))
      )
      expect(n).toBe(SIZE)
      expect(w.readAtFirstRequest()).toBeLessThan(SIZE / 2)
    }))

  it("the Promise client's checkAll", async () => {
    const w = watched()
    const client = Client.make(w.server.layer as Layer.Layer<Transport.Transport>)
    expect(await collect(client.checkAll(w.inputs, options))).toBe(SIZE)
    expect(w.readAtFirstRequest()).toBeLessThan(SIZE / 2)
    await client.dispose()
  })

  it("the Promise client with a store: checkAll", async () => {
    const w = watched()
    const client = StoreClient.make(w.server.layer, MemoryStore.layer())
    expect(await collect(client.checkAll(w.inputs, { ...options, store: { budget: false } }))).toBe(SIZE)
    expect(w.readAtFirstRequest()).toBeLessThan(SIZE / 2)
    await client.dispose()
  })
})
