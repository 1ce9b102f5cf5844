// Figures 5 and 8: rate-limit compliance against a simulator that enforces the documented limit,
// and the `no_wait` polling recipe against a 500 ms lookup latency.
import { HttpTransport } from "@wa-contacts/adapter-http"
import { Check } from "@wa-contacts/core"
import { Effect, Stream } from "effect"
import type { Figure, Size } from "../harness.ts"
import { makeDistinctNumbers } from "../inputs.ts"
import { BENCH_TOKEN, spawnServer } from "../spawnServer.ts"

interface ServerState {
  readonly responsesByStatus?: Record<string, number>
  readonly responses_by_status?: Record<string, number>
}

const tooManyAt = async (url: string): Promise<number> => {
  const state = (await (await fetch(`${url}/_simulator/state`)).json()) as ServerState
  const byStatus = state.responsesByStatus ?? state.responses_by_status ?? {}
  return byStatus["429"] ?? 0
}

export const rateLimitFigure = async (size: Size): Promise<Figure> => {
  const seconds = size.quick ? 5 : 30
  const server = await spawnServer({ allUsers: true, lookupLatencyMs: 0, rateLimit: { rps: 20, burst: 60 }, tokens: [BENCH_TOKEN] })
  try {
    const stats = new Check.CheckStats()
    // One number per request, far more than the window allows: the limiter is the only brake.
    const numbers = makeDistinctNumbers(seconds * 40 + 200, 11)
    const t0 = performance.now()
    await Effect.runPromise(
      Check.checkStream(numbers, { batchSize: 1, concurrency: 8, stats }).pipe(
        Stream.runDrain,
        Effect.timeoutOption(`${seconds} seconds`),
        Effect.provide(HttpTransport.layer({ baseUrl: server.url, token: BENCH_TOKEN }))
      ) as Effect.Effect<unknown, unknown>
    )
    const elapsed = (performance.now() - t0) / 1000
    const rps = stats.requests / elapsed
    const rejected = await tooManyAt(server.url)
    return {
      id: 5,
      name: `rate-limit compliance: ${seconds} s against a server enforcing 20/s, burst 60`,
      value: rps,
      unit: "requests/s",
      anchor: 20,
      anchorName: "the documented limit (20/s)",
      ratio: rps / 20,
      goal: ">= 19 requests/s and zero 429s",
      met: rps >= 19 && rejected === 0,
      notes: `${stats.requests} requests in ${elapsed.toFixed(1)} s (the first 60 are the allowed burst), 429s seen by the server: ${rejected}, retries: ${stats.retries} ${JSON.stringify(stats.retriedErrors)}`
    }
  } finally {
    await server.stop()
  }
}

export const pollingFigure = async (size: Size): Promise<Figure> => {
  const n = size.quick ? 2_000 : 10_000
  const latencyMs = 500
  const server = await spawnServer({ allUsers: true, lookupLatencyMs: latencyMs, rateLimit: false, tokens: [BENCH_TOKEN] })
  try {
    const stats = new Check.CheckStats()
    const numbers = makeDistinctNumbers(n, 23)
    const t0 = performance.now()
    await Effect.runPromise(
      Check.checkStream(numbers, { stats }).pipe(
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
