// Figures 10 and 11: the ceiling in both modes. Against the independent minimal server enforcing
// 20/s with bursts of 60 whose lookups take 500 ms, a bulk check of distinct numbers with the
// client's defaults (10) and with `blocking: "wait"` asked for explicitly, as `--wait` does (11).
// The anchor is the ideal: one request per batch of 500 at 20/s. Also reported: numbers sent per
// distinct input (<= 1.05: only what a lookup really left `processing` is re-sent) and 429s
// counted by the server.
import { HttpTransport } from "@wa-contacts/adapter-http"
import { Check } from "@wa-contacts/core"
import { Effect, Stream } from "effect"
import type { Figure, Size } from "../harness.ts"
import { makeDistinctNumbers } from "../inputs.ts"
import { BENCH_TOKEN, spawnMinimalServer } from "../spawnServer.ts"

const BATCH = 500
const LATENCY_MS = 500

interface Run {
  readonly seconds: number
  readonly sentPerInput: number
  readonly requests: number
  readonly tooMany: number
  readonly processing: number
  /** Seconds from the start to the server's first and last request. */
  readonly firstAt: number
  readonly lastAt: number
}

const run = async (numbers: ReadonlyArray<string>, options: Check.CheckStreamOptions): Promise<Run> => {
  const server = await spawnMinimalServer({ rps: 20, burst: 60, latencyMs: LATENCY_MS })
  try {
    const stats = new Check.CheckStats()
    const start = performance.timeOrigin + performance.now()
    const t0 = performance.now()
    const count = await Effect.runPromise(
      Check.checkStream(numbers, { ...options, stats }).pipe(
        Stream.runCount,
        Effect.provide(HttpTransport.layer({ baseUrl: server.url, token: BENCH_TOKEN }))
      ) as Effect.Effect<number, unknown>
    )
    const seconds = (performance.now() - t0) / 1000
    if (count !== numbers.length) throw new Error(`expected ${numbers.length} results, got ${count}`)
    const counts = (await (await fetch(`${server.url}/counts`)).json()) as { too_many: number; first_at: number; last_at: number }
    return {
      seconds,
      sentPerInput: stats.contactsSent / numbers.length,
      requests: stats.requests,
      tooMany: counts.too_many,
      processing: stats.byStatus.processing,
      firstAt: (counts.first_at - start) / 1000,
      lastAt: (counts.last_at - start) / 1000
    }
  } finally {
    await server.stop()
  }
}

const figure = (id: number, mode: string, n: number, r: Run): Figure => {
  const ideal = Math.ceil(n / BATCH) / 20
  const ratio = ideal / r.seconds
  return {
    id,
    name: `ceiling, ${mode}: ${n.toLocaleString("en-US")} distinct numbers against a minimal server (20/s, burst 60, ${LATENCY_MS} ms lookups)`,
    value: r.seconds,
    unit: "s",
    anchor: ideal,
    anchorName: `ideal: ${Math.ceil(n / BATCH)} requests of ${BATCH} at 20/s`,
    ratio,
    goal: "ratio >= 0.9 (time <= 1.1x ideal); sent/input <= 1.05; zero 429s",
    met: ratio >= 0.9 && r.sentPerInput <= 1.05 && r.tooMany === 0 && r.processing === 0,
    notes: `${r.requests} requests, ${r.sentPerInput.toFixed(3)} numbers sent per input, ${r.tooMany} × 429 at the server, ${r.processing} still processing; server saw the first request at ${r.firstAt.toFixed(2)} s, the last at ${r.lastAt.toFixed(2)} s`
  }
}

export const ceilingFigures = async (size: Size): Promise<Array<Figure>> => {
  const n = size.quick ? 20_000 : 100_000
  // One untimed warm-up, as the other figures do, so the JIT has seen the check path: the timed
  // runs measure the pipeline, not V8 compiling it (the notes give when the first request left).
  await run(makeDistinctNumbers(2_000, 29), {})
  const defaults = await run(makeDistinctNumbers(n, 31), {})
  const wait = await run(makeDistinctNumbers(n, 37), { blocking: "wait" })
  return [figure(10, "the client's defaults", n, defaults), figure(11, "blocking wait (--wait)", n, wait)]
}
