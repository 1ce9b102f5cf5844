/**
 * The check pipeline (issues #14 item 3, #15 goals 1 and 2): pacing that never provokes a 429
 * even when another client just emptied the server's bucket (spec §1: 20/s, bursts of 60),
 * `Retry-After` honoured by every request of the check, requests in flight sized by rate ×
 * latency, bulk lists sent with `blocking: wait` and re-sent only when a lookup really left them
 * `processing`, payloads paired with their results, and counters kept in a `Ref`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Schedule, Stream, Tracer } from "effect"
import { Check, Config, Contacts, Policy, Result, Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import { apiError, checkAnswer, fromFunction, type Scripted } from "./support/ScriptedTransport.ts"

const digits = (s: string) => s.replace(/\D/g, "")
const pad = (n: number) => String(n).padStart(4, "0")
const numbers = (n: number) => Array.from({ length: n }, (_, i) => `+1631555${pad(i)}`)
const legacy = (request: Transport.TransportRequest) =>
  checkAnswer(request, (input) => ({ status: "valid", wa_id: digits(input) }), { version: "2.41.3" })

const collect = <A, E>(scripted: Scripted, stream: Stream.Stream<A, E, Transport.Transport>) =>
  runClocked(
    Stream.runCollect(stream).pipe(
      Effect.provide(scripted.layer),
      Effect.provideService(Config.ContactsConfig, { registeredNumber: "+1 631 555 0000" })
    )
  )

/**
 * A server enforcing 20/s with bursts of 60 whose bucket is EMPTY at `emptiedAt` (another client
 * just used it all), answering `latency` ms after the request; it counts its 429s.
 */
const bucketServer = (latency = 0, emptiedAt = 0) => {
  let tokens = 0
  let updatedAt = emptiedAt
  let refused = 0
  const scripted = fromFunction((request) =>
    Effect.gen(function*() {
      const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
      tokens = Math.min(60, tokens + ((now - updatedAt) * 20) / 1000)
      updatedAt = now
      if (tokens < 1) {
        refused++
        return apiError(429, 1015, "Too many requests", "", { "retry-after": "1" })
      }
      tokens -= 1
      if (latency > 0) yield* Effect.sleep(latency)
      return legacy(request)
    })
  )
  return { scripted, refused: () => refused }
}

describe("pacing under the server's limit (#15 goal 1)", () => {
  it.effect("one number per request against a bucket another client just emptied: zero 429s, >= 19 requests/s", () =>
    Effect.gen(function*() {
      const server = bucketServer()
      const results = yield* collect(server.scripted, Check.checkStream(numbers(400), { batchSize: 1 }))
      expect(results).toHaveLength(400)
      expect(server.refused()).toBe(0)
      const times = server.scripted.requests.map((r) => r.at)
      expect(times).toHaveLength(400)
      expect(400 / (times.at(-1)! / 1000)).toBeGreaterThanOrEqual(19)
    }))

  it.effect("the same when the other client's last request lands a few ms after the start", () =>
    Effect.gen(function*() {
      const server = bucketServer(0, 5)
      yield* collect(server.scripted, Check.checkStream(numbers(400), { batchSize: 1 }))
      expect(server.refused()).toBe(0)
    }))

  it.effect("a Retry-After pauses every request of the check, not only the refused one", () =>
    Effect.gen(function*() {
      // The 6th request is refused with Retry-After: 2 (seconds).
      const scripted = fromFunction((request, index) =>
        index === 5 ? apiError(429, 1015, "Too many requests", "", { "retry-after": "2" }) : legacy(request)
      )
      const told: Array<[string, number]> = []
      const results = yield* collect(
        scripted,
        Check.checkStream(numbers(20), { batchSize: 1, concurrency: 8, onRetry: (e, ms) => Effect.sync(() => told.push([e._tag, ms])) })
      )
      expect(results).toHaveLength(20)
      expect(told).toEqual([["RateLimited", 2_000]])
      const refusedAt = scripted.requests[5]!.at
      const later = scripted.requests.slice(6).map((r) => r.at)
      expect(later.length).toBeGreaterThan(0)
      for (const at of later) expect(at).toBeGreaterThanOrEqual(refusedAt + 2_000)
    }))
})

describe("late requests catch up with the schedule, never get ahead of it", () => {
  it.effect("after a stall, requests resume at once until back on schedule; none is before its slot", () =>
    Effect.gen(function*() {
      // The 3rd request takes 1 s to answer and, with one request in flight, holds everything up.
      const scripted = fromFunction((request, index) => (index === 2 ? Effect.as(Effect.sleep(1_000), legacy(request)) : legacy(request)))
      yield* collect(scripted, Check.checkStream(numbers(60), { batchSize: 1, concurrency: 1 }))
      const times = scripted.requests.map((r) => r.at)
      const interval = 1000 / 19.9
      for (const [k, at] of times.entries()) expect(at).toBeGreaterThanOrEqual(10 + (k + 1) * interval - 0.001)
      // Without catch-up the last would be about 1 s late; with it, back on the schedule.
      expect(times.at(-1)!).toBeLessThanOrEqual(10 + 60 * interval + 1)
    }))
})

