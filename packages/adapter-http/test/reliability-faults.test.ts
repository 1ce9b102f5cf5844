/**
 * Reliability (issue #8): the fault matrix over real HTTP. A bulk check through `HttpTransport`
 * against the simulator's server on 127.0.0.1, with one fault switched on mid-run each time: 429
 * storms, 503 bursts, dropped connections, malformed bodies (HTML, truncated, empty), answers
 * slower than the timeout, and a token that expires mid-run. Each run must end with exactly one
 * record per input, and every number the server received more than once must be explained by a
 * retried (or re-authorised) request or a poll.
 *
 * 2,000 numbers per fault by default; 10,000 with WA_FULL=1.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Stream } from "effect"
import { Check, Config } from "@wa-contacts/core"
import { Simulator, SimulatorServer, type SimulatorConfig } from "@wa-contacts/adapter-mock"
import { HttpTransport } from "../src/index.ts"
import type { HttpTransportConfig } from "../src/HttpTransportConfig.ts"

const FULL = process.env["WA_FULL"] === "1"
const N = FULL ? 10_000 : 2_000
const BATCH = 50
const TOKEN = "TOKEN-s3cr3t-XYZ"
const PASSWORD = "P@ss-s3cr3t-XYZ"

const control = (url: string, name: string, body: unknown) =>
  Effect.promise(() =>
    fetch(`${url}/_simulator/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then(async (r) => {
        if (!r.ok) throw new Error(`control ${name}: ${r.status} ${await r.text()}`)
        return r.json()
      })
  )

interface Scenario {
  readonly name: string
  readonly server?: SimulatorConfig.SimulatorConfig
  readonly client?: (url: string) => Partial<HttpTransportConfig>
  /** Control calls to make once the server has received this many check requests. */
  readonly inject: ReadonlyArray<readonly [atRequest: number, name: string, body: unknown]>
  readonly concurrency?: number
  /** The retried error tags the summary must show. */
  readonly expectRetried?: ReadonlyArray<string>
}

const injections = (n: number, body: unknown): ReadonlyArray<readonly [number, string, unknown]> =>
  Array.from({ length: n }, (_, i) => [3 + i * 6, "faults", body] as const)

const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "429 storm",
    server: { rateLimit: { rps: 25, burst: 8 } },
    inject: [],
    concurrency: 8,
    expectRetried: ["RateLimited"]
  },
  { name: "503 bursts", inject: injections(4, { overloaded_next: 5 }), expectRetried: ["Overloaded"] },
  { name: "dropped connections", inject: injections(4, { dropped_next: 3 }), expectRetried: ["TransportError"] },
  { name: "malformed bodies (HTML, truncated, empty)", inject: injections(4, { malformed_next: 3 }), expectRetried: ["MalformedResponse"] },
  {
    name: "slow answers past the timeout",
    client: () => ({ timeout: "250 millis" }),
    inject: injections(3, { slow_next: 2, slow_ms: 600 }),
    expectRetried: ["TransportError"]
  },
  {
    name: "token expiry mid-run (8 days)",
    server: { tokens: [], accounts: [{ username: "ops", password: PASSWORD }] },
    client: () => ({ token: undefined, username: "ops", password: PASSWORD }),
    inject: [[10, "clock", { advance_seconds: 8 * 86_400 }], [25, "clock", { advance_seconds: 8 * 86_400 }]]
  }
]

const inputs = Array.from({ length: N }, (_, i) => `+1631${String(2_000_000 + i)}`)

