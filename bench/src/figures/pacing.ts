// Figures 5 and 9: rate-limit compliance, one number per request, against a server enforcing the
// documented 20/s with bursts of 60 — the simulator (5) and the independent minimal server (9) —
// each twice: on a fresh server, and right after another client emptied the server's bucket (the
// client cannot know). 429s are counted AT THE SERVER: the simulator's through its control schema
// (`Simulator.ControlJson.StatsJson`), the minimal server's by its own count.
// Figure 8: the `no_wait` polling recipe against a 500 ms lookup latency.
import { HttpTransport } from "@wa-contacts/adapter-http"
import { Simulator } from "@wa-contacts/adapter-mock"
import { Check } from "@wa-contacts/core"
import { Effect, Schema, Stream } from "effect"
import type { Figure, Size } from "../harness.ts"
import { makeDistinctNumbers } from "../inputs.ts"
import { BENCH_TOKEN, type RunningServer, spawnMinimalServer, spawnServer } from "../spawnServer.ts"

const decodeStats = Schema.decodeUnknownPromise(Simulator.ControlJson.StatsJson)

/** 429s the simulator answered so far, read through its control schema. */
const simulatorTooMany = async (url: string): Promise<number> => {
  const stats = await decodeStats(await (await fetch(`${url}/_simulator/state`)).json())
  return stats.responsesByStatus["429"] ?? 0
}

/** 429s the minimal server answered so far, by its own count. */
const minimalTooMany = async (url: string): Promise<number> =>
  ((await (await fetch(`${url}/counts`)).json()) as { too_many: number }).too_many

/** Another client empties the server's bucket: 80 requests at once, so that some are refused. */
const emptyBucket = async (url: string): Promise<number> => {
  const body = (i: number) => JSON.stringify({ blocking: "no_wait", contacts: [`+1631555${String(9000 + i)}`] })
  const statuses = await Promise.all(Array.from({ length: 80 }, (_, i) =>
    fetch(`${url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` }, body: body(i) })
      .then(async (r) => (await r.arrayBuffer(), r.status))))
  return statuses.filter((s) => s === 429).length
}

interface Phase {
  readonly requests: number
  readonly seconds: number
  readonly tooMany: number
  readonly retries: number
}

/** One number per request with the client's defaults, for `seconds`; 429s counted at the server. */
const phase = async (server: RunningServer, tooManyAt: (url: string) => Promise<number>, seconds: number, seed: number): Promise<Phase> => {
  const before = await tooManyAt(server.url)
  const stats = new Check.CheckStats()
  const numbers = makeDistinctNumbers(seconds * 25 + 100, seed)
  const t0 = performance.now()
  await Effect.runPromise(
    Check.checkStream(numbers, { batchSize: 1, stats }).pipe(
      Stream.runDrain,
      Effect.timeoutOption(`${seconds} seconds`),
      Effect.provide(HttpTransport.layer({ baseUrl: server.url, token: BENCH_TOKEN }))
    ) as Effect.Effect<unknown, unknown>
  )
  const elapsed = (performance.now() - t0) / 1000
  return { requests: stats.requests, seconds: elapsed, tooMany: (await tooManyAt(server.url)) - before, retries: stats.retries }
}

const complianceFigure = async (
  id: number,
  label: string,
  size: Size,
  start: () => Promise<RunningServer>,
  tooManyAt: (url: string) => Promise<number>
): Promise<Figure> => {
  const seconds = size.quick ? 5 : 20
  const fresh = await start()
  let first: Phase
  let drained: Phase
  let refusedOther: number
  try {
    first = await phase(fresh, tooManyAt, seconds, 11)
  } finally {
    await fresh.stop()
  }
  const busy = await start()
  try {
    refusedOther = await emptyBucket(busy.url)
    drained = await phase(busy, tooManyAt, seconds, 12)
  } finally {
    await busy.stop()
  }
  const rps = (p: Phase) => p.requests / p.seconds
  const value = Math.min(rps(first), rps(drained))
  const tooMany = first.tooMany + drained.tooMany
  const describe = (p: Phase) => `${p.requests} requests in ${p.seconds.toFixed(1)} s = ${rps(p).toFixed(2)}/s, ${p.tooMany} × 429, ${p.retries} retries`
  return {
    id,
    name: `rate-limit compliance, one number per request, ${seconds} s against ${label} (20/s, burst 60), fresh and right after another client emptied its bucket`,
    value,
    unit: "requests/s",
    anchor: 20,
    anchorName: "the documented limit (20/s)",
    ratio: value / 20,
    goal: ">= 19 requests/s and zero 429s counted at the server",
    met: value >= 19 && tooMany === 0,
    notes: `fresh: ${describe(first)}; after another client emptied the bucket (${refusedOther} of its 80 refused): ${describe(drained)}`
  }
}

export const rateLimitFigure = (size: Size): Promise<Figure> =>
  complianceFigure(
    5,
    "the simulator",
    size,
    () => spawnServer({ allUsers: true, lookupLatencyMs: 0, rateLimit: { rps: 20, burst: 60 }, tokens: [BENCH_TOKEN] }),
    simulatorTooMany
  )

export const independentRateLimitFigure = (size: Size): Promise<Figure> =>
  complianceFigure(9, "an independent minimal node:http server", size, () => spawnMinimalServer({ rps: 20, burst: 60, latencyMs: 0 }), minimalTooMany)

export const pollingFigure = async (size: Size): Promise<Figure> => {
  const n = size.quick ? 2_000 : 10_000
  const latencyMs = 500
  const server = await spawnServer({ allUsers: true, lookupLatencyMs: latencyMs, rateLimit: false, tokens: [BENCH_TOKEN] })
  try {
    const stats = new Check.CheckStats()
    const numbers = makeDistinctNumbers(n, 23)
    const t0 = performance.now()
    await Effect.runPromise(
      // The recipe itself: `no_wait` (bulk lists default to `wait`), on a server without a limit.
      Check.checkStream(numbers, { stats, blocking: "no_wait", rateLimit: false }).pipe(
        Stream.runDrain,
        Effect.provide(HttpTransport.layer({ baseUrl: server.url, token: BENCH_TOKEN }))
      ) as Effect.Effect<unknown, unknown>
    )
    const seconds = (performance.now() - t0) / 1000
    const sentRatio = stats.contactsSent / n
    const limit = latencyMs / 1000 + 2
    return {
      id: 8,
      name: `polling: ${n.toLocaleString("en-US")} distinct numbers, no_wait, ${latencyMs} ms lookup latency`,
      value: stats.contactsSent,
      unit: "contacts sent",
      anchor: n,
      anchorName: "the inputs",
      ratio: sentRatio,
      goal: `sent/inputs <= 2.5; resolved in <= ${limit} s`,
      met: sentRatio <= 2.5 && seconds <= limit && stats.byStatus.processing === 0,
      notes: `resolved in ${seconds.toFixed(2)} s (limit ${limit} s), ${stats.requests} requests, ${stats.byStatus.processing} still processing`
    }
  } finally {
    await server.stop()
  }
}
