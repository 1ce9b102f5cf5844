// Memory figures (issue 15, goal 3): peak RSS of a bulk check against the simulator server (a
// process of its own, not counted), at growing input sizes; each figure is a ratio against the
// same program at the smaller size, measured in the same run.
// - 6:  `wa-contacts check --file` at 1M lines vs 100k (and <= 160 MiB);
// - 12: the same CLI at 10M lines (generated on the fly into `--file -`, never stored) vs 1M;
// - 13: the library, `checkAll` through adapter-http over 1M lines of a file vs 100k, in a
//       process run with `MALLOC_ARENA_MAX=2 node --optimize-for-size` as the core README
//       recommends for such lists;
// - 14: the library at 10M lines generated on the fly (stdin) vs 1M;
// - 15, 16: figures 6 and 13 against the independent minimal server (bench/src/minimalServer.ts,
//       none of the project's code, no rate limit, instant answers): the claims must hold against
//       servers nobody here wrote, and a faster server makes the client allocate faster;
// - 17, 18: figures 12 and 14 against the same server.
// Each size runs three times, interleaved with the others, and a figure compares median peaks:
// one run's peak is decided by V8's few largest heap swings and varies by ±10 MiB from run to run
// (e.g. 147–155 MiB at 1M lines on the same build), as much as the goals' margins. Every peak is
// in the notes.
// The 10M runs repeat the 1M distinct numbers ten times (line i is number i mod 1M): exact
// de-duplication keeps one entry per distinct number (internal/AnswerTable.ts), so 10M distinct
// numbers would measure that table, not the streaming; its cost per number is in the notes.
import { spawn } from "node:child_process"
import { once } from "node:events"
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Writable } from "node:stream"
import type { Figure, Size } from "../harness.ts"
import { prng } from "../inputs.ts"
import { BENCH_TOKEN, spawnMinimalServer, spawnServer } from "../spawnServer.ts"

const BIN = join(import.meta.dirname, "../../../packages/cli/dist/wa-contacts.js")
const LIBRARY = join(import.meta.dirname, "../libraryChild.ts")
const MIB = 1024 * 1024

/** Write `lines` NANP numbers to `out`, line i being distinct number i mod `distinct`. */
const writeNumbers = async (out: Writable, lines: number, distinct: number) => {
  const r = prng(99)
  const areas = Array.from({ length: Math.min(distinct, 1 << 16) }, () => 200 + Math.floor(r() * 800))
  let buffer = ""
  for (let i = 0; i < lines; i++) {
    const k = i % distinct
    // Distinct by construction: a counter spread over the subscriber digits, a random area code.
    buffer += `+1${areas[k % areas.length]}${String(2_000_000 + k).padStart(7, "0")}\n`
    if (buffer.length >= 65_536) {
      if (!out.write(buffer)) await once(out, "drain")
      buffer = ""
    }
  }
  out.end(buffer)
}

const writeFile = async (path: string, lines: number) => {
  const out = createWriteStream(path)
  await writeNumbers(out, lines, lines)
  await once(out, "finish")
}

const hwm = (pid: number): number => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m === null ? 0 : Number(m[1]) * 1024
  } catch {
    return 0
  }
}

interface Run {
  readonly peak: number
  readonly seconds: number
  readonly results: number
}

/**
 * Run a child reading `source` (a file, or `lines` generated into its stdin); its peak RSS, and
 * its stdout's lines counted as they pass (10M NDJSON records are not kept).
 */