const runScenario = (scenario: Scenario) =>
  Effect.gen(function*() {
    const config: SimulatorConfig.SimulatorConfig = { allUsers: true, lookupLatencyMs: 0, tokens: [TOKEN], rateLimit: false, ...scenario.server }
    const context = yield* Layer.build(SimulatorServer.layer(config))
    const { url } = Context.get(context, SimulatorServer.SimulatorServer)
    // What the server received is the simulator's own count and journal: no wrapper around it.
    const simulator = Context.get(context, Simulator.Simulator)
    const checkRequests = Effect.map(simulator.state, (s) => s.requestsByRoute["POST /v1/contacts"] ?? 0)

    // Switch the faults on as the run reaches the given requests.
    const injector = yield* Effect.forkChild(Effect.forEach(scenario.inject, ([at, name, body]) =>
      Effect.gen(function*() {
        while ((yield* checkRequests) < at) yield* Effect.sleep("5 millis")
        yield* control(url, name, body)
      }), { discard: true }))

    const stats = new Check.CheckStats()
    const started = Date.now()
    const results = yield* Stream.runCollect(Check.checkStream(inputs, {
      batchSize: BATCH,
      concurrency: scenario.concurrency ?? 4,
      rateLimit: false,
      poll: { initialDelay: "20 millis", maxDelay: "100 millis" },
      stats
    })).pipe(
      Effect.provide(HttpTransport.layer({ baseUrl: url, token: TOKEN, timeout: "5 seconds", ...scenario.client?.(url) })),
      Effect.provideService(Config.ContactsConfig, { retry: { times: 25, baseDelay: "5 millis", maxDelay: "50 millis" } })
    )
    const ms = Date.now() - started
    yield* Fiber.interrupt(injector)

    const byInput = new Map<string, number>()
    for (const r of results) byInput.set(r.input, (byInput.get(r.input) ?? 0) + 1)
    const missing = inputs.filter((i) => !byInput.has(i)).length
    const duplicated = [...byInput.values()].filter((n) => n > 1).length
    const failed = results.filter((r) => r._tag === "Failed").length
    // Every check request the server received, answered or refused, from its journal, once the
    // answers the client gave up on (slow answers past its timeout) are done.
    while ((yield* simulator.state).inFlight > 0) yield* Effect.sleep("10 millis")
    const journal = yield* simulator.requests({ method: "POST", path: "/v1/contacts" })
    const statuses: Record<string, number> = {}
    const received = new Map<string, number>()
    let numbersReceived = 0
    for (const entry of journal.entries) {
      statuses[String(entry.status)] = (statuses[String(entry.status)] ?? 0) + 1
      numbersReceived += entry.numbers.length
      for (const number of entry.numbers) received.set(number, (received.get(number) ?? 0) + 1)
    }
    const resent = numbersReceived - received.size
    // Requests the client sent again without counting a retry: the transport's own re-send after a 401.
    const unauthorized = statuses["401"] ?? 0
    const summary = {
      fault: scenario.name,
      inputs: N,
      ms,
      requests: stats.requests,
      serverRequests: journal.matched,
      retries: stats.retries,
      retried: stats.retriedErrors,
      polls: stats.polls,
      records: results.length,
      missing,
      duplicated,
      failed,
      serverStatuses: statuses,
      numbersReceived,
      numbersReceivedTwice: resent,
      explainedBy: `(${stats.retries} retries + ${unauthorized} 401s) × ≤${BATCH} + ${stats.polls} polls`
    }
    console.log(`[reliability] ${JSON.stringify(summary)}`)

    expect(results.length).toBe(N)
    expect(missing).toBe(0)
    expect(duplicated).toBe(0)
    expect(failed).toBe(0)
    expect(results.map((r) => r.input)).toEqual(inputs)
    expect(journal.dropped).toBe(0)
    expect(received.size).toBe(N)
    expect(resent).toBeLessThanOrEqual((stats.retries + unauthorized) * BATCH + stats.polls)
    // What the client counted as sent is what the server received, less the transport's own
    // re-sends after a 401 (at most one batch each).
    expect(numbersReceived - stats.contactsSent).toBeGreaterThanOrEqual(0)
    expect(numbersReceived - stats.contactsSent).toBeLessThanOrEqual(unauthorized * BATCH)
    for (const tag of scenario.expectRetried ?? []) expect(stats.retriedErrors[tag] ?? 0, `${tag} retried`).toBeGreaterThan(0)
    if (scenario.name.startsWith("token")) expect(unauthorized).toBeGreaterThan(0)
    return summary
  }).pipe(Effect.scoped)

describe(`fault matrix over HTTP: ${N} numbers per fault`, () => {
  for (const scenario of scenarios) {
    it.live(scenario.name, () => runScenario(scenario), FULL ? 300_000 : 60_000)
  }
})
