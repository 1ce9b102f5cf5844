/**
 * The bin runs a bulk check with a young generation of 2 MiB semi-spaces (issue 15, goal 3: flat
 * memory; src/bin.ts, withYoungGeneration): V8 reads that size only at start-up, so the bin runs
 * itself again in the same process (`process.execve`) with the flags, unless the user set the size
 * themselves. Peak RSS is bench figures 6 and 12, not an assertion here.
 */
import { describe, expect, it } from "vitest"
import { spawn } from "node:child_process"
import { once } from "node:events"
import * as fs from "node:fs"
import { BIN, built, cleanEnv } from "./support/bin.ts"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

const FLAGS = ["--min-semi-space-size=2", "--max-semi-space-size=2", "--no-concurrent-recompilation"]

/**
 * Start `check --mock --file -` with `nodeArgs`, feed it more than a batch and keep stdin open;
 * once the first batch's records are out (the CLI is running), read the process's command line
 * from /proc, then end stdin: the command line, the pid's, and how the run ended.
 */
const running = async (nodeArgs: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const child = spawn(process.execPath, [...nodeArgs, BIN, "check", "--mock", "--latency", "0", "--file", "-", "-q"], {
    env: cleanEnv(env),
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t))
  const firstRecords = new Promise<void>((resolve) =>
    child.stdout!.setEncoding("utf8").on("data", (t: string) => {
      stdout += t
      resolve()
    })
  )
  // More than the 8 KiB the input sniffs before it starts (src/Input.ts), and than one batch.
  const lines = Array.from({ length: 1000 }, (_, i) => `+1631555${String(1000 + i).padStart(4, "0")}`)
  child.stdin!.write(lines.join("\n") + "\n")
  const closed = once(child, "close")
  await Promise.race([firstRecords, closed])
  const cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "")
  const environ = fs.readFileSync(`/proc/${child.pid}/environ`, "utf8").split("\0").filter((a) => a.startsWith("MALLOC_ARENA_MAX="))
  child.stdin!.end()
  const [code] = (await closed) as [number | null]
  return { cmdline, environ, code, records: stdout.trim().split("\n").length, stderr }
}

describe.skipIf(process.platform !== "linux")("the bin's young generation (reads /proc: Linux only)", () => {
  it("a bulk check runs in the same process, re-run with 2 MiB semi-spaces, one malloc arena and the optimizing compiler on the main thread, and checks every line", async () => {
    const run = await running([])
    expect(run.cmdline.slice(1, 4)).toEqual(FLAGS)
    // glibc's malloc arenas, which only the environment of a new image can set.
    expect(run.environ).toEqual(["MALLOC_ARENA_MAX=1"])
    expect(run.cmdline).toContain(BIN)
    expect(run.code).toBe(0)
    expect(run.records).toBe(1000)
    expect(run.stderr).toBe("")
  })

  it("a size the user chose wins: on Node's command line or in NODE_OPTIONS, the bin is not re-run; so do their MALLOC_ARENA_MAX and V8 flags", async () => {
    const own = await running(["--max-semi-space-size=4"])
    expect(own.cmdline.filter((a) => a.includes("semi-space"))).toEqual(["--max-semi-space-size=4"])
    expect(own.records).toBe(1000)
    const options = await running([], { NODE_OPTIONS: "--max-semi-space-size=8" })
    expect(options.cmdline.some((a) => a.includes("semi-space"))).toBe(false)
    expect(options.code).toBe(0)
    expect(options.records).toBe(1000)
    const arenas = await running([], { MALLOC_ARENA_MAX: "4" })
    expect(arenas.cmdline.slice(1, 4)).toEqual(FLAGS)
    expect(arenas.environ).toEqual(["MALLOC_ARENA_MAX=4"])
    // A V8 flag of their own comes after the bin's, and V8 takes the last.
    const compiler = await running(["--concurrent-recompilation"])
    expect(compiler.cmdline.slice(1, 5)).toEqual([...FLAGS, "--concurrent-recompilation"])
    expect(compiler.records).toBe(1000)
  })
})
