/**
 * Looking after a store (issue #12 items 5, 6, 7): messages recorded for the budget, numbers
 * imported without checking (translated, de-duplicated), stats by status and age with the budget
 * left, and pruning — all on the clock of effect (`TestClock`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Config, StoreAdmin } from "@wa-contacts/core"
import * as MemoryStore from "./support/MemoryStore.ts"
import { result } from "./support/storeContract.ts"

const DAY = 86_400_000

const withStore = (state: MemoryStore.MemoryState, config: Config.ContactsConfigShape = {}) =>
  Layer.merge(MemoryStore.layer(state), Layer.succeed(Config.ContactsConfig, config))

describe("store import", () => {
  it.effect("adds translated, de-duplicated numbers without checking, and says what it skipped", () =>
    Effect.gen(function*() {
      const state = MemoryStore.emptyState()
      const counts = { inputs: 0, added: 0, known: 0, skipped: 0 }
      yield* TestClock.adjust(1_000)
      const skipped = yield* Stream.runCollect(
        StoreAdmin.importNumbers(Stream.fromIterable(["+1 631 555 1000", "16315551000", "6315551002", "hello", "+16315551004"]), counts)
      ).pipe(Effect.provide(withStore(state, { registeredNumber: "+1 631 555 0000" })))
      expect([...state.rows.keys()].sort()).toEqual(["+16315551000", "+16315551002", "+16315551004"])
      expect(state.rows.get("+16315551000")).toMatchObject({ added_at: 1_000, result: null })
      expect(skipped.map((s) => s.input)).toEqual(["hello"])
      expect(counts).toEqual({ inputs: 5, added: 3, known: 0, skipped: 1 })
      expect(state.calls["claim"]).toBeUndefined()
    }))

  it.effect("without a registered number, inputs without `+` are skipped with the reason", () =>
    Effect.gen(function*() {
      const state = MemoryStore.emptyState()
      const skipped = yield* Stream.runCollect(StoreAdmin.importNumbers(Stream.fromIterable(["6315551002", "+16315551000"])))
        .pipe(Effect.provide(withStore(state)))
      expect(skipped).toEqual([{ input: "6315551002", reason: expect.stringMatching(/no registered number/) }])
      expect([...state.rows.keys()]).toEqual(["+16315551000"])
    }))
})

describe("store stats", () => {
  it.effect("counts by status and age, fresh and due by maxAge, and the budget left in the window", () =>
    Effect.gen(function*() {
      const state = MemoryStore.emptyState()
      const layer = withStore(state)
      yield* TestClock.adjust(40 * DAY)
      const now = 40 * DAY
      const write = (n: string, at: number, o = {}) => state.rows.set(n, { number: n, added_at: 0, result: result(at, o), claim_owner: null, claim_until: null })
      write("+1", now - 1_000)
      write("+2", now - 3 * DAY, { status: "invalid", outcome: "NotWhatsAppUser", wa_id: null })
      write("+3", now - 10 * DAY)
      write("+4", now - 35 * DAY, { status: "failed", outcome: "Failed", wa_id: null })
      state.rows.set("+5", { number: "+5", added_at: 0, result: null, claim_owner: null, claim_until: null })
      yield* StoreAdmin.recordMessages(10).pipe(Effect.provide(layer))
      state.ledger.push({ kind: "checks", count: 4, at: now - DAY }, { kind: "messages", count: 100, at: now - 8 * DAY })
      const stats = yield* StoreAdmin.stats().pipe(Effect.provide(layer))
      expect(stats).toEqual({
        numbers: 5,
        unchecked: 1,
        byStatus: { valid: 2, invalid: 1, failed: 1 },
        fresh: 2,
        due: 3,
        byAge: { day: 1, week: 1, month: 1, older: 1 },
        ledger: { checks: 4, messages: 10 },
        budgetLeft: 6,
        changes: 0
      })
      expect((yield* StoreAdmin.stats({ maxAge: "12 hours" }).pipe(Effect.provide(layer))).fresh).toBe(1)
    }))

  it.effect("a count of messages that is not a positive integer is a typed input error", () =>
    Effect.gen(function*() {
      const error = yield* StoreAdmin.recordMessages(0).pipe(Effect.provide(withStore(MemoryStore.emptyState())), Effect.flip)
      expect(error._tag).toBe("InputError")
    }))
})

describe("store prune", () => {
  it.effect("removes what was checked longer ago than the cut-off, read on the clock", () =>
    Effect.gen(function*() {
      const state = MemoryStore.emptyState()
      yield* TestClock.adjust(100 * DAY)
      state.rows.set("+old", { number: "+old", added_at: 0, result: result(10 * DAY), claim_owner: null, claim_until: null })
      state.rows.set("+new", { number: "+new", added_at: 0, result: result(95 * DAY), claim_owner: null, claim_until: null })
      const pruned = yield* StoreAdmin.prune("30 days").pipe(Effect.provide(withStore(state)))
      expect(pruned.numbers).toBe(1)
      expect([...state.rows.keys()]).toEqual(["+new"])
    }))
})
