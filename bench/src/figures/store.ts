// Figures 21–25: the result store (@wa-contacts/store).
// 21  a first check through a SQLite store vs the same check without a store (in-process)
// 22  the second run of the same list: every number fresh, zero requests, vs the first run
//     (21 and 22: medians of 3 interleaved rounds, each round with a new store)
// 23  a revalidation of the stored numbers with 10% due: exactly those are sent
// 24  bytes per stored number in the SQLite file vs the same facts as CSV
// 25  4 processes on overlapping lists sharing one PostgreSQL store: numbers received twice
import { SimulatorTransport } from "@wa-contacts/adapter-mock"
import { Check, StoredCheck, Transport } from "@wa-contacts/core"
import { Store } from "@wa-contacts/store"
import * as PgClient from "@effect/sql-pg/PgClient"
import { Context, Effect, Layer, Redacted, Stream } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createConnection } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { type Figure, median, type Size } from "../harness.ts"
import { makeDistinctNumbers } from "../inputs.ts"
import { BENCH_TOKEN, spawnServer } from "../spawnServer.ts"

const OPTIONS = { batchSize: 500, concurrency: 4, rateLimit: false } as const
const DAY = 86_400_000

/** The in-process simulator behind a Transport that counts requests and numbers sent. */
const countingSimulator = () => {
  const seen = { requests: 0, contacts: 0 }
  const layer = Layer.effect(
    Transport.Transport,
    Effect.gen(function*() {
      const inner = yield* Transport.Transport
      return Transport.Transport.of({
        send: (request) => {
          if (request.path === "/v1/contacts") {
            seen.requests++
            const contacts = (request.body as { contacts?: ReadonlyArray<unknown> } | undefined)?.contacts
            seen.contacts += contacts?.length ?? 0
          }
          return inner.send(request)
        }
      })
    })
  ).pipe(Layer.provide(SimulatorTransport.layer({ allUsers: true, lookupLatency: 0 })))
  return { seen, layer }
}

const seconds = (t0: number) => (performance.now() - t0) / 1000

const withoutStore = async (numbers: ReadonlyArray<string>) => {
  const sim = countingSimulator()
  const t0 = performance.now()
  const n = await Effect.runPromise(
    Check.checkStream(numbers, OPTIONS).pipe(Stream.runCount, Effect.provide(sim.layer)) as Effect.Effect<number, unknown>
  )
  if (n !== numbers.length) throw new Error(`expected ${numbers.length} results, got ${n}`)
  return numbers.length / seconds(t0)
}

const throughStore = async (numbers: ReadonlyArray<string>, file: string) => {
  const sim = countingSimulator()
  const t0 = performance.now()
  const n = await Effect.runPromise(
    StoredCheck.checkThroughStore(numbers, { ...OPTIONS, store: { budget: false } }).pipe(
      Stream.runCount,
      Effect.provide(Layer.mergeAll(Store.layer(file), sim.layer))
    ) as Effect.Effect<number, unknown>
  )
  if (n !== numbers.length) throw new Error(`expected ${numbers.length} results, got ${n}`)
  return { rate: numbers.length / seconds(t0), seconds: seconds(t0), ...sim.seen }
}

/** Run `f` with the store's own SQL client on `file` (bench set-up and measurement only). */
const withSql = <A>(file: string, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(Effect.gen(function*() {
      const context = yield* Layer.build(Store.layerWithClient(file))
      return yield* f(Context.get(context, SqlClient.SqlClient))
    })) as Effect.Effect<A, unknown>
  )

/** Rounds of figures 21 and 22: this machine's runs of the same work vary by ±20%. */
const ROUNDS = 3

