/**
 * Checks through the result store (issue #12 items 2, 4, 7): fresh numbers are answered from the
 * store (marked stored, with their age) and not sent; due ones are checked and written in batches
 * atomically, with their history of changes; exactly one result per input, in order; the store is
 * the resume point; runs sharing a store check a due number once; the ledger counts every number
 * sent. All on `TestClock`, against the in-memory reference store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { ContactsConfig, StoredCheck, Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import * as MemoryStore from "./support/MemoryStore.ts"
import * as StoreServer from "./support/StoreServer.ts"

const DAY = 86_400_000

const list = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `+1631555${String(from + i).padStart(4, "0")}`)

const layers = (server: { readonly layer: Layer.Layer<Transport.Transport> }, state: MemoryStore.MemoryState, config: ContactsConfig.ContactsConfigShape = {}) =>
  Layer.mergeAll(server.layer, MemoryStore.layer(state), Layer.succeed(ContactsConfig.ContactsConfig, config))

/** Run a check of `inputs` through the store to its end on the test clock. */
const check = (
  server: StoreServer.StoreServer,
  state: MemoryStore.MemoryState,
  inputs: ReadonlyArray<string>,
  options: StoredCheck.StoredCheckOptions = {},
  counts = StoredCheck.emptyCounts()
) =>
  runClocked(
    Stream.runCollect(StoredCheck.checkThroughStore(inputs, { rateLimit: false, ...options }, counts)).pipe(
      Effect.provide(layers(server, state, { registeredNumber: "+1 631 555 0000" }))
    )
  )

const statusOf = (r: StoredCheck.StoredCheckResult) => (r._tag === "Deferred" ? "deferred" : r._tag)

describe("a second run over the same list", () => {
  it.effect("sends nothing and gives the same results, marked stored with their age", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      const inputs = [...list(30), "6315550002", "+1 631 555 0003", "+163155599999"]
      const first = yield* check(server, state, inputs)
      const sentFirst = server.received.length
      expect(sentFirst).toBe(31) // 30 distinct + the failing one; the other two are duplicates
      yield* TestClock.adjust(3 * DAY)
      const second = yield* check(server, state, inputs)
      expect(server.received.length).toBe(sentFirst)
      expect(second.map(statusOf)).toEqual(first.map(statusOf))
      expect(second.map((r) => r.input)).toEqual(inputs)
      const stored = second.find((r) => r.input === "+16315550004")!
      expect(stored).toMatchObject({ _tag: "Checked", store: { _tag: "Stored" } })
      expect(stored._tag !== "Deferred" && stored.store._tag === "Stored" && stored.store.age).toBeGreaterThanOrEqual(3 * DAY)
      // The first run said when each result was stored: the time the second run reads back.
      const checkedAt = (r: StoredCheck.StoredCheckResult) =>
        r._tag === "Deferred" ? undefined : r.store._tag === "Checked" ? r.store.checkedAt : r.store._tag === "Stored" ? r.store.checkedAt : undefined
      const atFirst = first.filter((r) => r._tag !== "Deferred" && r.store._tag === "Checked").map((r) => [r.input, checkedAt(r)])
      expect(atFirst.length).toBe(31)
      expect(atFirst.every(([, at]) => typeof at === "number")).toBe(true)
      expect(atFirst).toEqual(atFirst.map(([input]) => [input, checkedAt(second.find((r) => r.input === input)!)]))
    }))

  it.effect("exactly one result per input, in order: duplicates, rejected inputs and unknown translations included", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      const inputs = ["+16315550001", "hello", "+16315550002", "16315550001", "+16315550002"]
      const results = yield* check(server, state, inputs, { batchSize: 2 })
      expect(results.map((r) => r.input)).toEqual(inputs)
      expect(results.map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(["Checked", "NotStored", "Checked", "Duplicate", "Duplicate"])
      expect([...state.rows.keys()].sort()).toEqual(["+16315550001", "+16315550002"])
    }))
})