describe("the ceiling with slow lookups (#15 goal 2)", () => {
  it.effect("500 ms per request: requests in flight grow to rate × latency, so the rate limit sets the pace", () =>
    Effect.gen(function*() {
      const server = bucketServer(500)
      const results = yield* collect(server.scripted, Check.checkStream(numbers(100), { batchSize: 1 }))
      expect(results).toHaveLength(100)
      expect(server.refused()).toBe(0)
      expect(server.scripted.maxInFlight()).toBeGreaterThan(4)
      // The ideal at 20/s is 5 s for 100 requests; paced at 19.9/s.
      expect(server.scripted.requests.at(-1)!.at).toBeLessThanOrEqual(5_500)
    }))

  it.effect("without a rate limit the bound stays at 4", () =>
    Effect.gen(function*() {
      const scripted = fromFunction((request) => Effect.as(Effect.sleep(500), legacy(request)))
      yield* collect(scripted, Check.checkStream(numbers(40), { batchSize: 1, rateLimit: false }))
      expect(scripted.maxInFlight()).toBe(4)
    }))

  it.effect("bulk lists are sent with blocking wait; only what an answer left processing is re-sent", () =>
    Effect.gen(function*() {
      const seen = new Map<string, number>()
      const scripted = fromFunction((request) =>
        checkAnswer(request, (input) => {
          const n = (seen.get(input) ?? 0) + 1
          seen.set(input, n)
          // The server gave up waiting on one number: it is still processing in the first answer.
          return input === "+16315550003" && n === 1 ? { status: "processing" } : { status: "valid", wa_id: digits(input) }
        }, { version: "2.41.3" })
      )
      const stats = new Check.CheckStats()
      const results = yield* collect(scripted, Check.checkStream(numbers(10), { stats }))
      expect(results.map((r) => r._tag)).toEqual(Array(10).fill("WhatsAppUser"))
      const bodies = scripted.checkBodies()
      expect(bodies.map((b) => [(b as { blocking?: string }).blocking, b.contacts])).toEqual([["wait", numbers(10)], ["no_wait", ["+16315550003"]]])
      const counts = yield* stats.get
      expect(counts).toMatchObject({ results: 10, requests: 2, contactsSent: 11, polls: 1, byStatus: { valid: 10 } })
    }))
})

describe("the no_wait recipe as a Schedule (Policy.pollSchedule)", () => {
  it.effect("re-sends after 500 ms growing by 1.5x, the last one cut to the deadline; none once nothing is processing", () =>
    Effect.gen(function*() {
      const step = yield* Schedule.toStep(Policy.pollSchedule({}, "3 seconds"))
      const delays: Array<number | "done"> = []
      // [time of the decision, numbers still processing]
      for (const [now, pending] of [[0, 3], [500, 2], [1_250, 1], [2_375, 1], [3_000, 1]] as const) {
        const exit = yield* Effect.exit(step(now, pending))
        delays.push(Exit.isSuccess(exit) ? Duration.toMillis(exit.value[1]) : "done")
      }
      expect(delays).toEqual([500, 750, 1_125, 625, "done"])
      const fresh = yield* Schedule.toStep(Policy.pollSchedule())
      expect(Exit.isFailure(yield* Effect.exit(fresh(0, 0)))).toBe(true)
    }))
})

describe("a wait the transport gave up on", () => {
  it.effect("is not sent again as a wait: the same numbers go once with no_wait, then the recipe polls", () =>
    Effect.gen(function*() {
      const seen = new Map<string, number>()
      const scripted = fromFunction((request) => {
        const body = request.body as { blocking: string }
        if (body.blocking === "wait") return new Transport.TransportError({ reason: "Timeout", message: "timed out", retryable: true, requestSent: true })
        return checkAnswer(request, (input) => {
          const n = (seen.get(input) ?? 0) + 1
          seen.set(input, n)
          return n === 1 ? { status: "processing" } : { status: "valid", wa_id: digits(input) }
        }, { version: "2.41.3" })
      })
      const stats = new Check.CheckStats()
      const results = yield* collect(scripted, Check.checkStream(numbers(3), { stats }))
      expect(results.map((r) => r._tag)).toEqual(["WhatsAppUser", "WhatsAppUser", "WhatsAppUser"])
      expect(stats.retriedErrors).toEqual({ TransportError: 1 })
      const bodies = scripted.checkBodies().map((b) => [(b as { blocking?: string }).blocking, b.contacts.length])
      expect(bodies).toEqual([["wait", 3], ["no_wait", 3], ["no_wait", 3]])
    }))
})

