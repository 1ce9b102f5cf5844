import { Effect, Stream } from "effect"
import { ResultStore } from "@wa-contacts/core"
import { Store } from "./src/index.ts"
import { rmSync, statSync } from "node:fs"
const N = Number(process.argv[2] ?? 100000)
const file = "/tmp/sb/b.db"; for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true })
const nums = Array.from({ length: N }, (_, i) => `+1415${String(i).padStart(7, "0")}`)
const r = (at: number): ResultStore.StoredResult => ({ status: "valid", outcome: "WhatsAppUser", wa_id: "1415", wa_id_trusted: true, anomaly: false, semantics: "legacy", server_version: "2.41.3", detail: null, checked_at: at })
const prog = Effect.gen(function*() {
  const store = yield* ResultStore.ResultStore
  const t = { lookup: 0, claim: 0, reserve: 0, write: 0 }
  const time = <A, E>(k: keyof typeof t, e: Effect.Effect<A, E>) => Effect.gen(function*() { const t0 = performance.now(); const a = yield* e; t[k] += performance.now() - t0; return a })
  const t0 = performance.now()
  for (let i = 0; i < N; i += 500) {
    const batch = nums.slice(i, i + 500)
    yield* time("lookup", store.lookup(batch))
    yield* time("claim", store.claim({ numbers: batch, owner: "o", now: 1, until: 1000 }))
    yield* time("reserve", store.reserve({ requested: 500, at: 1, since: 0, decide: () => 500 }))
    yield* time("write", store.write({ owner: "o", results: batch.map((n) => ({ number: n, result: r(1), history: { number: n, change: "new", checked_at: 1, previous: null, current: r(1) } })), release: [], at: 1 }))
  }
  const total = performance.now() - t0
  console.log("first pass", Math.round(N / (total / 1000)), "/s", JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]))))
  const t1 = performance.now()
  for (let i = 0; i < N; i += 500) yield* store.lookup(nums.slice(i, i + 500))
  console.log("lookup pass", Math.round(N / ((performance.now() - t1) / 1000)), "/s")
  const t2 = performance.now()
  const c = yield* Stream.runCount(store.export)
  console.log("export", c, Math.round(N / ((performance.now() - t2) / 1000)), "/s")
}).pipe(Effect.provide(Store.layer(process.argv[3] ?? file)))
await Effect.runPromise(prog)
try { console.log("bytes/number", (statSync(file).size + statSync(file + "-wal").size) / N) } catch {}