describe("fresh and due", () => {
  it.effect("a result older than maxAge is re-checked, and what changed is reported and kept in the history", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* check(server, state, list(4))
      yield* TestClock.adjust(DAY)
      server.rule = (input) => (input.endsWith("0") ? { status: "invalid" } : input.endsWith("2") ? { status: "valid", wa_id: "99" } : StoreServer.defaultRule(input))
      const results = yield* check(server, state, list(4), { store: { maxAge: "12 hours" } })
      expect(results.map((r) => r._tag !== "Deferred" && r.store._tag === "Checked" && [r.store.change, r.store.previous?.status])).toEqual([
        ["newly_invalid", "valid"],
        ["unchanged", "invalid"],
        ["wa_id_changed", "valid"],
        ["unchanged", "invalid"]
      ])
      expect(state.history.filter((h) => h.number === "+16315550000").map((h) => [h.change, h.previous?.status, h.current.status])).toEqual([["newly_invalid", "valid", "invalid"]])
      // Only changes are history: an unchanged re-check and a first result add no row.
      expect(state.history.filter((h) => h.number === "+16315550001")).toEqual([])
    }))

  it.effect("forceCheck ignores freshness", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* check(server, state, list(3))
      yield* check(server, state, list(3), { forceCheck: true })
      expect(server.received.length).toBe(6)
    }))

  it.effect("an answer still processing at the deadline is not stored: the number stays due", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      server.rule = () => ({ status: "processing" })
      const state = MemoryStore.emptyState()
      const results = yield* check(server, state, list(2), { blocking: "no_wait", maxWait: "2 seconds" })
      expect(results.map((r) => r._tag)).toEqual(["Processing", "Processing"])
      expect(results.map((r) => (r._tag !== "Deferred" && r.store._tag === "Checked" ? r.store.checkedAt : "other"))).toEqual([undefined, undefined])
      expect([...state.rows.values()].map((r) => r.result)).toEqual([null, null])
      expect([...state.rows.values()].map((r) => r.claim_owner)).toEqual([null, null])
    }))
})

describe("the store is the resume point", () => {
  it.effect("a run that fails midway keeps the groups it wrote; the next run sends only the rest", () =>
    Effect.gen(function*() {
      const state = MemoryStore.emptyState()
      const good = StoreServer.make()
      const flaky = StoreServer.make({ failAfter: 2 })
      const failed = yield* check(flaky, state, list(50), { batchSize: 10, batchesInProgress: 1, concurrency: 1 }).pipe(Effect.flip)
      expect(failed).toMatchObject({ _tag: "TransportError" })
      expect([...state.rows.values()].filter((r) => r.result !== null).length).toBe(20)
      // Nothing is left claimed: the next run need not wait for a lease to lapse.
      expect([...state.rows.values()].filter((r) => r.claim_owner !== null)).toEqual([])
      const results = yield* check(good, state, list(50), { batchSize: 10 })
      expect(good.received.length).toBe(30)
      expect(results.filter((r) => r._tag !== "Deferred" && r.store._tag === "Stored").length).toBe(20)
    }))
})