export const storeFigures = async (size: Size): Promise<Array<Figure>> => {
  const n = size.quick ? 20_000 : 1_000_000
  const label = n.toLocaleString("en-US")
  const numbers = makeDistinctNumbers(n, 21)
  const dir = mkdtempSync(join(tmpdir(), "wa-bench-store-"))
  const file = (round: number) => join(dir, `store-${round}.db`)
  const figures: Array<Figure> = []
  try {
    // Warm-up at a small size (JIT, module loading), untimed: each path measured below runs once,
    // the run answered from the store (figure 22) included.
    await withoutStore(numbers.slice(0, 5_000))
    await throughStore(numbers.slice(0, 5_000), join(dir, "warm.db"))
    await throughStore(numbers.slice(0, 5_000), join(dir, "warm.db"))

    // Interleaved rounds, each with a store of its own: the check without a store, the first check
    // into a new store, the second run over it. Medians of each.
    const rounds: Array<{ anchor: number; first: Awaited<ReturnType<typeof throughStore>>; second: Awaited<ReturnType<typeof throughStore>> }> = []
    for (let round = 0; round < ROUNDS; round++) {
      const anchor = await withoutStore(numbers)
      const first = await throughStore(numbers, file(round))
      const second = await throughStore(numbers, file(round))
      rounds.push({ anchor, first, second })
      // The last round's store goes on to figures 23 and 24.
      if (round < ROUNDS - 1) for (const suffix of ["", "-wal", "-shm"]) rmSync(file(round) + suffix, { force: true })
    }
    const anchor = median(rounds.map((r) => r.anchor))
    const first = median(rounds.map((r) => r.first.rate))
    const second = median(rounds.map((r) => r.second.rate))
    const each = (f: (r: typeof rounds[number]) => string) => rounds.map(f).join(", ")
    figures.push({
      id: 21,
      name: `first check through the SQLite store, in-process (${label} numbers), median of ${ROUNDS}`,
      value: first,
      unit: "contacts/s",
      anchor,
      anchorName: "the same check without a store",
      ratio: first / anchor,
      goal: "ratio >= 0.7",
      met: first / anchor >= 0.7,
      notes: `${rounds[0]!.first.contacts.toLocaleString("en-US")} numbers sent in ${rounds[0]!.first.requests} requests a round; ` +
        `rounds: ${each((r) => `${r.first.seconds.toFixed(1)} s (${(r.first.rate / r.anchor).toFixed(2)})`)}`
    })
    const requests = Math.max(...rounds.map((r) => r.second.requests))
    figures.push({
      id: 22,
      name: `second run of the same list, all fresh (${label} numbers), median of ${ROUNDS}`,
      value: second,
      unit: "contacts/s",
      anchor: first,
      anchorName: "the first run through the store",
      ratio: second / first,
      goal: "0 requests and ratio >= 10",
      met: requests === 0 && second / first >= 10,
      notes: `${requests} requests at most; rounds: ${each((r) => `${r.second.seconds.toFixed(1)} s (${(r.second.rate / r.first.rate).toFixed(2)})`)}`
    })

    // Figure 24 before the revalidation adds history: the store as the first check left it.
    const last = file(ROUNDS - 1)
    const bytes = await withSql(last, (sql) =>
      Effect.gen(function*() {
        yield* sql`PRAGMA wal_checkpoint(TRUNCATE)`
        const rows = yield* sql<Record<string, unknown>>`SELECT * FROM wa_numbers LIMIT 1000`
        return rows.map((r) =>
          [r.number, r.added_at, r.status, r.outcome, r.wa_id, r.wa_id_trusted, r.anomaly, r.semantics, r.server_version, r.detail, r.checked_at]
            .map((v) => (v === null ? "" : String(v))).join(",") + "\n"
        ).join("").length / rows.length
      }))
    const stored = (statSync(last).size + (statSync(last + "-wal", { throwIfNoEntry: false })?.size ?? 0)) / n
    figures.push({
      id: 24,
      name: `bytes per stored number, SQLite file after the first check (${label} numbers, history included)`,
      value: stored,
      unit: "bytes",
      anchor: bytes,
      anchorName: "the same rows as CSV (all result columns)",
      ratio: stored / bytes,
      goal: "report; ratio <= 6",
      met: stored / bytes <= 6,
      notes: "each number: its row, two indexes, and the history row of its first result (JSON)"
    })

    // 10% of the stored results made 8 days old (the default maxAge is 7 days): exactly those are due.
    const due = await withSql(last, (sql) =>
      Effect.map(
        sql<{ n: number }>`UPDATE wa_numbers SET checked_at = checked_at - ${8 * DAY} WHERE (abs(substr(number, -4)) % 10) = 3 RETURNING 1 AS n`,
        (rows) => rows.length
      ))
    const sim = countingSimulator()
    const t0 = performance.now()
    const revalidated = await Effect.runPromise(
      StoredCheck.revalidate({ ...OPTIONS, store: { budget: false } }).pipe(
        Stream.runCount,
        Effect.provide(Layer.mergeAll(Store.layer(last), sim.layer))
      ) as Effect.Effect<number, unknown>
    )
    figures.push({
      id: 23,
      name: `revalidation of ${label} stored numbers with 10% due`,
      value: sim.seen.contacts,
      unit: "numbers sent",
      anchor: due,
      anchorName: "numbers due (made 8 days old)",
      ratio: sim.seen.contacts / due,
      goal: "ratio = 1 (exactly the due ones)",
      met: sim.seen.contacts === due && revalidated === due,
      notes: `${revalidated} records, ${seconds(t0).toFixed(1)} s`
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  figures.push(await fourProcessFigure(size))
  return figures
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port })
    socket.once("connect", () => (socket.destroy(), resolve(true)))
    socket.once("error", () => resolve(false))
  })

