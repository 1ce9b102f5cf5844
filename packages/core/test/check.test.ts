/**
 * Spec §2 "Check contacts": the vendor's sample exchange read under each semantics, and the
 * `no_wait` recipe (re-send only what is still `processing`, without force_check, with back-off,
 * until a deadline after which the rest is reported as processing).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Check, ContactsConfig, CheckResult, Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import { checkAnswer, contactsOf, fromFunction, json, type Scripted } from "./support/ScriptedTransport.ts"
import { vendorBody } from "./support/vectors.ts"

const sample = vendorBody("check_response_legacy_sample")
const sampleInputs = (sample.body as { contacts: Array<{ input: string }> }).contacts.map((c) => c.input)

/** Run `effect` against `scripted` with `config`, moving the test clock until it is done. */
const run = <A, E>(
  scripted: Scripted,
  effect: Effect.Effect<A, E, Transport.Transport>,
  config: ContactsConfig.ContactsConfigShape = {}
) => runClocked(effect.pipe(Effect.provide(scripted.layer), Effect.provideService(ContactsConfig.ContactsConfig, config)))

/** The vendor's sample answer to every request (no meta). */
const sampleServer = () => fromFunction(() => json(200, sample.body))

const byInput = (results: ReadonlyArray<CheckResult.CheckResult>) => new Map(results.map((r) => [r.input, r]))

describe("the vendor's sample exchange under each semantics", () => {
  const options = { maxWait: 0 }

  it.effect("legacy (configured 2.41.3): WhatsApp user with a trusted wa_id, no account, failed, processing", () =>
    Effect.gen(function*() {
      const results = byInput(yield* run(sampleServer(), Check.checkBatch(sampleInputs, options), { apiVersion: "2.41.3", registeredNumber: "+1 631 555 0000" }))
      expect(results.get("16315551000")).toMatchObject({ _tag: "WhatsAppUser", waId: "16315551000", semantics: "legacy", translated: "+16315551000" })
      expect(results.get("+1 631 555 1001")).toMatchObject({ _tag: "Processing", waIdHint: { _tag: "UntrustedWaId", hint: "16315551001" } })
      expect(results.get("6315551002")).toMatchObject({ _tag: "NotWhatsAppUser", anomaly: false, translated: "+16315551002" })
      expect(results.get("+163155588")).toMatchObject({ _tag: "Failed", cause: "server" })
      expect(CheckResult.waIdOf(results.get("16315551000")!)).toEqual({ waId: "16315551000", trusted: true })
      expect(results.get("+163155588")!.warnings.map((w) => w.code)).toContain("TOO_SHORT")
    }))

  it.effect("repurposed (configured 2.45.1): valid proves nothing, the wa_id is only an untrusted hint, invalid is an anomaly", () =>
    Effect.gen(function*() {
      const results = byInput(yield* run(sampleServer(), Check.checkBatch(sampleInputs, options), { apiVersion: "2.45.1" }))
      const valid = results.get("16315551000")!
      expect(valid).toMatchObject({ _tag: "Checked", waIdHint: { _tag: "UntrustedWaId", hint: "16315551000" }, semantics: "repurposed" })
      expect("waId" in valid).toBe(false)
      expect(CheckResult.waIdOf(valid)).toEqual({ waId: "16315551000", trusted: false })
      expect(results.get("6315551002")).toMatchObject({ _tag: "NotWhatsAppUser", anomaly: true })
      expect(CheckResult.isAnomaly(results.get("6315551002")!)).toBe(true)
      expect(results.get("+163155588")).toMatchObject({ _tag: "Failed", cause: "server" })
      expect(results.get("+1 631 555 1001")).toMatchObject({ _tag: "Processing" })
    }))

  it.effect("unknown (no meta, nothing configured): read conservatively, like repurposed", () =>
    Effect.gen(function*() {
      const results = byInput(yield* run(sampleServer(), Check.checkBatch(sampleInputs, options)))
      expect(results.get("16315551000")).toMatchObject({ _tag: "Checked", semantics: "unknown", waIdHint: { hint: "16315551000" } })
      expect(results.get("6315551002")).toMatchObject({ _tag: "NotWhatsAppUser", anomaly: true, semantics: "unknown" })
      expect(CheckResult.waIdOf(results.get("16315551000")!).trusted).toBe(false)
    }))

  it.effect("without configuration, meta.version of the response decides", () =>
    Effect.gen(function*() {
      const withMeta = vendorBody("check_response_with_meta")
      const [result] = yield* run(fromFunction(() => json(200, withMeta.body)), Check.checkBatch(["6315551002"]))
      expect(result).toMatchObject({ _tag: "Checked", semantics: "repurposed", waIdHint: { hint: "16315551002" } })
      const legacy = fromFunction((request) => checkAnswer(request, () => ({ status: "valid", wa_id: "16315551002" }), { version: "2.41.3" }))
      const [trusted] = yield* run(legacy, Check.checkBatch(["6315551002"]))
      expect(trusted).toMatchObject({ _tag: "WhatsAppUser", semantics: "legacy" })
    }))

  it.effect("explicit configuration beats meta.version", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "valid", wa_id: "16315551002" }), { version: "2.41.3" }))
      const [result] = yield* run(server, Check.checkBatch(["+16315551002"]), { apiVersion: "v2.45.1" })
      expect(result).toMatchObject({ _tag: "Checked", semantics: "repurposed" })
    }))

  it.effect("a legacy `valid` without a wa_id is not a WhatsApp user", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "valid" }), { version: "2.41.3" }))
      const [result] = yield* run(server, Check.checkBatch(["+16315551002"]))
      expect(result?._tag).toBe("Failed")
    }))

  it.effect("an input the server left out of its answer is Failed with cause missing", () =>
    Effect.gen(function*() {
      const server = fromFunction(() => json(200, { contacts: [{ input: "+16315551000", status: "valid", wa_id: "16315551000" }] }))
      const results = yield* run(server, Check.checkBatch(["+16315551000", "+16315551001"]), { apiVersion: "2.41.3" })
      expect(results.map((r) => r._tag)).toEqual(["WhatsAppUser", "Failed"])
      expect(results[1]).toMatchObject({ cause: "missing" })
    }))
})

