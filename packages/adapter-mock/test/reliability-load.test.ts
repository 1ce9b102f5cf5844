/**
 * Reliability (issue #8): the simulator's HTTP server under load. 64 concurrent clients on
 * 127.0.0.1 send a mix of checks, blocks and blocklist reads for 3 s (30 s with WA_FULL=1). The
 * server answers every request (no 5xx, no connection error), and its state afterwards matches
 * what the clients did: every request counted once, the blocklist exactly the numbers blocked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { SimulatorServer } from "../src/index.ts"

const TOKEN = "TOKEN-s3cr3t-XYZ"
const FULL = process.env["WA_FULL"] === "1"
const CLIENTS = 64
const SECONDS = FULL ? 30 : 3

let url: string
let scope: Scope.Closeable

beforeAll(async () => {
  scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(
    SimulatorServer.layer({ allUsers: true, lookupLatency: 0, tokens: [TOKEN], rateLimit: false }),
    scope
  ))
  url = Context.get(context, SimulatorServer.SimulatorServer).url
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }
/** The number client `i` blocks (engaged before the run). */
const blockedBy = (i: number) => `+1631777${String(i).padStart(4, "0")}`

describe(`load: ${CLIENTS} concurrent clients for ${SECONDS} s`, () => {
  it("keeps answering, and its state afterwards is consistent", async () => {
    for (let i = 0; i < CLIENTS; i++) {
      const r = await fetch(`${url}/_simulator/inbound`, { method: "POST", headers, body: JSON.stringify({ from: blockedBy(i) }) })
      expect(r.status).toBe(200)
    }
    const sent: Record<string, number> = {}
    const statuses: Record<string, number> = {}
    const errors: Record<string, number> = {}
    let checked = 0
    const blockers = new Set<number>()
    const deadline = Date.now() + SECONDS * 1000
    const latencies: Array<number> = []

    const client = async (i: number) => {
      let n = 0
      while (Date.now() < deadline) {
        n++
        const op = n % 10 === 0 ? "block" : n % 5 === 0 ? "blocklist" : "check"
        const route = op === "block" ? "POST /v1/contacts/{phone}/block" : op === "blocklist" ? "GET /v1/contacts/blocklist" : "POST /v1/contacts"
        const contacts = Array.from({ length: 10 }, (_, k) => `+1631${String(2_000_000 + ((i * 7919 + n * 31 + k) % 1_000_000))}`)
        const t0 = performance.now()
        try {
          const r = op === "block"
            ? await fetch(`${url}/v1/contacts/${encodeURIComponent(blockedBy(i))}/block`, { method: "POST", headers, body: "{}" })
            : op === "blocklist"
            ? await fetch(`${url}/v1/contacts/blocklist?limit=200`, { headers })
            : await fetch(`${url}/v1/contacts`, { method: "POST", headers, body: JSON.stringify({ blocking: "wait", contacts }) })
          const body = await r.json() as { contacts?: Array<unknown> }
          sent[route] = (sent[route] ?? 0) + 1
          statuses[r.status] = (statuses[r.status] ?? 0) + 1
          if (op === "block" && r.status === 200) blockers.add(i)
          if (op === "check" && r.status === 200) {
            expect(body.contacts?.length).toBe(new Set(contacts).size)
            checked += contacts.length
          }
        } catch (error) {
          const key = String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message)
          errors[key] = (errors[key] ?? 0) + 1
        }
        latencies.push(performance.now() - t0)
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)))
    const elapsed = (performance.now() - started) / 1000

    const state = await (await fetch(`${url}/_simulator/state`)).json() as {
      requests: Record<string, number>
      responses: Record<string, number>
      blocklist: number
    }
    const blocklist = await (await fetch(`${url}/v1/contacts/blocklist?limit=200`, { headers })).json() as {
      contacts: Array<unknown>
      pagination: { total: number }
    }
    const total = Object.values(sent).reduce((a, b) => a + b, 0)
    latencies.sort((a, b) => a - b)
    const p = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10
    const figures = {
      clients: CLIENTS,
      seconds: Math.round(elapsed * 10) / 10,
      requests: total,
      requestsPerSecond: Math.round(total / elapsed),
      numbersChecked: checked,
      latencyMs: { p50: p(0.5), p99: p(0.99), max: p(1) },
      statuses,
      errors,
      serverRequests: state.requests,
      serverBlocklist: state.blocklist
    }
    console.log(`[reliability] load ${JSON.stringify(figures)}`)

    expect(Object.keys(errors)).toEqual([])
    expect(Object.keys(statuses).filter((s) => Number(s) >= 400)).toEqual([])
    expect(total).toBeGreaterThan(CLIENTS)
    // Every request counted once by the server (the final blocklist read included).
    for (const [route, count] of Object.entries(sent)) {
      expect(state.requests[route], route).toBe(count)
    }
    const clientsThatBlocked = blockers.size
    expect(state.blocklist).toBe(clientsThatBlocked)
    expect(blocklist.pagination.total).toBe(clientsThatBlocked)
    expect(Object.values(state.responses).reduce((a, b) => a + b, 0)).toBe(total)
  }, (SECONDS + 30) * 1000)
})