describe("runs sharing a store", () => {
  it.effect("four concurrent runs over overlapping lists check each distinct number once", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ latency: 300 })
      const state = MemoryStore.emptyState()
      const lists = [list(60, 0), list(60, 20), list(60, 40), list(60, 10)]
      const all = yield* runClocked(
        Effect.all(
          lists.map((l) => Stream.runCollect(StoredCheck.checkThroughStore(l, { rateLimit: false, batchSize: 15 }))),
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(layers(server, state)))
      )
      expect(new Set(server.received).size).toBe(100)
      expect(server.received.length).toBe(100)
      all.forEach((results, i) => expect(results.map((r) => r.input)).toEqual(lists[i]))
      expect(all.flat().every((r) => r._tag === "Checked" || r._tag === "NotWhatsAppUser")).toBe(true)
    }))

  it.effect("a run renews its claims while it works: a check slower than the lease is not sent twice", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ latency: 100_000 })
      const state = MemoryStore.emptyState()
      const run = Stream.runCollect(StoredCheck.checkThroughStore(list(5), { rateLimit: false, store: { lease: "30 seconds" } }))
      const [first, second] = yield* runClocked(
        Effect.all([run, Effect.delay(run, "40 seconds")], { concurrency: "unbounded" }).pipe(Effect.provide(layers(server, state))),
        { step: 1_000 }
      )
      expect(server.received.length).toBe(5)
      expect(first.map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(Array(5).fill("Checked"))
      expect(second.map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(Array(5).fill("Stored"))
    }))

  it.effect("a run waits for another run's numbers without holding its own: two runs each holding what the other wants both finish", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ latency: 500 })
      const state = MemoryStore.emptyState()
      const [x, y] = list(2)
      const store = MemoryStore.make(state)
      // Another run that holds x and waits for y, keeping x claimed for a day meanwhile.
      const other = Effect.gen(function*() {
        yield* store.claim({ numbers: [x!], owner: "other", now: 0, until: 86_400_000 })
        yield* Effect.sleep(20) // our run starts meanwhile and claims y
        while ((yield* store.claim({ numbers: [y!], owner: "other", now: yield* Clock.currentTimeMillis, until: 86_400_000 }))[0]!._tag === "Held") {
          yield* Effect.sleep(100)
        }
        const at = yield* Clock.currentTimeMillis
        const r = { status: "invalid" as const, outcome: "NotWhatsAppUser" as const, wa_id: null, wa_id_trusted: false, anomaly: false, semantics: "legacy" as const, server_version: null, detail: null, checked_at: at }
        yield* store.write({ owner: "other", results: [{ number: x!, result: r }, { number: y!, result: r }], release: [], at })
      })
      const ours = Stream.runCollect(StoredCheck.checkThroughStore([y!, x!], { rateLimit: false }))
      const [, results] = yield* runClocked(
        Effect.all([other, Effect.delay(ours, 5)], { concurrency: "unbounded" }).pipe(Effect.provide(layers(server, state))),
        { step: 5, limit: 120_000 }
      )
      expect(results.map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(["Checked", "Stored"])
      expect(server.received).toEqual([y])
    }))

  it.effect("a first run claims its later groups at once, yet a number another run holds that is already fresh is answered from the store, not waited for", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      const inputs = list(20)
      const held = inputs[17]!
      const r = { status: "invalid" as const, outcome: "NotWhatsAppUser" as const, wa_id: null, wa_id_trusted: false, anomaly: false, semantics: "legacy" as const, server_version: null, detail: null, checked_at: 0 }
      state.rows.set(held, { number: held, added_at: 0, result: r, claim_owner: "other", claim_until: DAY })
      const results = yield* check(server, state, inputs, { batchSize: 5, concurrency: 1 })
      expect(server.received).toEqual(inputs.filter((n) => n !== held))
      expect(results[17]).toMatchObject({ store: { _tag: "Stored" } })
      expect(results.filter((x) => x._tag !== "Deferred" && x.store._tag === "Checked")).toHaveLength(19)
      // Reserved in the ledger: exactly what was sent.
      expect(state.ledger.filter((e) => e.kind === "checks").reduce((a, e) => a + e.count, 0)).toBe(19)
      expect(yield* Clock.currentTimeMillis).toBeLessThan(10_000)
    }))

  it.effect("a claim whose holder died lapses: the number is checked after the lease", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      const [n] = list(1)
      state.rows.set(n!, { number: n!, added_at: 0, result: null, claim_owner: "dead", claim_until: 60_000 })
      const results = yield* check(server, state, [n!])
      expect(results[0]).toMatchObject({ _tag: "Checked", store: { _tag: "Checked", change: "new" } })
      expect(server.received).toEqual([n])
      expect(yield* Clock.currentTimeMillis).toBeGreaterThanOrEqual(60_000)
    }))
})