describe("the first request (spec §2 request fields)", () => {
  it.effect("no_wait and force_check false by default; the inputs are sent as given", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "failed" })))
      yield* run(server, Check.checkBatch(["+1 (631) 555-1004", "1-631-555-1005"]))
      expect(server.requests[0]!.request).toMatchObject({ method: "POST", path: "/v1/contacts" })
      expect(server.requests[0]!.request.body).toEqual({ blocking: "no_wait", contacts: ["+1 (631) 555-1004", "1-631-555-1005"], force_check: false })
    }))

  it.effect("blocking wait and force_check are passed through", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "failed" })))
      yield* run(server, Check.checkBatch(["+16315551000"], { blocking: "wait", forceCheck: true }))
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0]!.request.body).toEqual({ blocking: "wait", contacts: ["+16315551000"], force_check: true })
    }))

  it.effect("identical inputs are sent once and each gets its result", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "valid", wa_id: "1" }), { version: "2.41.3" }))
      const results = yield* run(server, Check.checkBatch(["+16315551000", "+16315551000"]))
      expect(contactsOf(server.requests[0]!.request)).toEqual(["+16315551000"])
      expect(results.map((r) => r._tag)).toEqual(["WhatsAppUser", "WhatsAppUser"])
      expect(results[1]!.warnings.map((w) => w.code)).toContain("DUPLICATE")
    }))

  it.effect("another format of the same number is not sent again: it shares the answer", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "valid", wa_id: "16315551000" }), { version: "2.41.3" }))
      const results = yield* run(server, Check.checkBatch(["+1 631 555 1000", "+16315551000", "(631) 555-1000"]), { registeredNumber: "+1 631 555 0000" })
      expect(server.checkBodies().map((b) => b.contacts)).toEqual([["+1 631 555 1000"]])
      expect(results.map((r) => [r.input, r._tag])).toEqual([
        ["+1 631 555 1000", "WhatsAppUser"],
        ["+16315551000", "WhatsAppUser"],
        ["(631) 555-1000", "WhatsAppUser"]
      ])
    }))

  it.effect("an empty batch sends nothing", () =>
    Effect.gen(function*() {
      const server = fromFunction((request) => checkAnswer(request, () => ({ status: "failed" })))
      expect(yield* run(server, Check.checkBatch([]))).toEqual([])
      expect(server.requests).toHaveLength(0)
    }))
})

