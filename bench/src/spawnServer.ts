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
export const spawnServer = async (config: Record<string, unknown>): Promise<RunningServer> => {
  const child = spawn(process.execPath, [join(import.meta.dirname, "server.ts"), JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  const lines = createInterface({ input: child.stdout! })
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(() => {
      throw new Error("the simulator server exited before it listened")
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
