/**
 * The contract of the `ResultStore` port as a behaviour suite any adapter can run: call
 * `storeContract(name, makeLayer)` inside a test file, with a layer that gives a fresh, empty
 * store each time it is built. Times are plain arguments (the port reads no clock), so the suite
 * needs none.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer, Stream } from "effect"
import { ResultStore, StoreRules } from "@wa-contacts/core"

type Store = ResultStore.ResultStoreShape

/** A stored result checked at `at`. */
export const result = (at: number, overrides: Partial<ResultStore.StoredResult> = {}): ResultStore.StoredResult => ({
  status: "valid",
  outcome: "Checked",
  wa_id: "16315551000",
  wa_id_trusted: false,
  anomaly: false,
  semantics: "repurposed",
  server_version: "2.45.1",
  detail: null,
  checked_at: at,
  ...overrides
})

const numbers = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `+1631555${String(from + i).padStart(4, "0")}`)

/** Register the contract tests for the store built by `makeLayer`. */
export const storeContract = <E>(name: string, makeLayer: () => Layer.Layer<ResultStore.ResultStore, E>) => {
  const withStore = <A, E2>(f: (store: Store) => Effect.Effect<A, E2>) =>
    Effect.gen(function*() {
      const store = yield* ResultStore.ResultStore
      return yield* f(store)
    }).pipe(Effect.provide(makeLayer()))

  describe(`${name}: the ResultStore contract`, () => {
    it.effect("an unknown number is absent from lookup; a written one comes back as written, with its history", () =>
      withStore((store) =>
        Effect.gen(function*() {
          expect((yield* store.lookup(["+16315550000"])).size).toBe(0)
          const r = result(1_000)
          const history: ResultStore.HistoryEntry = { number: "+16315550000", change: "new", checked_at: 1_000, previous: null, current: r }
          yield* store.write({ owner: "a", results: [{ number: "+16315550000", result: r, history }], release: [], at: 1_000 })
          const found = (yield* store.lookup(["+16315550000", "+16315550001"]))
          expect(found.get("+16315550000")).toEqual({ number: "+16315550000", added_at: 1_000, result: r })
          expect(found.has("+16315550001")).toBe(false)
          expect(yield* store.history("+16315550000")).toEqual([history])
        })
      ))

    it.effect("lookup gives back every value exactly: any text, flags, large times, numbers not yet checked, a number asked twice", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const odd = result(2 ** 50, {
            detail: "quotes \" ' and \\ backslash, \n\t\u0001 controls, ünïcødé 😀, [1,2], {\"a\":null}",
            server_version: "2.45.1 \"beta\"",
            wa_id_trusted: true,
            anomaly: true,
            status: "invalid",
            outcome: "NotWhatsAppUser",
            wa_id: null
          })
          // A wa_id that is the number's digits, and one that is not.
          const own = result(3, { wa_id: "16315551000" })
          yield* store.write({ owner: "a", results: [{ number: "+16315550000", result: odd }, { number: "+16315551000", result: own }], release: [], at: 7 })
          yield* store.add(["+16315550001"], 8)
          const found = yield* store.lookup(["+16315550001", "+16315550000", "+16315550002", "+16315550000", "+16315551000"])
          expect(found.get("+16315551000")).toEqual({ number: "+16315551000", added_at: 7, result: own })
          expect(found.get("+16315550000")).toEqual({ number: "+16315550000", added_at: 7, result: odd })
          expect(found.get("+16315550001")).toEqual({ number: "+16315550001", added_at: 8, result: null })
          expect(found.size).toBe(3)
        })
      ))

    it.effect("claim inserts unknown numbers; a live claim of another owner is Held until it lapses", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [n] = numbers(1)
          const first = yield* store.claim({ numbers: [n!], owner: "a", now: 0, until: 100 })
          expect(first).toEqual([{ _tag: "Claimed", number: n, until: 100, current: null }])
          expect(yield* store.claim({ numbers: [n!], owner: "b", now: 50, until: 150 })).toEqual([{ _tag: "Held", number: n, until: 100 }])
          // The holder may renew its own claim.
          expect((yield* store.claim({ numbers: [n!], owner: "a", now: 60, until: 160 }))[0]!._tag).toBe("Claimed")
          // At `until` the claim has lapsed: a dead holder blocks nobody for longer.
          expect((yield* store.claim({ numbers: [n!], owner: "b", now: 160, until: 260 }))[0]!._tag).toBe("Claimed")
          expect((yield* store.lookup([n!])).get(n!)?.result).toBeNull()
        })
      ))

    it.effect("a claim answers the current result read with it", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [n] = numbers(1)
          yield* store.write({ owner: "a", results: [{ number: n!, result: result(5) }], release: [], at: 5 })
          const [outcome] = yield* store.claim({ numbers: [n!, n!], owner: "b", now: 10, until: 20 })
          expect(outcome).toEqual({ _tag: "Claimed", number: n, until: 20, current: result(5) })
        })
      ))

    it.effect("a claim with a charge records, in its transaction, the due numbers it took: not the fresh, not the held", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [unknown, old, fresh, held, unknown2] = numbers(5)
          yield* store.write({ owner: "w", results: [{ number: old!, result: result(10) }, { number: fresh!, result: result(90) }], release: [], at: 90 })
          yield* store.claim({ numbers: [held!], owner: "other", now: 90, until: 1_000 })
          const ledger = () => Effect.map(store.summary({ checkedSince: [], ledgerSince: 0 }), (s) => s.ledger.checks)
          // Due: no result, or checked before 50 (the caller's threshold).
          const outcomes = yield* store.claim({ numbers: [unknown!, old!, fresh!, held!], owner: "a", now: 100, until: 200, charge: { checkedBefore: 50 } })
          expect(outcomes.filter((o) => o._tag === "Claimed").length).toBe(3)
          expect(yield* ledger()).toBe(2)
          // Nothing due: no entry. Without a charge: none either.
          yield* store.claim({ numbers: [fresh!], owner: "b", now: 300, until: 400, charge: { checkedBefore: 50 } })
          yield* store.claim({ numbers: [unknown2!], owner: "b", now: 300, until: 400 })
          expect(yield* ledger()).toBe(2)
          // Recorded at the claim's `now`.
          const since = (t: number) => Effect.map(store.summary({ checkedSince: [], ledgerSince: t }), (s) => s.ledger.checks)
          expect([yield* since(100), yield* since(101)]).toEqual([2, 0])
        })
      ))

    it.effect("write releases the writer's claims, on results and on released numbers alike", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [x, y] = numbers(2)
          yield* store.claim({ numbers: [x!, y!], owner: "a", now: 0, until: 1_000 })
          yield* store.write({ owner: "a", results: [{ number: x!, result: result(1) }], release: [y!], at: 1 })
          const again = yield* store.claim({ numbers: [x!, y!], owner: "b", now: 2, until: 1_000 })
          expect(again.map((o) => o._tag)).toEqual(["Claimed", "Claimed"])
        })
      ))

    it.effect("write leaves another owner's claim alone but still writes the result", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [x] = numbers(1)
          yield* store.claim({ numbers: [x!], owner: "a", now: 0, until: 10 })
          yield* store.claim({ numbers: [x!], owner: "b", now: 10, until: 100 })
          yield* store.write({ owner: "a", results: [{ number: x!, result: result(11) }], release: [], at: 11 })
          expect((yield* store.lookup([x!])).get(x!)?.result).toEqual(result(11))
          expect(yield* store.claim({ numbers: [x!], owner: "c", now: 12, until: 50 })).toEqual([{ _tag: "Held", number: x, until: 100 }])
        })
      ))

    it.effect("add inserts only unknown numbers and says how many were new", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [x, y] = numbers(2)
          yield* store.write({ owner: "a", results: [{ number: x!, result: result(7) }], release: [], at: 7 })
          expect(yield* store.add([x!, y!, y!], 9)).toBe(1)
          const found = yield* store.lookup([x!, y!])
          expect(found.get(x!)).toEqual({ number: x, added_at: 7, result: result(7) })
          expect(found.get(y!)).toEqual({ number: y, added_at: 9, result: null })
        })
      ))

    it.effect("due lists the never-checked first, then the oldest results before the threshold, within the limit", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [a, b, c, d, e] = numbers(5)
          yield* store.write({
            owner: "w",
            results: [
              { number: a!, result: result(300) },
              { number: b!, result: result(100) },
              { number: c!, result: result(200) },
              { number: d!, result: result(900) }
            ],
            release: [],
            at: 50
          })
          yield* store.add([e!], 60)
          const due = yield* Stream.runCollect(store.due({ checkedBefore: StoreRules.dueThreshold(1_000, 700) }))
          expect(due.map((s) => s.number)).toEqual([e, b, c, a])
          const limited = yield* Stream.runCollect(store.due({ checkedBefore: 301, limit: 2 }))
          expect(limited.map((s) => s.number)).toEqual([e, b])
        })
      ))

    it.effect("export gives every number by number, results included", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const list = numbers(7).reverse()
          yield* store.add(list, 1)
          yield* store.write({ owner: "w", results: [{ number: list[0]!, result: result(3) }], release: [], at: 3 })
          const all = yield* Stream.runCollect(store.export)
          expect(all.map((s) => s.number)).toEqual([...list].sort())
          expect(all.at(-1)?.result).toEqual(result(3))
        })
      ))

    it.effect("reserve grants what decide says from the totals in the window and records it", () =>
      withStore((store) =>
        Effect.gen(function*() {
          yield* store.recordMessages(10, 0)
          yield* store.recordMessages(5, 100)
          const seen: Array<ResultStore.LedgerTotals> = []
          const decide = (t: ResultStore.LedgerTotals) => {
            seen.push(t)
            return Math.max(0, t.messages - t.checks)
          }
          expect(yield* store.reserve({ requested: 20, at: 100, since: 50, decide: (t) => Math.min(20, decide(t)) })).toBe(5)
          expect(yield* store.reserve({ requested: 20, at: 101, since: 0, decide: (t) => Math.min(20, decide(t)) })).toBe(10)
          expect(yield* store.reserve({ requested: 20, at: 102, since: 0, decide: (t) => Math.min(20, decide(t)) })).toBe(0)
          expect(seen).toEqual([{ checks: 0, messages: 5 }, { checks: 5, messages: 15 }, { checks: 15, messages: 15 }])
        })
      ))

    it.effect("reserve without decide (no budget applies) grants every check requested and records it", () =>
      withStore((store) =>
        Effect.gen(function*() {
          yield* store.recordMessages(3, 0)
          expect(yield* store.reserve({ requested: 20, at: 10, since: 0 })).toBe(20)
          expect(yield* store.reserve({ requested: 0, at: 11, since: 0 })).toBe(0)
          // A budgeted reservation after it sees those checks.
          expect(yield* store.reserve({ requested: 5, at: 12, since: 0, decide: (t) => Math.max(0, t.messages - t.checks) })).toBe(0)
          expect((yield* store.summary({ checkedSince: [], ledgerSince: 0 })).ledger).toEqual({ checks: 20, messages: 3 })
        })
      ))

    it.effect("concurrent reservations never exceed the budget together", () =>
      withStore((store) =>
        Effect.gen(function*() {
          yield* store.recordMessages(100, 0)
          const granted = yield* Effect.forEach(
            Array.from({ length: 40 }, (_, i) => i),
            (i) => store.reserve({ requested: 7, at: i, since: 0, decide: (t) => Math.min(7, Math.max(0, t.messages - t.checks)) }),
            { concurrency: "unbounded" }
          )
          expect(granted.reduce((a, b) => a + b, 0)).toBe(100)
          expect((yield* store.summary({ checkedSince: [], ledgerSince: 0 })).ledger).toEqual({ checks: 100, messages: 100 })
        })
      ))

    it.effect("summary counts numbers, statuses, ages and the ledger window", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [a, b, c, d] = numbers(4)
          yield* store.write({
            owner: "w",
            results: [
              { number: a!, result: result(100) },
              { number: b!, result: result(200, { status: "invalid", outcome: "NotWhatsAppUser", wa_id: null }) },
              { number: c!, result: result(300, { status: "failed", outcome: "Failed", wa_id: null, detail: "x" }) }
            ],
            release: [],
            at: 1
          })
          yield* store.add([d!], 2)
          yield* store.recordMessages(3, 10)
          yield* store.recordMessages(4, 500)
          const s = yield* store.summary({ checkedSince: [150, 250, 1_000], ledgerSince: 400 })
          expect(s).toMatchObject({ numbers: 4, unchecked: 1, byStatus: { valid: 1, invalid: 1, failed: 1 }, checkedSince: [2, 1, 0], ledger: { checks: 0, messages: 4 } })
        })
      ))

    it.effect("prune removes results, history and ledger entries older than the cut-off", () =>
      withStore((store) =>
        Effect.gen(function*() {
          const [a, b, c] = numbers(3)
          const old = result(100)
          yield* store.write({
            owner: "w",
            results: [
              { number: a!, result: old, history: { number: a!, change: "new", checked_at: 100, previous: null, current: old } },
              { number: b!, result: result(900), history: { number: b!, change: "new", checked_at: 900, previous: null, current: result(900) } }
            ],
            release: [],
            at: 100
          })
          yield* store.add([c!], 50)
          yield* store.recordMessages(1, 10)
          yield* store.recordMessages(1, 800)
          const pruned = yield* store.prune(500)
          expect(pruned).toEqual({ numbers: 2, history: 1, ledger: 1 })
          expect([...(yield* store.lookup([a!, b!, c!])).keys()]).toEqual([b])
          expect((yield* store.history(b!)).length).toBe(1)
        })
      ))
  })
}