/**
 * A server on which input `i` is `processing` for its first `polls(input)` answers, then `valid`.
 * A negative count never finishes.
 */
const slowServer = (polls: (input: string) => number) => {
  const seen = new Map<string, number>()
  return fromFunction((request) =>
    checkAnswer(request, (input) => {
      const n = (seen.get(input) ?? 0) + 1
      seen.set(input, n)
      const need = polls(input)
      return need < 0 || n <= need ? { status: "processing" } : { status: "valid", wa_id: input.replace(/\D/g, "") }
    }, { version: "2.41.3" })
  )
}

describe("the no_wait recipe: polling", () => {
  const polls: Record<string, number> = { "+16315551000": 0, "+16315551001": 1, "+16315551002": 3 }
  const inputs = Object.keys(polls)

  it.effect("resolves after N polls, re-sending only what is still processing, without force_check", () =>
    Effect.gen(function*() {
      const server = slowServer((input) => polls[input] ?? 0)
      const stats = new Check.CheckStats()
      const results = yield* run(server, Check.checkBatch(inputs, { forceCheck: true, stats }))
      expect(results.map((r) => r._tag)).toEqual(["WhatsAppUser", "WhatsAppUser", "WhatsAppUser"])
      const bodies = server.checkBodies()
      expect(bodies.map((b) => b.contacts)).toEqual([
        inputs,
        ["+16315551001", "+16315551002"],
        ["+16315551002"],
        ["+16315551002"]
      ])
      expect(bodies[0]).toMatchObject({ force_check: true })
      for (const body of bodies.slice(1)) expect(body).toMatchObject({ force_check: false, blocking: "no_wait" })
      expect(stats.polls).toBe(4)
      expect(stats.contactsSent).toBe(7)
    }))

  it.effect("backs off: the delay between re-sends grows", () =>
    Effect.gen(function*() {
      const server = slowServer(() => 5)
      yield* run(server, Check.checkBatch(["+16315551000"], { poll: { initialDelay: "200 millis", factor: 2, maxDelay: "1 second" } }))
      const times = server.requests.map((r) => r.at)
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(gaps).toEqual([200, 400, 800, 1000, 1000])
    }))

  it.effect("at the deadline it stops; what is still processing is reported as Processing, nothing lost", () =>
    Effect.gen(function*() {
      const server = slowServer((input) => (input === "+16315551002" ? -1 : 0))
      const fiber = yield* Effect.forkChild(
        Check.checkBatch(["+16315551000", "+16315551002", "+16315551003"], { maxWait: "3 seconds" }).pipe(Effect.provide(server.layer))
      )
      yield* TestClock.adjust(3_000)
      const results = yield* Fiber.join(fiber)
      expect(results.map((r) => [r.input, r._tag])).toEqual([
        ["+16315551000", "WhatsAppUser"],
        ["+16315551002", "Processing"],
        ["+16315551003", "WhatsAppUser"]
      ])
      const last = server.requests.at(-1)!
      expect(last.at).toBeLessThanOrEqual(3_000)
      expect(server.requests.length).toBeGreaterThan(2)
      // 0, 500, 1250, 2375, then the deadline itself.
      expect(server.requests.map((r) => r.at)).toEqual([0, 500, 1250, 2375, 3000])
    }))

  it.effect("checkStream polls the same way", () =>
    Effect.gen(function*() {
      const server = slowServer((input) => polls[input] ?? 0)
      const results = yield* run(server, Stream.runCollect(Check.checkStream(inputs, { rateLimit: false })))
      expect(results.map((r) => r._tag)).toEqual(["WhatsAppUser", "WhatsAppUser", "WhatsAppUser"])
      expect(server.checkBodies().map((b) => b.contacts.length)).toEqual([3, 2, 1, 1])
    }))

  it.effect("checkStream at the deadline reports Processing", () =>
    Effect.gen(function*() {
      const server = slowServer(() => -1)
      const results = yield* run(server, Stream.runCollect(Check.checkStream(inputs, { rateLimit: false, maxWait: "2 seconds" })))
      expect(results.map((r) => r._tag)).toEqual(["Processing", "Processing", "Processing"])
      expect(server.requests.at(-1)!.at).toBeLessThanOrEqual(2_000)
    }))
})