/** Figure 25: 4 processes on overlapping lists, one PostgreSQL store, one simulator server. */
const fourProcessFigure = async (size: Size): Promise<Figure> => {
  const base = { id: 25, unit: "numbers", anchorName: "distinct numbers", goal: "0 checked twice" }
  const url = process.env["WA_BENCH_PG_URL"] ?? process.env["WA_TEST_PG_URL"] ??
    ((await canConnect(5432)) ? "postgres://postgres@127.0.0.1:5432/test" : undefined)
  if (url === undefined) {
    return { ...base, name: "4 processes sharing one PostgreSQL store: SKIPPED (no PostgreSQL server)", value: NaN, anchor: NaN, ratio: NaN, met: false }
  }
  const per = size.quick ? 5_000 : 50_000
  const all = makeDistinctNumbers(per * 2.5, 25)
  const lists = [0, 1, 2, 3].map((i) => all.slice(i * per / 2, i * per / 2 + per))
  const distinct = new Set(lists.flat()).size
  const schema = `wa_bench_${process.pid}_${Date.now().toString(36)}`
  const location = `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`
  const dir = mkdtempSync(join(tmpdir(), "wa-bench-pg-"))
  const server = await spawnServer({ allUsers: true, lookupLatency: 0, rateLimit: false, tokens: [BENCH_TOKEN] })
  try {
    // Create the schema once, so the four start on a migrated store.
    await Effect.runPromise(Effect.provide(Effect.void, Store.layer(location)) as Effect.Effect<void, unknown>)
    const t0 = performance.now()
    const results = await Promise.all(lists.map(async (list, i) => {
      const path = join(dir, `list-${i}.txt`)
      writeFileSync(path, list.join("\n") + "\n")
      const child = spawn(process.execPath, [join(import.meta.dirname, "../storeWorker.ts"), location, server.url, BENCH_TOKEN, path], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string]
      await once(child, "exit")
      return JSON.parse(line) as { sent: number; done: number }
    }))
    const elapsed = seconds(t0)
    const state = (await (await fetch(`${server.url}/_simulator/state`)).json()) as { contacts_checked: number }
    const twice = state.contacts_checked - distinct
    return {
      ...base,
      name: `4 processes on overlapping lists sharing one PostgreSQL store (${per.toLocaleString("en-US")} each)`,
      value: twice,
      anchor: distinct,
      ratio: twice / distinct,
      met: twice === 0 && results.reduce((s, r) => s + r.sent, 0) === distinct,
      notes: `server received ${state.contacts_checked} numbers for ${distinct} distinct; ${Math.round(distinct / elapsed)} distinct numbers/s across the 4`
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
    await Effect.runPromise(
      Effect.gen(function*() {
        const sql = yield* PgClient.PgClient
        yield* sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`
      }).pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })), Effect.ignore)
    )
  }
}
