/**
 * Several processes on one store (a SQLite file or a PostgreSQL schema), each through the
 * library in its own Node process: claims exclude each other, a dead holder's claim lapses at its
 * lease end, the budget holds across processes, and kill -9 never leaves half a batch.
 */
import { describe, expect, it } from "@effect/vitest"
import { ResultStore } from "@wa-contacts/core"
import { Context, Effect, Layer, Stream } from "effect"
import { join } from "node:path"
import { Store } from "../src/index.ts"
import { forEachBackend } from "./support/backends.ts"
import { spawnNode } from "./support/processes.ts"

const worker = join(import.meta.dirname, "fixtures", "store-worker.ts")
const numbers = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `+4930${String(from + i).padStart(7, "0")}`)
const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Runs `body` with a store at a fresh location that child processes can open too. */
const withLocation = <A, E>(
  backend: Parameters<Parameters<typeof forEachBackend>[0]>[0],
  body: (location: string, store: ResultStore.ResultStoreShape) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const { location, remove } = backend.fresh()
    yield* Effect.addFinalizer(() => remove)
    const context = yield* Layer.build(Store.layer(location))
    const store = Context.get(context, ResultStore.ResultStore)
    return yield* body(location, store)
  }).pipe(Effect.scoped)

const run = (location: string, command: object) => spawnNode(worker, [location, JSON.stringify(command)])

forEachBackend((backend) =>
  describe(`${backend.name}: several processes`, () => {
    it.live("4 processes claiming overlapping lists at once: each number is claimed by exactly one", () =>
      withLocation(backend, (location, store) =>
        Effect.gen(function*() {
          const lists = [0, 1, 2, 3].map((i) => shuffled(numbers(i * 600, i * 600 + 1500), i + 1))
          const children = lists.map((list, i) =>
            run(location, { do: "claim-write", owner: `w${i}`, numbers: list, batch: 50, now: 1_000, until: 10 ** 13 })
          )
          const outputs = yield* Effect.promise(() => Promise.all(children.map((c) => c.waitFor((l) => "claimed" in l))))
          const exits = yield* Effect.promise(() => Promise.all(children.map((c) => c.exit)))
          expect(exits.map((e) => e.code), exits.map((e) => e.stderr).join("\n")).toEqual([0, 0, 0, 0])
          const distinct = new Set(lists.flat())
          const claimed = outputs.flatMap((o) => o.claimed as Array<string>)
          expect(claimed.length).toBe(distinct.size)
          expect(new Set(claimed)).toEqual(distinct)
          // The store holds exactly one current result per number, written by its claimer.
          const all = yield* Stream.runCollect(store.export)
          expect(all.length).toBe(distinct.size)
          const owner = new Map(outputs.flatMap((o, i) => (o.claimed as Array<string>).map((n) => [n, `w${i}`] as const)))
          expect(all.every((s) => s.result?.wa_id === owner.get(s.number))).toBe(true)
        })), 120_000)

    it.live("a claim whose holder was killed -9 is held until its lease ends, then lapses", () =>
      withLocation(backend, (location, store) =>
        Effect.gen(function*() {
          const list = numbers(0, 300)
          const holder = run(location, { do: "claim-hold", owner: "dead", numbers: list, now: 1_000, until: 5_000 })
          const said = yield* Effect.promise(() => holder.waitFor((l) => "claimed" in l))
          expect(said.claimed).toBe(300)
          holder.process.kill("SIGKILL")
          expect((yield* Effect.promise(() => holder.exit)).code).toBe("SIGKILL")
          const before = yield* store.claim({ numbers: list, owner: "next", now: 4_999, until: 9_000 })
          expect(before.every((o) => o._tag === "Held" && o.until === 5_000)).toBe(true)
          const after = yield* store.claim({ numbers: list, owner: "next", now: 5_000, until: 9_000 })
          expect(after.filter((o) => o._tag === "Claimed").length).toBe(300)
        })), 60_000)

    it.live("4 processes reserving at once never exceed the budget together", () =>
      withLocation(backend, (location, store) =>
        Effect.gen(function*() {
          yield* store.recordMessages(500, 0)
          const children = [0, 1, 2, 3].map(() => run(location, { do: "reserve", times: 60, requested: 7, since: 0 }))
          const outputs = yield* Effect.promise(() => Promise.all(children.map((c) => c.waitFor((l) => "granted" in l))))
          const granted = outputs.flatMap((o) => o.granted as Array<number>)
          expect(granted.reduce((a, b) => a + b, 0)).toBe(500)
          const summary = yield* store.summary({ checkedSince: [], ledgerSince: 0 })
          expect(summary.ledger).toEqual({ checks: 500, messages: 500 })
        })), 120_000)

    it.live("kill -9 in the middle of batch writes leaves every batch whole: all of it or none of it", () =>
      withLocation(backend, (location, store) =>
        Effect.gen(function*() {
          // 1,200 numbers per batch: more than one statement each, so only the transaction keeps a batch whole.
          const list = numbers(0, 3_000)
          const writer = run(location, { do: "write-batches", owner: "w", numbers: list, batch: 1_200 })
          yield* Effect.promise(() => writer.waitFor((l) => l.round >= 2))
          yield* Effect.sleep("37 millis")
          writer.process.kill("SIGKILL")
          yield* Effect.promise(() => writer.exit)
          const found = yield* store.lookup(list)
          expect(found.size).toBe(3_000)
          const batchesOf = [list.slice(0, 1_200), list.slice(1_200, 2_400), list.slice(2_400)]
          const rounds = batchesOf.map((batch) => new Set(batch.map((n) => found.get(n)!.result!.checked_at)))
          expect(rounds.map((r) => r.size)).toEqual([1, 1, 1])
          // Batches are written in order: a later batch is never ahead of an earlier one.
          const [a, b, c] = rounds.map((r) => [...r][0]!)
          expect(a! >= b! && b! >= c! && a! - c! <= 1).toBe(true)
        })), 60_000)
  })
)
