/**
 * Bulk checks as a stream (architecture "Operations", spec §1 rate limits and usage policy): one
 * result per input in input order, each distinct number sent once, batches, bounded concurrency,
 * a client-side rate limit, local rejection of inputs that are not phone numbers, early stop.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Check, ContactsConfig, CheckResult, Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import { checkAnswer, fromFunction, type Scripted } from "./support/ScriptedTransport.ts"
import { countedArray } from "./support/CountedArray.ts"

const digits = (s: string) => s.replace(/\D/g, "")

/** A legacy server: every number is a WhatsApp user whose wa_id is its digits; answers after `latency` ms. */
const legacyServer = (latency = 0) =>
  fromFunction((request) => {
    const answer = checkAnswer(request, (input) => ({ status: "valid", wa_id: digits(input) }), { version: "2.41.3" })
    return latency === 0 ? answer : Effect.as(Effect.sleep(latency), answer)
  })

const collect = <A, E>(scripted: Scripted, stream: Stream.Stream<A, E, Transport.Transport>) =>
  runClocked(
    Stream.runCollect(stream).pipe(
      Effect.provide(scripted.layer),
      Effect.provideService(ContactsConfig.ContactsConfig, { registeredNumber: "+1 631 555 0000" })
    )
  )

const pad = (n: number) => String(n).padStart(4, "0")

/**
 * 10,000 inputs over 4,000 distinct numbers: each number appears as `+1631555XXXX`, as
 * `+1 631 555 XXXX`, and some again as identical strings.
 */
const bulkInputs = (): Array<string> => {
  const inputs: Array<string> = []
  for (let i = 0; i < 10_000; i++) {
    const k = (i * 7) % 4_000
    const format = i % 3
    inputs.push(format === 0 ? `+1631555${pad(k)}` : format === 1 ? `+1 631 555 ${pad(k)}` : `+1 (631) 555-${pad(k)}`)
  }
  return inputs
}

describe("bulk check: one result per input, in input order, each number sent once", () => {
  it.effect("10,000 inputs with duplicates in several formats", () =>
    Effect.gen(function*() {
      const inputs = bulkInputs()
      const server = legacyServer(20)
      const stats = new Check.CheckStats()
      const results = yield* collect(
        server,
        Check.checkStream(inputs, { batchSize: 250, concurrency: 3, rateLimit: false, stats })
      )
      expect(results).toHaveLength(10_000)
      results.forEach((r, i) => {
        expect(r.input).toBe(inputs[i])
        expect(r._tag).toBe("WhatsAppUser")
        expect(CheckResult.waIdOf(r).waId).toBe(digits(inputs[i]!))
      })
      const sent = new Map<string, number>()
      for (const body of server.checkBodies()) {
        expect(body.contacts.length).toBeLessThanOrEqual(250)
        for (const c of body.contacts) sent.set(digits(c), (sent.get(digits(c)) ?? 0) + 1)
      }
      expect(sent.size).toBe(4_000)
      expect([...sent.values()].every((n) => n === 1)).toBe(true)
      expect(stats.results).toBe(10_000)
      expect(stats.contactsSent).toBe(4_000)
      const duplicates = results.filter((r) => r.warnings.some((w) => w.code === "DUPLICATE"))
      expect(duplicates).toHaveLength(6_000)
    }))

  it.effect("batches respect batchSize", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 1_050 }, (_, i) => `+1631555${pad(i)}`)
      const server = legacyServer()
      yield* collect(server, Check.checkStream(inputs, { batchSize: 100, rateLimit: false }))
      expect(server.checkBodies().map((b) => b.contacts.length)).toEqual([...Array(10).fill(100), 50])
    }))

  it.effect("a check of an array runs again from the start: the same results each time it is run", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 250 }, (_, i) => `+1631555${pad(i)}`)
      const server = legacyServer()
      const check = Check.checkStream(inputs, { batchSize: 100, rateLimit: false })
      const first = yield* collect(server, check)
      const second = yield* collect(server, check)
      expect(first.map((r) => r.input)).toEqual(inputs)
      expect(second).toEqual(first)
      expect(server.checkBodies().map((b) => b.contacts.length)).toEqual([100, 100, 50, 100, 100, 50])
    }))

  it.effect("at most `concurrency` requests are in flight", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 2_000 }, (_, i) => `+1631555${pad(i)}`)
      const server = legacyServer(100)
      const results = yield* collect(server, Check.checkStream(inputs, { batchSize: 50, concurrency: 4, rateLimit: false }))
      expect(results).toHaveLength(2_000)
      expect(server.requests).toHaveLength(40)
      expect(server.maxInFlight()).toBe(4)
      // 40 requests of 100 ms, 4 at a time: 10 rounds.
      expect(server.requests.at(-1)!.at).toBe(900)
    }))

  it.effect("results come out in input order even when later batches answer first", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 40 }, (_, i) => `+1631555${pad(i)}`)
      const server = fromFunction((request, index) =>
        Effect.as(
          Effect.sleep(1_000 - index * 100),
          checkAnswer(request, (input) => ({ status: "valid", wa_id: digits(input) }), { version: "2.41.3" })
        )
      )
      const results = yield* collect(server, Check.checkStream(inputs, { batchSize: 5, concurrency: 8, rateLimit: false }))
      expect(results.map((r) => r.input)).toEqual(inputs)
    }))
})