const measure = async (
  args: ReadonlyArray<string>,
  source: { readonly file: string } | { readonly lines: number; readonly distinct: number },
  countResults: (lines: number, last: string) => number,
  env: Record<string, string> = {}
): Promise<Run> => {
  const t0 = performance.now()
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...env } })
  let lines = 0
  let tail = ""
  child.stdout!.on("data", (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
    tail = (tail + chunk.toString("utf8", Math.max(0, chunk.length - 512))).slice(-512)
  })
  // VmHWM is the kernel's own high-water mark: the last sample before exit is the peak.
  let peak = 0
  const timer = setInterval(() => (peak = Math.max(peak, hwm(child.pid!))), 100)
  const exited = once(child, "close")
  if ("file" in source) child.stdin!.end()
  else await writeNumbers(child.stdin!, source.lines, source.distinct)
  const [code] = (await exited) as [number | null]
  clearInterval(timer)
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}`)
  const last = tail.trimEnd().split("\n").at(-1) ?? ""
  return { peak, seconds: (performance.now() - t0) / 1000, results: countResults(lines, last) }
}

// Records go to an `--output` file, counted after the run by streaming it (10M records are 1.2
// GB: never read whole). To a pipe (`| wc -l`) the peak is the same since the CLI's writer waits
// for the pipe to drain (1M lines: 166 MiB; 370 MiB before it did).
const cli = (url: string, file: string, output: string) => [
  BIN, "check", "--file", file, "--output", output, "--format", "ndjson", "--quiet", "--rate", "0", "--base-url", url, "--token", BENCH_TOKEN
]
const countFileLines = async (path: string): Promise<number> => {
  let n = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++
  }
  return n
}
const records = (lines: number) => lines
const libraryResults = (_lines: number, last: string): number => (JSON.parse(last) as { results: number }).results

/** Runs of each size, interleaved with the other sizes' (machine drift falls on all alike). */
const ROUNDS = 3

/** The run of median peak. */
const medianRun = (runs: ReadonlyArray<Run>): Run => [...runs].sort((x, y) => x.peak - y.peak)[Math.floor(runs.length / 2)]!

const peaks = (runs: ReadonlyArray<Run>) => runs.map((r) => (r.peak / MIB).toFixed(0)).join(", ")

const figure = (id: number, name: string, larges: ReadonlyArray<Run>, smalls: ReadonlyArray<Run>, smallName: string, cap: number | undefined, goalRatio: number): Figure => {
  const large = medianRun(larges)
  const small = medianRun(smalls)
  const ratio = large.peak / small.peak
  return {
    id,
    name,
    value: large.peak / MIB,
    unit: "MiB peak RSS",
    anchor: small.peak / MIB,
    anchorName: smallName,
    ratio,
    goal: `${cap === undefined ? "" : `<= ${cap} MiB and `}<= ${goalRatio}x`,
    met: ratio <= goalRatio && (cap === undefined || large.peak / MIB <= cap),
    notes: `medians of ${larges.length} runs; ${smallName}: ${(small.peak / MIB).toFixed(0)} MiB in ${small.seconds.toFixed(1)} s ` +
      `(peaks ${peaks(smalls)}); this: ${(large.peak / MIB).toFixed(0)} MiB in ${large.seconds.toFixed(1)} s ` +
      `(peaks ${peaks(larges)}; ${large.results.toLocaleString("en-US")} results)`
  }
}

export const memoryFigures = async (size: Size, only: (id: number) => boolean): Promise<Array<Figure>> => {
  try {
    statSync(BIN)
  } catch {
    throw new Error(`${BIN} is missing: build the CLI first (./dev pnpm build)`)
  }
  const small = size.quick ? 10_000 : 100_000
  const large = size.quick ? 100_000 : 1_000_000
  const huge = size.quick ? 1_000_000 : 10_000_000
  const fmt = (n: number) => n.toLocaleString("en-US")
  const dir = mkdtempSync(join(tmpdir(), "wa-bench-mem-"))
  const server = await spawnServer({ allUsers: true, lookupLatency: 0, rateLimit: false, tokens: [BENCH_TOKEN] })
  const minimal = only(15) || only(16) || only(17) || only(18) ? await spawnMinimalServer({ rps: 1e9, burst: 1e9, latencyMs: 0 }) : undefined
  const figures: Array<Figure> = []
  try {
    const smallFile = join(dir, "small.txt")
    const largeFile = join(dir, "large.txt")
    await writeFile(smallFile, small)
    await writeFile(largeFile, large)
    const out = (name: string) => join(dir, `${name}.ndjson`)
    const runCli = async (url: string, file: string, name: string, source: Parameters<typeof measure>[1], expected: number) => {
      const r = await measure(cli(url, file, out(name)), source, records)
      const got = await countFileLines(out(name))
      rmSync(out(name), { force: true })
      if (got !== expected) throw new Error(`check --file ${file}: ${got} records for ${expected} lines`)
      return { ...r, results: got }
    }
    // As the core README recommends for lists of millions in one's own process (the CLI does it
    // itself): V8 favouring size, and two glibc malloc arenas. With Node's defaults the heap
    // grows with the list (README "Performance").
    const lib = (url: string, file: string) => ["--optimize-for-size", LIBRARY, url, BENCH_TOKEN, file]
    const runLibrary = async (url: string, file: string, source: Parameters<typeof measure>[1], expected: number) => {
      const r = await measure(lib(url, file), source, libraryResults, { MALLOC_ARENA_MAX: "2" })
      if (r.results !== expected) throw new Error(`library results: ${r.results}/${expected}`)
      return r
    }
    /** Rounds of the small, large (and huge) sizes of one program, interleaved. */
    const rounds = async (
      run: (file: string, name: string, source: Parameters<typeof measure>[1], expected: number) => Promise<Run>,
      withHuge: boolean
    ) => {
      const a: Array<Run> = []
      const b: Array<Run> = []
      const c: Array<Run> = []
      for (let round = 0; round < ROUNDS; round++) {
        a.push(await run(smallFile, "a", { file: smallFile }, small))
        b.push(await run(largeFile, "b", { file: largeFile }, large))
        if (withHuge) c.push(await run("-", "c", { lines: huge, distinct: large }, huge))
      }
      return { a, b, c }
    }
    // Each program against each server: a figure of the large size against the small one, and one
    // of the huge size (generated on the fly) against the large one.
    const independent = "against the independent minimal server"
    const pairs = [
      { ids: [6, 12], program: "cli", url: server.url, large: `wa-contacts check --file of ${fmt(large)} lines against the simulator server`, huge: `wa-contacts check --file - of ${fmt(huge)} lines generated on the fly (${fmt(large)} distinct)`, cap: 160 },
      { ids: [13, 14], program: "library", url: server.url, large: `library checkAll over ${fmt(large)} lines of a file via adapter-http`, huge: `library checkAll over ${fmt(huge)} lines generated on the fly (${fmt(large)} distinct)`, cap: undefined },
      { ids: [15, 17], program: "cli", url: minimal?.url, large: `wa-contacts check --file of ${fmt(large)} lines ${independent}`, huge: `wa-contacts check --file - of ${fmt(huge)} lines (${fmt(large)} distinct) ${independent}`, cap: 160 },
      { ids: [16, 18], program: "library", url: minimal?.url, large: `library checkAll over ${fmt(large)} lines of a file ${independent}`, huge: `library checkAll over ${fmt(huge)} lines (${fmt(large)} distinct) ${independent}`, cap: undefined }
    ] as const
    for (const pair of pairs) {
      const [largeId, hugeId] = pair.ids
      const url = pair.url
      if (url === undefined || !(only(largeId) || only(hugeId))) continue
      const { a, b, c } = await rounds(
        (file, name, source, expected) => pair.program === "cli" ? runCli(url, file, name, source, expected) : runLibrary(url, file, source, expected),
        only(hugeId)
      )
      if (only(largeId)) figures.push(figure(largeId, `memory: ${pair.large}`, b, a, `itself at ${fmt(small)} lines`, pair.cap, 1.15))
      if (only(hugeId)) figures.push(figure(hugeId, `memory: ${pair.huge}`, c, b, `itself at ${fmt(large)} lines`, undefined, 1.15))
    }
    return figures
  } finally {
    await server.stop()
    await minimal?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