describe("the ledger", () => {
  it.effect("counts every number sent in check requests, re-sends of processing numbers included", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ processingFirst: true })
      const state = MemoryStore.emptyState()
      const counts = StoredCheck.emptyCounts()
      yield* check(server, state, list(10), { blocking: "no_wait" }, counts)
      const checks = state.ledger.filter((e) => e.kind === "checks").reduce((a, e) => a + e.count, 0)
      expect(server.received.length).toBe(20)
      expect(checks).toBe(20)
      expect(counts.sent).toBe(20)
    }))

  it.effect("without a budget, the checks are recorded in the claims' own transactions: exactly the due numbers, no reservation of their own", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      const inputs = list(30)
      // 5 of the third group fresh in the store already: after two groups found due, that group is
      // claimed at once, fresh numbers included; they are answered from the store and not charged.
      for (const n of inputs.slice(25)) state.rows.set(n, { number: n, added_at: 0, result: { status: "valid", outcome: "WhatsAppUser", wa_id: n.slice(1), wa_id_trusted: true, anomaly: false, semantics: "legacy", server_version: null, detail: null, checked_at: 0 }, claim_owner: null, claim_until: null })
      const first = yield* check(server, state, inputs, { batchSize: 10, concurrency: 1 })
      expect(state.calls.lookup).toBe(1)
      expect(first.slice(25).map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(Array(5).fill("Stored"))
      yield* check(server, state, list(40), { batchSize: 10, concurrency: 1 })
      expect(server.received).toEqual([...inputs.slice(0, 25), ...list(10, 30)])
      expect(state.ledger.filter((e) => e.kind === "checks").reduce((a, e) => a + e.count, 0)).toBe(35)
      expect(state.calls.reserve ?? 0).toBe(0)
    }))

  it.effect("attempts that never reached the server are not charged: the ledger holds what the server received", () =>
    Effect.gen(function*() {
      // Refused three times, then up: each retry goes out, but only the last arrives.
      const server = StoreServer.make({ refuseFirst: 3 })
      const state = MemoryStore.emptyState()
      const counts = StoredCheck.emptyCounts()
      const results = yield* check(server, state, list(10), { batchSize: 10, concurrency: 1 }, counts)
      expect(results.map((r) => r._tag !== "Deferred" && r.store._tag)).toEqual(Array(10).fill("Checked"))
      expect(server.received.length).toBe(10)
      expect(state.ledger.filter((e) => e.kind === "checks").reduce((a, e) => a + e.count, 0)).toBe(10)
      expect(counts.sent).toBe(10)
    }))

  it.effect("a run whose server never answers charges what its claims took, not every retry", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ refuseFirst: 1_000 })
      const state = MemoryStore.emptyState()
      const counts = StoredCheck.emptyCounts()
      const failed = yield* check(server, state, list(10), { batchSize: 10, concurrency: 1 }, counts).pipe(Effect.flip)
      expect(failed).toMatchObject({ _tag: "TransportError", reason: "ConnectionRefused" })
      expect(server.received.length).toBe(0)
      // Charged before sending (the conservative side), once.
      expect(state.ledger.filter((e) => e.kind === "checks").reduce((a, e) => a + e.count, 0)).toBe(10)
      expect(counts.sent).toBe(0)
    }))

  it.effect("a server's version is stored with each result", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ version: "2.41.3" })
      const state = MemoryStore.emptyState()
      yield* check(server, state, list(2))
      expect([...state.rows.values()].map((r) => [r.result?.server_version, r.result?.semantics, r.result?.wa_id_trusted])).toEqual([
        ["2.41.3", "legacy", true],
        ["2.41.3", "legacy", false]
      ])
    }))
})
