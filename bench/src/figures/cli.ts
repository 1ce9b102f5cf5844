// Figures 6 and 7: the bundled CLI's memory on large files, and its start-up time.
import { spawn, spawnSync } from "node:child_process"
import { once } from "node:events"
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Figure, median, type Size } from "../harness.ts"
import { prng } from "../inputs.ts"
import { BENCH_TOKEN, spawnServer } from "../spawnServer.ts"

const BIN = join(import.meta.dirname, "../../../packages/cli/dist/wa-contacts.js")

const ensureBuilt = () => {
  try {
    statSync(BIN)
  } catch {
    throw new Error(`${BIN} is missing: build the CLI first (./dev pnpm build)`)
  }
}

/** Write `n` distinct NANP numbers, one per line, without holding them in memory. */
const writeNumbers = async (path: string, n: number) => {
  const out = createWriteStream(path)
  const r = prng(99)
  // Distinct by construction: a counter spread over the subscriber digits, a random area code.
  for (let i = 0; i < n; i++) {
    const area = 200 + Math.floor(r() * 800)
    const line = `+1${area}${String(2_000_000 + i).padStart(7, "0")}\n`
    if (!out.write(line)) await once(out, "drain")
  }
  out.end()
  await once(out, "finish")
}

const peakRss = (pid: number): number | undefined => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m === null ? undefined : Number(m[1]) * 1024
  } catch {
    return undefined
  }
}

/** Run the CLI on a file and return its peak RSS in bytes (sampled from /proc until it exits). */
const checkFilePeak = async (url: string, file: string, output: string): Promise<{ peak: number; seconds: number; lines: number }> => {
  const t0 = performance.now()
  const child = spawn(process.execPath, [
    BIN, "check", "--file", file, "--output", output, "--format", "ndjson", "--quiet",
    "--rate", "0", "--base-url", url, "--token", BENCH_TOKEN
  ], { stdio: ["ignore", "ignore", "inherit"] })
  let peak = 0
  const timer = setInterval(() => {
    peak = Math.max(peak, peakRss(child.pid!) ?? 0)
  }, 50)
  const [code] = (await once(child, "exit")) as [number | null]
  clearInterval(timer)
  if (code !== 0) throw new Error(`wa-contacts check exited ${code}`)
  const lines = readFileSync(output, "utf8").split("\n").filter((l) => l.length > 0).length
  return { peak, seconds: (performance.now() - t0) / 1000, lines }
}

export const memoryFigure = async (size: Size): Promise<Figure> => {
  ensureBuilt()
  const small = size.quick ? 10_000 : 100_000
  const large = size.quick ? 100_000 : 1_000_000
  const dir = mkdtempSync(join(tmpdir(), "wa-bench-"))
  const server = await spawnServer({ allUsers: true, lookupLatencyMs: 0, rateLimit: false, tokens: [BENCH_TOKEN] })
  try {
    await writeNumbers(join(dir, "small.txt"), small)
    await writeNumbers(join(dir, "large.txt"), large)
    const a = await checkFilePeak(server.url, join(dir, "small.txt"), join(dir, "small.ndjson"))
    const b = await checkFilePeak(server.url, join(dir, "large.txt"), join(dir, "large.ndjson"))
    if (a.lines !== small || b.lines !== large) throw new Error(`records: ${a.lines}/${small}, ${b.lines}/${large}`)
    const mib = (x: number) => x / 1024 / 1024
    const ratio = b.peak / a.peak
    return {
      id: 6,
      name: `memory: check --file of ${large.toLocaleString("en-US")} lines against the simulator server`,
      value: mib(b.peak),
      unit: "MiB peak RSS",
      anchor: mib(a.peak),
      anchorName: `itself at ${small.toLocaleString("en-US")} lines`,
      ratio,
      goal: "<= 256 MiB and <= 1.3x",
      met: mib(b.peak) <= 256 && ratio <= 1.3,
      notes: `${small.toLocaleString("en-US")} lines: ${mib(a.peak).toFixed(0)} MiB in ${a.seconds.toFixed(1)} s; ${large.toLocaleString("en-US")} lines: ${mib(b.peak).toFixed(0)} MiB in ${b.seconds.toFixed(1)} s`
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const timeRun = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): number => {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { stdio: "ignore", env })
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}`)
  return performance.now() - t0
}

/**
 * Figure 7: `--help` and `--version` against `node -e 0`, each the median of 10 runs with a warm
 * compile cache (a fresh NODE_COMPILE_CACHE directory per bench run, so the first run is cold and
 * reported on its own). Rounds interleave the three commands, so all see the same machine.
 */
export const startupFigure = (): Figure => {
  ensureBuilt()
  const runs = 10
  const cache = mkdtempSync(join(tmpdir(), "wa-bench-cc-"))
  const env = { ...process.env, NODE_COMPILE_CACHE: cache, NO_COLOR: "1" }
  try {
    const coldHelp = timeRun([BIN, "--help"], env)
    const coldVersion = timeRun([BIN, "--version"], env)
    timeRun(["-e", "0"], env)
    const bare: Array<number> = []
    const help: Array<number> = []
    const version: Array<number> = []
    for (let i = 0; i < runs; i++) {
      bare.push(timeRun(["-e", "0"], env))
      help.push(timeRun([BIN, "--help"], env))
      version.push(timeRun([BIN, "--version"], env))
    }
    const anchor = median(bare)
    const h = median(help)
    const v = median(version)
    const value = Math.max(h, v)
    return {
      id: 7,
      name: `CLI start-up: the slower of wa-contacts --help / --version, median of ${runs}, warm compile cache`,
      value,
      unit: "ms",
      anchor,
      anchorName: "node -e 0",
      ratio: value / anchor,
      goal: "ratio <= 3",
      met: value / anchor <= 3,
      notes: `--help ${h.toFixed(1)} ms (${(h / anchor).toFixed(2)}x), --version ${v.toFixed(1)} ms (${(v / anchor).toFixed(2)}x), node -e 0 ${anchor.toFixed(1)} ms; ` +
        `first run, cold cache: --help ${coldHelp.toFixed(0)} ms, --version ${coldVersion.toFixed(0)} ms`
    }
  } finally {
    rmSync(cache, { recursive: true, force: true })
  }
}
