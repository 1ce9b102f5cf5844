/** The simulator's HTTP server in a child process, and what it counted (its control surface). */
import { join } from "node:path"
import { spawnNode } from "./processes.ts"

export const TOKEN = "store-test-token"

export interface SimServer {
  readonly url: string
  /** Numbers received in check requests, re-sends included (`contactsChecked`). */
  readonly contactsChecked: () => Promise<number>
  /** How often each of `numbers` was received in check requests. */
  readonly receptions: (numbers: ReadonlyArray<string>) => Promise<Map<string, number>>
  readonly stop: () => Promise<void>
}

export const startSimulator = async (config: Record<string, unknown> = {}): Promise<SimServer> => {
  const child = spawnNode(join(import.meta.dirname, "..", "fixtures", "sim-server.ts"), [
    JSON.stringify({ allUsers: true, lookupLatencyMs: 0, rateLimit: false, tokens: [TOKEN], ...config })
  ])
  const { url } = await child.waitFor((l) => typeof l.url === "string")
  const get = async (path: string) => {
    const response = await fetch(url + path)
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return response.json() as Promise<any>
  }
  return {
    url,
    contactsChecked: async () => (await get("/_simulator/state")).contacts_checked,
    receptions: async (numbers) => {
      const out = new Map<string, number>()
      for (let i = 0; i < numbers.length; i += 50) {
        const answers = await Promise.all(numbers.slice(i, i + 50).map((n) => get(`/_simulator/numbers/${encodeURIComponent(n)}`)))
        answers.forEach((a, j) => out.set(numbers[i + j]!, a.received))
      }
      return out
    },
    stop: async () => {
      child.process.kill("SIGTERM")
      await child.exit
    }
  }
}