describe("re-sends within a budget", () => {
  it.effect("beforeResend decides how many processing numbers are re-sent; the rest are reported processing", () =>
    Effect.gen(function*() {
      const scripted = fromFunction((request) => checkAnswer(request, () => ({ status: "processing" }), { version: "2.41.3" }))
      const asked: Array<ReadonlyArray<string>> = []
      const budget = [2, 0]
      const results = yield* collect(
        scripted,
        Check.checkStream(numbers(3), {
          blocking: "no_wait",
          beforeResend: (pending) => Effect.sync(() => (asked.push(pending), budget.shift() ?? 0))
        })
      )
      expect(results.map((r) => r._tag)).toEqual(["Processing", "Processing", "Processing"])
      expect(scripted.checkBodies().map((b) => b.contacts)).toEqual([numbers(3), numbers(2)])
      expect(asked).toEqual([numbers(3), numbers(2)])
    }))
})

describe("payloads travel with their inputs (#14 item 3)", () => {
  it.effect("each result comes out paired with its own input's payload, in input order", () =>
    Effect.gen(function*() {
      const rows: ReadonlyArray<readonly [string, { readonly line: number }]> = [
        ["+16315550001", { line: 1 }],
        ["a/b", { line: 2 }],
        ["+1 631 555 0001", { line: 3 }],
        ["(631) 555-0002", { line: 4 }],
        ["+16315550001", { line: 5 }]
      ]
      const scripted = fromFunction(legacy)
      const paired = yield* collect(scripted, Check.checkPaired(Stream.fromIterable(rows), { batchSize: 2 }))
      expect(paired.map(([result, payload]) => [payload.line, result.input, result._tag])).toEqual([
        [1, "+16315550001", "WhatsAppUser"],
        [2, "a/b", "Failed"],
        [3, "+1 631 555 0001", "WhatsAppUser"],
        [4, "(631) 555-0002", "WhatsAppUser"],
        [5, "+16315550001", "WhatsAppUser"]
      ])
      expect(paired[2]![0].warnings.map((w) => w.code)).toContain("DUPLICATE")
      expect(scripted.checkBodies().flatMap((b) => b.contacts)).toEqual(["+16315550001", "(631) 555-0002"])
    }))
})

describe("answers kept for later duplicates", () => {
  it.effect("a failure with its own detail is answered whole to a later duplicate", () =>
    Effect.gen(function*() {
      // A legacy `valid` without a wa_id is Failed with its own detail, not the server's `failed`.
      const scripted = fromFunction((request) => checkAnswer(request, () => ({ status: "valid" }), { version: "2.41.3" }))
      const results = yield* collect(scripted, Check.checkStream(["+16315550001", "+1 631 555 0001"], { batchSize: 1 }))
      expect(results.map((r) => [r._tag, r._tag === "Failed" ? r.detail : ""])).toEqual([
        ["Failed", "valid without a wa_id"],
        ["Failed", "valid without a wa_id"]
      ])
    }))

  it.effect("the server's `failed` is answered to a later duplicate as the same outcome", () =>
    Effect.gen(function*() {
      const scripted = fromFunction((request) => checkAnswer(request, () => ({ status: "failed" }), { version: "2.41.3" }))
      const results = yield* collect(scripted, Check.checkStream(["+16315550001", "+1 631 555 0001"], { batchSize: 1 }))
      for (const r of results) expect(r).toMatchObject({ _tag: "Failed", cause: "server", detail: (Result.serverFailed as { detail: string }).detail })
    }))
})

describe("spans (#14 item 7)", () => {
  it.effect("a tracer sees the public operations by name: check, checkStream, block, unblock", () =>
    Effect.gen(function*() {
      const names: Array<string> = []
      const tracer = Tracer.make({
        span(options) {
          names.push(options.name)
          return new Tracer.NativeSpan(options)
        }
      })
      const scripted = fromFunction((request) =>
        request.path === "/v1/contacts" ? legacy(request) : { status: 200, headers: {}, body: Transport.jsonBody({}) }
      )
      yield* runClocked(
        Effect.gen(function*() {
          yield* Check.checkBatch(["+16315550001"])
          yield* Stream.runDrain(Check.checkStream(["+16315550002"]))
          yield* Contacts.unblock("+16315550003")
        }).pipe(Effect.provide(scripted.layer), Effect.withTracer(tracer))
      )
      expect(names).toEqual(expect.arrayContaining(["check", "checkStream", "unblock"]))
    }))
})
