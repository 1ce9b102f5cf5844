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
  })
)
