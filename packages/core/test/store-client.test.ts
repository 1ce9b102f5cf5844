/**
 * The Promise client accepts a store (issue #12 item 2): `checkAll` answers fresh numbers from it
 * and sends nothing for them; messages, import, stats and re-validation work without Effect.
 */
import { describe, expect, it } from "@effect/vitest"
import { StoreClient } from "@wa-contacts/core"
import * as MemoryStore from "./support/MemoryStore.ts"
import * as StoreServer from "./support/StoreServer.ts"

const collect = async <A>(it: AsyncIterable<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for await (const a of it) out.push(a)
  return out
}

describe("the Promise client with a store", () => {
  it("a second checkAll over the same numbers sends nothing and answers from the store", async () => {
    const server = StoreServer.make()
    const state = MemoryStore.emptyState()
    const client = StoreClient.make(server.layer, MemoryStore.layer(state))
    const numbers = ["+16315551000", "+16315551001", "", "+16315551000"]
    const first = await collect(client.checkAll(numbers, { rateLimit: false }))
    const sent = server.received.length
    const second = await collect(client.checkAll(numbers, { rateLimit: false }))
    expect(sent).toBe(2)
    expect(server.received.length).toBe(2)
    expect(first.map((r) => r._tag)).toEqual(["Checked", "NotWhatsAppUser", "Checked"])
    expect(second.map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(["Stored", "Stored", "Duplicate"])
    await client.dispose()
  })

  it("imports, records messages, counts, exports and re-validates within the budget", async () => {
    const server = StoreServer.make()
    const state = MemoryStore.emptyState()
    const client = StoreClient.make(server.layer, MemoryStore.layer(state))
    expect(await client.importNumbers(["+16315551000", "+16315551002", "+16315551002", "nope"])).toEqual({ inputs: 4, added: 2, known: 0, skipped: 1 })
    await client.recordMessages(1)
    expect(await client.stats()).toMatchObject({ numbers: 2, unchecked: 2, due: 2, budgetLeft: 1 })
    const records = await collect(client.revalidate())
    expect(records.map((r) => r._tag)).toEqual(["Checked", "Deferred"])
    expect(server.received.length).toBe(1)
    expect((await collect(client.exportAll())).map((n) => n.result?.status ?? null)).toEqual(["valid", null])
    await client.dispose()
  })
})
