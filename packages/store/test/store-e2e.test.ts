/**
 * Checks through the store as a fleet of application servers runs them: separate Node processes
 * (the library's `StoredCheck` over HTTP) sharing one store and one simulator server in a child
 * process, counted by the server itself.
 */
import { describe, expect, it } from "@effect/vitest"
import { ResultStore } from "@wa-contacts/core"
import { Context, Effect, Layer, Stream } from "effect"
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Store } from "../src/index.ts"
import { type Backend, forEachBackend } from "./support/backends.ts"
import { type Child, spawnNode } from "./support/processes.ts"
import { type SimServer, startSimulator } from "./support/simulator.ts"

const worker = join(import.meta.dirname, "fixtures", "check-worker.ts")
// Distinct NANP numbers in E.164 (the simulator's registered number is +1 by default).
const numbers = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `+1650${String(2_000_000 + from + i)}`)
let lists = 0
const listFile = (dir: string, list: ReadonlyArray<string>) => {
  const file = join(dir, `list-${process.pid}-${++lists}.txt`)
  writeFileSync(file, list.join("\n") + "\n")
  return file
}

/** A fresh store location plus a simulator server, both gone afterwards. */
const withSetup = <A, E>(
  backend: Backend,
  body: (env: { location: string; server: SimServer; store: ResultStore.ResultStoreShape; dir: string }) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const { location, remove } = backend.fresh()
    yield* Effect.addFinalizer(() => remove)
    const server = yield* Effect.acquireRelease(Effect.promise(() => startSimulator()), (s) => Effect.promise(s.stop))
    const context = yield* Layer.build(Store.layer(location))
    const store = Context.get(context, ResultStore.ResultStore)
    return yield* body({ location, server, store, dir: tmpdir() })
  }).pipe(Effect.scoped)

const run = (location: string, server: SimServer, command: object): Child =>
  spawnNode(worker, [location, server.url, JSON.stringify(command)])

const finished = (child: Child) =>
  Effect.promise(async () => {
    const [line, exit] = await Promise.all([child.waitFor((l) => "counts" in l), child.exit])
    expect(exit.code, exit.stderr).toBe(0)
    return line
  })

forEachBackend((backend) =>
  describe(`${backend.name}: processes checking through one store`, () => {
    it.live("4 processes on overlapping lists: the server receives each distinct number once", () =>
      withSetup(backend, ({ location, server, store, dir }) =>
        Effect.gen(function*() {
          const lists = [0, 1, 2, 3].map((i) => numbers(i * 500, i * 500 + 1_200))
          const children = lists.map((list) =>
            run(location, server, { do: "check", numbers: listFile(dir, list), batchSize: 100, concurrency: 2 })
          )
          const outputs = yield* Effect.forEach(children, finished, { concurrency: "unbounded" })
          const distinct = [...new Set(lists.flat())]
          // Every input answered, by a check or from the store.
          expect(outputs.map((o) => o.done)).toEqual(lists.map((l) => l.length))
          expect(yield* Effect.promise(server.contactsChecked)).toBe(distinct.length)
          const received = yield* Effect.promise(() => server.receptions(distinct))
          expect([...received.values()].filter((n) => n !== 1)).toEqual([])
          expect(outputs.reduce((n, o) => n + o.counts.sent, 0)).toBe(distinct.length)
          const all = yield* Stream.runCollect(store.export)
          expect(all.length).toBe(distinct.length)
          expect(all.every((s) => s.result !== null)).toBe(true)
        })), 180_000)

    it.live("kill -9 in the middle of a revalidation, twice: one current result per number, re-sends bounded by the batches in flight", () =>
      withSetup(backend, ({ location, server, store, dir }) =>
        Effect.gen(function*() {
          const list = numbers(0, 3_000)
          const common = { batchSize: 100, concurrency: 2, batchesInProgress: 2, leaseMs: 1_500 }
          yield* finished(run(location, server, { do: "check", numbers: listFile(dir, list), ...common }))
          const checkedUpTo = Date.now()
          yield* Effect.sleep("50 millis")
          // Everything checked so far is due; what the revalidations write afterwards is not.
          const revalidate = { do: "revalidate", checkedUpTo: checkedUpTo + 10, progressEvery: 100, ...common }
          for (const _ of [1, 2]) {
            const victim = run(location, server, revalidate)
            yield* Effect.promise(() => victim.waitFor((l) => l.done >= 700))
            victim.process.kill("SIGKILL")
            expect((yield* Effect.promise(() => victim.exit)).code).toBe("SIGKILL")
          }
          const last = yield* finished(run(location, server, revalidate))
          expect(last.counts.due).toBeGreaterThan(0)
          const all = yield* Stream.runCollect(store.export)
          expect(all.map((s) => s.number)).toEqual([...list].sort())
          // Each number re-checked once after the first check, by one of the three runs.
          expect(all.every((s) => s.result !== null && s.result.checked_at > checkedUpTo)).toBe(true)
          const received = yield* Effect.promise(() => server.receptions(list))
          expect([...received.values()].every((n) => n >= 2)).toBe(true)
          // Sent twice in a revalidation: only what was in flight when a run was killed (sent,
          // not yet written): at most batchSize x batchesInProgress per kill.
          const twice = [...received.values()].filter((n) => n > 2).length
          expect(twice).toBeLessThanOrEqual(2 * common.batchSize * common.batchesInProgress)
          expect(yield* Effect.promise(server.contactsChecked)).toBe(6_000 + twice)
        })), 240_000)

    it.live("4 processes revalidating at once under the check budget: the server receives no more than the budget", () =>
      withSetup(backend, ({ location, server, store }) =>
        Effect.gen(function*() {
          const list = numbers(0, 2_000)
          const now = Date.now()
          yield* store.add(list, now)
          yield* store.recordMessages(300, now)
          const children = [0, 1, 2, 3].map(() =>
            run(location, server, { do: "revalidate", batchSize: 50, concurrency: 2, budget: {}, leaseMs: 60_000 })
          )
          const outputs = yield* Effect.forEach(children, finished, { concurrency: "unbounded" })
          expect(yield* Effect.promise(server.contactsChecked)).toBe(300)
          expect(outputs.reduce((n, o) => n + o.counts.sent, 0)).toBe(300)
          const summary = yield* store.summary({ checkedSince: [], ledgerSince: 0 })
          expect(summary.ledger).toEqual({ checks: 300, messages: 300 })
          expect(summary.numbers - summary.unchecked).toBe(300)
        })), 180_000)
  })
)
