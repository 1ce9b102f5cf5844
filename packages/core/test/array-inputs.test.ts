/**
 * An array of inputs is read a batch at a time (issue #15 goal 3, a streaming client's live data
 * is a few batches): the first request goes before the rest of the array is read, through every
 * entry point that takes an array — `checkStream`, `checkThroughStore`, and the Promise clients'
 * `checkAll`. effect's `Stream.fromIterable` makes an array one chunk, which prepared every input
 * before the first batch could leave and kept all of them alive at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { Check, Client, ContactsConfig, StoreClient, StoredCheck, Transport } from "@wa-contacts/core"
import * as MemoryStore from "./support/MemoryStore.ts"
import { checkAnswer, fromFunction } from "./support/ScriptedTransport.ts"

const SIZE = 5_000
const BATCH = 100

/**
 * `SIZE` numbers in an array that counts which of its elements were read, and a server that
 * notes how many had been read when the first check request arrived.
 */
const watched = () => {
  let read = 0
  const values = Array.from({ length: SIZE }, (_, i) => `+1631${String(5_000_000 + i)}`)
  const inputs = new Proxy(values, {
    get: (target, key, receiver) => {
      if (typeof key === "string" && /^\d+$/.test(key)) read = Math.max(read, Number(key) + 1)
      return Reflect.get(target, key, receiver)
    }
  })
  let readAtFirstRequest: number | undefined
  const server = fromFunction((request) => {
    readAtFirstRequest ??= read
    return checkAnswer(request, (input) => ({ status: "valid", wa_id: input.slice(1) }), { version: "2.41.3" })
  })
  return { inputs, server, readAtFirstRequest: () => readAtFirstRequest }
}

const config = Layer.succeed(ContactsConfig.ContactsConfig, {})
const options = { batchSize: BATCH, rateLimit: false, concurrency: 1 } as const

const collect = async <A>(it: AsyncIterable<A>): Promise<number> => {
  let n = 0
  for await (const _ of it) n++
  return n
}

describe("an array of inputs is read a batch at a time", () => {
  it.effect("checkStream: the first request goes before the array is read whole", () =>
    Effect.gen(function*() {
      const w = watched()
      const n = yield* Stream.runCount(Check.checkStream(w.inputs, options)).pipe(Effect.provide(Layer.mergeAll(w.server.layer, config)))
      expect(n).toBe(SIZE)
      expect(w.readAtFirstRequest()).toBeLessThan(SIZE / 2)
    }))

  it.effect("checkThroughStore: the same through the store", () =>
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