describe("client-side rate limit (20/s, bursts of 60)", () => {
  it.effect("100 requests take 2 s of clock time and never exceed the bucket", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 100 }, (_, i) => `+1631555${pad(i)}`)
      const server = legacyServer()
      const results = yield* collect(
        server,
        Check.checkStream(inputs, { batchSize: 1, concurrency: 8, rateLimit: { requestsPerSecond: 20, burst: 60 } })
      )
      expect(results).toHaveLength(100)
      const times = server.requests.map((r) => r.at)
      expect(times).toHaveLength(100)
      expect(times.filter((t) => t === 0)).toHaveLength(60)
      expect(times.at(-1)).toBeGreaterThanOrEqual(1_950)
      // The bucket: between request i and request j (j > i) at most 59 + elapsed / 50 ms further requests.
      for (let i = 0; i < times.length; i++) {
        for (let j = i + 1; j < times.length; j++) {
          expect(j - i).toBeLessThanOrEqual(59 + (times[j]! - times[i]!) / 50)
        }
      }
    }))

  it.effect("by default no burst: request k leaves no earlier than 10 ms + (k + 1) intervals of 19.9/s after the start", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 80 }, (_, i) => `+1631555${pad(i)}`)
      const server = legacyServer()
      yield* collect(server, Check.checkStream(inputs, { batchSize: 1, concurrency: 16 }))
      const times = server.requests.map((r) => r.at)
      expect(times).toHaveLength(80)
      for (const [k, at] of times.entries()) expect(at).toBeGreaterThanOrEqual(10 + ((k + 1) * 1000) / 19.9 - 0.001)
    }))
})

describe("inputs that are not phone numbers are rejected locally", () => {
  it.effect("`a/b`, a 10 MB string and control characters → Failed cause rejected, never sent", () =>
    Effect.gen(function*() {
      const huge = "1".repeat(10 * 1024 * 1024)
      const inputs = ["+16315551000", "a/b", huge, "+1631555\u00001001", "+1631555\n1002", "", "+16315551003"]
      const server = legacyServer()
      const results = yield* collect(server, Check.checkStream(inputs, { rateLimit: false }))
      expect(results.map((r) => r._tag)).toEqual(["WhatsAppUser", "Failed", "Failed", "Failed", "Failed", "Failed", "WhatsAppUser"])
      for (const r of results.slice(1, 6)) expect(r).toMatchObject({ _tag: "Failed", cause: "rejected" })
      expect(results[2]!.input).toBe(huge)
      expect(server.checkBodies().flatMap((b) => b.contacts)).toEqual(["+16315551000", "+16315551003"])
    }))

  it.effect("checkBatch fails with InputError on such input and sends nothing", () =>
    Effect.gen(function*() {
      const server = legacyServer()
      const error = yield* Effect.flip(Check.checkBatch(["+16315551000", "a/b"]).pipe(Effect.provide(server.layer)))
      expect(error).toMatchObject({ _tag: "InputError", field: "contacts" })
      expect(server.requests).toHaveLength(0)
    }))
})

describe("a consumer that stops early", () => {
  it.effect("Stream.take(5) of 10,000 inputs sends only the first few batches", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 10_000 }, (_, i) => `+1631555${pad(i)}`)
      const server = legacyServer(10)
      const results = yield* collect(server, Check.checkStream(inputs, { batchSize: 100, concurrency: 2, rateLimit: false }).pipe(Stream.take(5)))
      expect(results.map((r) => r.input)).toEqual(inputs.slice(0, 5))
      expect(server.requests.length).toBeLessThanOrEqual(4)
    }))

  it.effect("a stream source is consumed lazily as well", () =>
    Effect.gen(function*() {
      let pulled = 0
      const source = Stream.fromIterable(Array.from({ length: 10_000 }, (_, i) => `+1631555${pad(i)}`)).pipe(
        Stream.tap(() => Effect.sync(() => pulled++))
      )
      const server = legacyServer()
      const results = yield* collect(server, Check.checkStream(source, { batchSize: 100, concurrency: 1, rateLimit: false }).pipe(Stream.take(3)))
      expect(results).toHaveLength(3)
      expect(pulled).toBeLessThan(10_000)
    }))
})

describe("rate limit and concurrency together", () => {
  it.effect("requests held back by the concurrency bound do not burst past the bucket when they are let go", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 200 }, (_, i) => `+1631555${pad(i)}`)
      // The first requests stall for a second, so later batches queue up behind the bound.
      const server = fromFunction((request, index) =>
        Effect.as(
          Effect.sleep(index < 4 ? 1_000 : 1),
          checkAnswer(request, (input) => ({ status: "valid", wa_id: digits(input) }), { version: "2.41.3" })
        )
      )
      const results = yield* collect(
        server,
        Check.checkStream(inputs, { batchSize: 1, concurrency: 4, rateLimit: { requestsPerSecond: 20, burst: 60 } })
      )
      expect(results).toHaveLength(200)
      const times = server.requests.map((r) => r.at)
      for (let i = 0; i < times.length; i++) {
        for (let j = i + 1; j < times.length; j++) {
          expect(j - i).toBeLessThanOrEqual(59 + (times[j]! - times[i]!) / 50)
        }
      }
    }))
})

describe("bulk check of an array: the first request leaves before the whole list is read", () => {
  it.effect("20,000 inputs given as an array: the first batch is sent after reading about one batch", () =>
    Effect.gen(function*() {
      const inputs = Array.from({ length: 20_000 }, (_, i) => `+1631${String(1_000_000 + i).padStart(7, "0")}`)
      const { inputs: counted, server, readAtFirstRequest: readAt } = countedArray(inputs)
      const results = yield* collect(server, Check.checkStream(counted, { batchSize: 500, rateLimit: false }))
      expect(results).toHaveLength(20_000)
      // Preparing every input before the first batch held the first request back 0.2–0.6 s at 100k.
      expect(readAt()).toBeLessThanOrEqual(2 * 500)
    }))
})
