// Figures 10 and 11: the ceiling in both modes. Against the independent minimal server enforcing
// 20/s with bursts of 60 whose lookups take 500 ms, a bulk check of distinct numbers with the
// client's defaults (10) and with `blocking: "wait"` asked for explicitly, as `--wait` does (11).
// Each is measured twice: the real CLI (`wa-contacts check --file … [--wait]`, timed from spawning
// the process to its exit: what a user runs, start-up included; the file is written before the
// clock starts) and the library in-process (`Check.checkStream`, timed from the call to the last
// result). The anchor is the ideal: one request per batch of 500 at 20/s from a bucket the client
// must assume empty (request k at k/20 s, k = 1…n/500, so the last leaves at n/500/20 s), plus one
// lookup latency for the last answer. Also reported: numbers sent per distinct input (<= 1.05:
// only what a lookup really left `processing` is re-sent) and 429s counted by the server.
import { HttpTransport } from "@wa-contacts/adapter-http"
import { Check } from "@wa-contacts/core"
import { Effect, Stream } from "effect"
import { spawn } from "node:child_process"
import { once } from "node:events"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Figure, Size } from "../harness.ts"
import { makeDistinctNumbers } from "../inputs.ts"
import { BENCH_TOKEN, spawnMinimalServer } from "../spawnServer.ts"

const BIN = join(import.meta.dirname, "../../../packages/cli/dist/wa-contacts.js")
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

/** The CLI with its defaults (plus `extra`), reading `numbers` from a file written beforehand. */
const runCli = async (numbers: ReadonlyArray<string>, extra: ReadonlyArray<string>): Promise<Run> => {
  const dir = mkdtempSync(join(tmpdir(), "wa-ceiling-"))
  const server = await spawnMinimalServer({ rps: 20, burst: 60, latencyMs: LATENCY_MS })
  try {
    const file = join(dir, "in.txt")
    const output = join(dir, "out.ndjson")
    writeFileSync(file, numbers.join("\n") + "\n")
    const args = [BIN, "check", "--file", file, "--output", output, "--format", "ndjson", "--quiet", "--base-url", server.url, "--token", BENCH_TOKEN, ...extra]
    const start = performance.timeOrigin + performance.now()
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")))
    const [code] = (await once(child, "exit")) as [number | null]
    const seconds = (performance.now() - t0) / 1000
    if (code !== 0) throw new Error(`wa-contacts check exited ${code}: ${stderr.slice(0, 500)}`)
    const lines = readFileSync(output, "utf8").split("\n").filter((l) => l.length > 0)
    if (lines.length !== numbers.length) throw new Error(`expected ${numbers.length} results, got ${lines.length}`)
    const processing = lines.filter((l) => l.includes('"processing"') || l.includes('"Processing"')).length
    const counts = (await (await fetch(`${server.url}/counts`)).json()) as { requests: number; too_many: number; contacts: number; first_at: number; last_at: number }
    return {
      seconds,
      sentPerInput: counts.contacts / numbers.length,
      requests: counts.requests,
      tooMany: counts.too_many,
      processing,
      firstAt: (counts.first_at - start) / 1000,
      lastAt: (counts.last_at - start) / 1000
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const figure = (id: number, mode: string, n: number, r: Run): Figure => {
  const requests = Math.ceil(n / BATCH)
  const ideal = requests / 20 + LATENCY_MS / 1000
  const ratio = ideal / r.seconds
  return {
    id,
    name: `ceiling, ${mode}: ${n.toLocaleString("en-US")} distinct numbers against a minimal server (20/s, burst 60, ${LATENCY_MS} ms lookups)`,
    value: r.seconds,
    unit: "s",
    anchor: ideal,
    anchorName: `ideal: ${requests} requests of ${BATCH} at 20/s from an empty bucket (last at ${requests / 20} s) + one ${LATENCY_MS} ms lookup`,
    ratio,
    goal: "ratio >= 0.9 (time <= 1.1x ideal); sent/input <= 1.05; zero 429s",
    met: ratio >= 0.9 && r.sentPerInput <= 1.05 && r.tooMany === 0 && r.processing === 0,
    notes: `${r.requests} requests, ${r.sentPerInput.toFixed(3)} numbers sent per input, ${r.tooMany} × 429 at the server, ${r.processing} still processing; server saw the first request at ${r.firstAt.toFixed(2)} s, the last at ${r.lastAt.toFixed(2)} s`
  }
}

/** Both runs of one mode as one figure: met only when the CLI and the library both are. */
const both = (id: number, mode: string, n: number, cli: Run, lib: Run): Figure => {
  const c = figure(id, mode, n, cli)
  const l = figure(id, mode, n, lib)
  return {
    ...c,
    name: `${c.name}, wa-contacts check --file (and the library)`,
    met: c.met && l.met,
    notes: `CLI (process start to exit): ${c.notes}. Library in-process: ${l.value.toFixed(2)} s, ratio ${l.ratio.toFixed(3)}; ${l.notes}`
  }
}

export const ceilingFigures = async (size: Size): Promise<Array<Figure>> => {
  const n = size.quick ? 20_000 : 100_000
  // One untimed warm-up, as the other figures do, so the JIT has seen the check path: the timed
  // library runs measure the pipeline, not V8 compiling it. The CLI runs are a fresh process each,
  // as a user's are.
  await run(makeDistinctNumbers(2_000, 29), {})
  const cliDefaults = await runCli(makeDistinctNumbers(n, 41), [])
  const cliWait = await runCli(makeDistinctNumbers(n, 43), ["--wait"])
  const defaults = await run(makeDistinctNumbers(n, 31), {})
  const wait = await run(makeDistinctNumbers(n, 37), { blocking: "wait" })
  return [both(10, "the defaults", n, cliDefaults, defaults), both(11, "blocking wait (--wait)", n, cliWait, wait)]
}
