// Start bench/src/server.ts as a child process and hand back its URL and a way to stop it.
import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import { join } from "node:path"

export interface RunningServer {
  readonly url: string
  readonly pid: number
  readonly stop: () => Promise<void>
}

/** A simulator server child with this configuration (plus a static token for the bench clients). */
export const spawnServer = (config: Record<string, unknown>): Promise<RunningServer> => spawnScript("server.ts", config)

/**
 * The independent minimal server (`minimalServer.ts`: plain node:http, none of the project's code)
 * enforcing `rps` with bursts of `burst`, with lookups of `latencyMs`.
 */
export const spawnMinimalServer = (config: { rps: number; burst: number; latencyMs: number }): Promise<RunningServer> =>
  spawnScript("minimalServer.ts", config)

const spawnScript = async (script: string, config: Record<string, unknown>): Promise<RunningServer> => {
  const child = spawn(process.execPath, [join(import.meta.dirname, script), JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  const lines = createInterface({ input: child.stdout! })
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => {
      throw new Error(`${script} exited before it listened`)
    })
  ])) as [string]
  const { url } = JSON.parse(line) as { url: string }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return
      child.stdin!.end()
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
      await once(child, "exit")
      clearTimeout(timer)
    }
  }
}

/** The static token every bench server accepts. */
export const BENCH_TOKEN = "bench-static-token"
