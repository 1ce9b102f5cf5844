/**
 * Re-validation and the check budget (issue #12 items 2 and 5): the due numbers, oldest first,
 * one record per due number — re-checked with what changed, or deferred by the budget and still
 * due; the budget (checks in the window <= messages × ratio, a cap per run) is never exceeded,
 * also by concurrent runs; with no messages recorded it refuses, saying why, rather than defer
 * everything silently. On `TestClock`, against the in-memory reference store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Check, Config, StoredCheck, type Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import * as MemoryStore from "./support/MemoryStore.ts"
import * as StoreServer from "./support/StoreServer.ts"

const list = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `+1631555${String(from + i).padStart(4, "0")}`)

const layers = (server: { readonly layer: Layer.Layer<Transport.Transport> }, state: MemoryStore.MemoryState) =>
  Layer.mergeAll(server.layer, MemoryStore.layer(state), Layer.succeed(Config.ContactsConfig, {}))

const fill = (server: StoreServer.StoreServer, state: MemoryStore.MemoryState, numbers: ReadonlyArray<string>) =>
  runClocked(Stream.runDrain(StoredCheck.checkThroughStore(numbers, { rateLimit: false, batchSize: 50 })).pipe(Effect.provide(layers(server, state))))

const revalidate = (
  server: StoreServer.StoreServer,
  state: MemoryStore.MemoryState,
  options: StoredCheck.RevalidateOptions,
  counts = { ...StoredCheck.emptyCounts(), fresh: 0, due: 0 }
) =>
  runClocked(Stream.runCollect(StoredCheck.revalidate({ rateLimit: false, batchSize: 50, ...options }, counts)).pipe(Effect.provide(layers(server, state))))

const checks = (state: MemoryStore.MemoryState) => state.ledger.filter((e) => e.kind === "checks").reduce((a, e) => a + e.count, 0)

describe("revalidate", () => {
  it.effect("re-checks only the due numbers, oldest first, one record each, with what changed", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* fill(server, state, list(5, 0))
      yield* TestClock.adjust(10_000)
      yield* fill(server, state, list(5, 5))
      yield* TestClock.adjust(3_000)
      server.rule = (input) => (input.endsWith("2") ? { status: "invalid" } : StoreServer.defaultRule(input))
      const sentBefore = server.received.length
      const counts = { ...StoredCheck.emptyCounts(), fresh: 0, due: 0 }
      const records = yield* revalidate(server, state, { store: { maxAge: "5 seconds", budget: false } }, counts)
      expect(records.map((r) => r.input)).toEqual(list(5, 0))
      expect(server.received.slice(sentBefore)).toEqual(list(5, 0))
      expect(records.map((r) => r._tag !== "Deferred" && r.store._tag === "Checked" && r.store.change)).toEqual([
        "unchanged",
        "unchanged",
        "newly_invalid",
        "unchanged",
        "unchanged"
      ])
      expect(counts).toMatchObject({ fresh: 5, due: 5, checked: 5, deferred: 0, changed: 1 })
    }))

  it.effect("imported numbers never checked are due first", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* fill(server, state, list(3, 0))
      yield* TestClock.adjust(60_000)
      state.rows.set("+16315550100", { number: "+16315550100", added_at: 60_000, result: null, claim_owner: null, claim_until: null })
      const records = yield* revalidate(server, state, { store: { maxAge: "5 seconds", budget: false }, limit: 2 })
      expect(records.map((r) => r.input)).toEqual(["+16315550100", "+16315550000"])
      expect(records[0]).toMatchObject({ store: { _tag: "Checked", change: "new" } })
    }))
})

describe("the check budget", () => {
  it.effect("over-budget numbers are deferred with the reason, not sent, and stay due: the next run checks exactly them", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* fill(server, state, list(100))
      yield* TestClock.adjust(10_000)
      const sentBefore = server.received.length
      const stats = new Check.CheckStats()
      const first = yield* revalidate(server, state, { stats, store: { maxAge: "5 seconds", budget: { perRun: 30, ledger: "when-recorded" } } })
      expect(first.length).toBe(100)
      // Deferred inputs are not counted as failed checks.
      expect(stats.byStatus.failed).toBe(0)
      expect(stats.contactsSent).toBe(30)
      expect(server.received.length - sentBefore).toBe(30)
      const deferred = first.filter(StoredCheck.isDeferred)
      expect(deferred.length).toBe(70)
      expect(deferred[0]!.reason).toMatch(/budget of 30 checks is spent/)
      const rechecked = new Set(first.filter((r) => !StoredCheck.isDeferred(r)).map((r) => r.input))
      const second = yield* revalidate(server, state, { store: { maxAge: "5 seconds", budget: { perRun: 5_000, ledger: "when-recorded" } } })
      expect(second.map((r) => r.input)).toEqual(deferred.map((r) => r.input))
      expect(second.some((r) => rechecked.has(r.input))).toBe(false)
      expect(second.filter(StoredCheck.isDeferred)).toEqual([])
    }))

  it.effect("checks in the window never exceed the messages recorded × ratio", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* fill(server, state, list(50))
      state.ledger.splice(0) // the fill's checks are a week old by the time of the run
      state.ledger.push({ kind: "messages", count: 20, at: 0 })
      yield* TestClock.adjust(10_000)
      const records = yield* revalidate(server, state, { store: { maxAge: "5 seconds" } })
      expect(records.filter((r) => !StoredCheck.isDeferred(r)).length).toBe(20)
      expect(checks(state)).toBe(20)
      expect(records.filter(StoredCheck.isDeferred)[0]!.reason).toMatch(/20 checks in the last 7 days already match 20 messages/)
    }))

  it.effect("with no messages recorded it refuses before sending, and says how to proceed", () =>
    Effect.gen(function*() {
      const server = StoreServer.make()
      const state = MemoryStore.emptyState()
      yield* fill(server, state, list(5))
      yield* TestClock.adjust(10_000)
      const sent = server.received.length
      const error = yield* revalidate(server, state, { store: { maxAge: "5 seconds" } }).pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "NoMessagesRecorded", message: expect.stringMatching(/no messages recorded/) })
      expect(server.received.length).toBe(sent)
    }))

  it.effect("concurrent runs together never exceed the budget, and no number is checked twice", () =>
    Effect.gen(function*() {
      const server = StoreServer.make({ latency: 200 })
      const state = MemoryStore.emptyState()
      yield* fill(server, state, list(200))
      state.ledger.splice(0)
      state.ledger.push({ kind: "messages", count: 90, at: 0 })
      yield* TestClock.adjust(10_000)
      const sentBefore = server.received.length
      const runs = yield* runClocked(
        Effect.all(
          Array.from({ length: 4 }, () => Stream.runCollect(StoredCheck.revalidate({ rateLimit: false, batchSize: 20, store: { maxAge: "5 seconds" } }))),
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(layers(server, state)))
      )
      const sent = server.received.slice(sentBefore)
      expect(sent.length).toBe(90)
      expect(new Set(sent).size).toBe(90)
      expect(checks(state)).toBe(90)
      runs.forEach((records) => expect(records.length).toBeGreaterThan(0))
    }))
})
