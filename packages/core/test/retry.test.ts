/**
 * Spec §1 and §5 "retry?": 429 and 503 are transient (honour `Retry-After`), 500 is retried a few
 * times for idempotent calls only, `report` is never repeated when the server may have processed
 * it, non-transient errors are not retried, and retries are capped.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Check, ContactsConfig, Blocking, Identity, Report, Errors, Policy, Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import { apiError, checkAnswer, failure, fromFunction, fromQueue, json, text, type Scripted } from "./support/ScriptedTransport.ts"

const ok = json(200, {})
const checked = (request: Transport.TransportRequest) => checkAnswer(request, () => ({ status: "valid", wa_id: "16315551000" }), { version: "2.41.3" })

/** Run `effect` against `scripted`, moving the test clock until it is done; its exit. */
const runToEnd = <A, E>(scripted: Scripted, effect: Effect.Effect<A, E, Transport.Transport>) =>
  runClocked(Effect.exit(Effect.provide(effect, scripted.layer)))

describe("429 and Retry-After", () => {
  it.effect("the retry waits at least Retry-After: no second request before 3 s", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([apiError(429, 1015, "Too many requests", "", { "retry-after": "3" }), ok])
      const fiber = yield* Effect.forkChild(Effect.provide(Blocking.unblock("+16315551000"), scripted.layer))
      yield* TestClock.adjust(2_999)
      expect(scripted.requests).toHaveLength(1)
      yield* TestClock.adjust(1)
      yield* Fiber.join(fiber)
      expect(scripted.requests).toHaveLength(2)
      expect(scripted.requests[1]!.at - scripted.requests[0]!.at).toBeGreaterThanOrEqual(3_000)
    }))

  it.effect("a Retry-After longer than maxDelay still wins", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([apiError(429, 1015, "Too many requests", "", { "retry-after": "30" }), ok])
      const fiber = yield* Effect.forkChild(
        Effect.provide(Blocking.unblock("+16315551000"), scripted.layer).pipe(
          Effect.provideService(ContactsConfig.ContactsConfig, { retry: { maxDelay: "1 second" } })
        )
      )
      yield* TestClock.adjust(29_999)
      expect(scripted.requests).toHaveLength(1)
      yield* TestClock.adjust(1)
      yield* Fiber.join(fiber)
      expect(scripted.requests).toHaveLength(2)
    }))

  it.effect("report is retried on 429: the server did not process it", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([apiError(429, 1015, "Too many requests"), ok])
      const exit = yield* runToEnd(scripted, Report.report("+16315551000"))
      expect(exit._tag).toBe("Success")
      expect(scripted.requests).toHaveLength(2)
    }))
})

describe("503 overloaded", () => {
  it.effect("a check is retried after 503 and succeeds", () =>
    Effect.gen(function*() {
      const scripted = fromFunction((request, i) => (i < 2 ? apiError(503, 1016, "System overloaded") : checked(request)))
      const exit = yield* runToEnd(scripted, Check.checkBatch(["+16315551000"]))
      expect(exit._tag).toBe("Success")
      expect(scripted.requests).toHaveLength(3)
    }))

  it.effect("report is retried after 503", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([apiError(503, 1016, "System overloaded"), ok])
      const exit = yield* runToEnd(scripted, Report.report("+16315551000"))
      expect(exit._tag).toBe("Success")
      expect(scripted.requests).toHaveLength(2)
    }))
})

describe("500 internal error: retried for idempotent calls only", () => {
  const idempotent = [
    ["check", Check.checkBatch(["+16315551000"])],
    ["block", Blocking.block("+16315551000")],
    ["unblock", Blocking.unblock("+16315551000")],
    ["identity GET", Identity.getIdentity("16315551000")],
    ["identity PUT", Identity.acknowledgeIdentity("16315551000", "h")]
  ] as const

  it.effect.each(idempotent)("%s is retried after a 500", ([, effect]) =>
    Effect.gen(function*() {
      const scripted = fromFunction((request, i) =>
        i === 0 ? apiError(500, 1014, "Internal error")
        : request.path === "/v1/contacts" ? checked(request)
        : request.path.endsWith("/identity") && request.method === "GET"
        ? json(200, { contacts: { hash: "h", created_timestamp: 1, acknowledged: true } })
        : ok
      )
      const exit = yield* runToEnd(scripted, effect as Effect.Effect<unknown, Errors.ContactsError, Transport.Transport>)
      expect(exit._tag).toBe("Success")
      expect(scripted.requests).toHaveLength(2)
    }))

  it.effect("report is not retried after a 500", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([apiError(500, 1014, "Internal error"), ok])
      const exit = yield* runToEnd(scripted, Report.report("+16315551000"))
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(scripted.requests).toHaveLength(1)
    }))

  it.effect("report is not retried after a proxy's HTML 502; unblock is", () =>
    Effect.gen(function*() {
      const html = text(502, "<html>Bad Gateway</html>")
      const report = fromQueue([html, ok])
      yield* runToEnd(report, Report.report("+16315551000"))
      expect(report.requests).toHaveLength(1)
      const unblock = fromQueue([html, ok])
      const exit = yield* runToEnd(unblock, Blocking.unblock("+16315551000"))
      expect(exit._tag).toBe("Success")
      expect(unblock.requests).toHaveLength(2)
    }))
})

describe("transport failures", () => {
  it.effect("report is not retried when the request may have reached the server", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([failure("ConnectionReset", { requestSent: true }), ok])
      const exit = yield* runToEnd(scripted, Report.report("+16315551000"))
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(scripted.requests).toHaveLength(1)
    }))

  it.effect("report is retried when the request surely never left (connection refused)", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([failure("ConnectionRefused", { requestSent: false }), ok])
      const exit = yield* runToEnd(scripted, Report.report("+16315551000"))
      expect(exit._tag).toBe("Success")
      expect(scripted.requests).toHaveLength(2)
    }))

  it.effect("an idempotent call is retried after a reset with the request sent", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([failure("ConnectionReset", { requestSent: true }), ok])
      const exit = yield* runToEnd(scripted, Blocking.block("+16315551000"))
      expect(exit._tag).toBe("Success")
      expect(scripted.requests).toHaveLength(2)
    }))

  it.effect("a failure that is not retryable (TLS) is not retried", () =>
    Effect.gen(function*() {
      const scripted = fromQueue([failure("Tls", { retryable: false }), ok])
      const exit = yield* runToEnd(scripted, Blocking.block("+16315551000"))
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(scripted.requests).toHaveLength(1)
    }))
})

describe("non-transient errors are not retried", () => {
  it.effect.each([
    ["400 / 1009", apiError(400, 1009, "Parameter value is not valid"), "InvalidParameter"],
    ["400 / 2048", apiError(400, 2048, "Not engaged contact"), "NotEngaged"],
    ["401 / 1005", apiError(401, 1005, "Access denied"), "Unauthorized"],
    ["404 / 1006", apiError(404, 1006, "Resource not found"), "NotFound"],
    ["500 / 1000", apiError(500, 1000, "Generic error"), "ApiError"]
  ] as const)("%s fails at once with its error", ([, response, tag]) =>
    Effect.gen(function*() {
      const scripted = fromQueue([response, ok])
      const exit = yield* runToEnd(scripted, Blocking.block("+16315551000"))
      expect(scripted.requests).toHaveLength(1)
      expect(exit).toMatchObject({ _tag: "Failure" })
      const error = yield* Effect.flip(Effect.provide(Blocking.block("+16315551000"), fromQueue([response]).layer))
      expect(error._tag).toBe(tag)
    }))
})

describe("retries are capped", () => {
  it.effect("by default 5 retries: 6 requests, then the last error", () =>
    Effect.gen(function*() {
      const scripted = fromFunction(() => apiError(503, 1016, "System overloaded"))
      const exit = yield* runToEnd(scripted, Blocking.unblock("+16315551000"))
      expect(scripted.requests).toHaveLength(6)
      expect(exit).toMatchObject({ _tag: "Failure" })
      const error = yield* Effect.flip(Effect.provide(Blocking.unblock("+1"), fromFunction(() => apiError(400, 1009, "x")).layer))
      expect(error._tag).toBe("InvalidParameter")
    }))

  it.effect("the cap is configurable: retry.times 2 → 3 requests", () =>
    Effect.gen(function*() {
      const scripted = fromFunction(() => apiError(500, 1014, "Internal error"))
      const exit = yield* runToEnd(
        scripted,
        Blocking.unblock("+16315551000").pipe(Effect.provideService(ContactsConfig.ContactsConfig, { retry: { times: 2 } }))
      )
      expect(scripted.requests).toHaveLength(3)
      expect(exit).toMatchObject({ _tag: "Failure" })
    }))

  it.effect("back-off grows between retries and stays under maxDelay", () =>
    Effect.gen(function*() {
      const scripted = fromFunction(() => apiError(503, 1016, "System overloaded"))
      yield* runToEnd(
        scripted,
        Blocking.unblock("+16315551000").pipe(
          Effect.provideService(ContactsConfig.ContactsConfig, { retry: { times: 5, baseDelay: "100 millis", maxDelay: "1 second" } })
        )
      )
      const gaps = scripted.requests.slice(1).map((r, i) => r.at - scripted.requests[i]!.at)
      expect(gaps).toHaveLength(5)
      // 100, 200, 400, 800 ms with ±20 % jitter, then capped at 1 s.
      expect(gaps[0]).toBeGreaterThanOrEqual(80)
      expect(gaps[0]).toBeLessThanOrEqual(120)
      expect(gaps[2]!).toBeGreaterThan(gaps[0]!)
      for (const gap of gaps) expect(gap).toBeLessThanOrEqual(1_000)
    }))

  it.effect("the stats count only retries that happened", () =>
    Effect.gen(function*() {
      const stats = new Check.CheckStats()
      const scripted = fromFunction((request, i) => (i === 0 ? apiError(429, 1015, "Too many requests") : i === 1 ? apiError(400, 1009, "x") : checked(request)))
      const exit = yield* runToEnd(scripted, Check.checkBatch(["+16315551000"], { stats }))
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(scripted.requests).toHaveLength(2)
      expect(stats.requests).toBe(2)
      expect(stats.retries).toBe(1)
      expect(stats.retriedErrors).toEqual({ RateLimited: 1 })
    }))
})

describe("Policy.isTransient", () => {
  const fields = { status: 500, code: 1014, title: "t", details: "" }
  it("names what may be repeated", () => {
    expect(Policy.isTransient(new Errors.InternalError(fields), "idempotent")).toBe(true)
    expect(Policy.isTransient(new Errors.InternalError(fields), "not-idempotent")).toBe(false)
    expect(Policy.isTransient(new Errors.RateLimited({ ...fields, status: 429, code: 1015 }), "not-idempotent")).toBe(true)
    expect(Policy.isTransient(new Errors.NotEngaged({ ...fields, status: 400, code: 2048 }), "idempotent")).toBe(false)
    expect(Policy.isTransient(Errors.malformed(404, "<html>"), "idempotent")).toBe(false)
    expect(Policy.isTransient(new Errors.InputError({ field: "f", input: "", message: "m" }), "idempotent")).toBe(false)
  })
})
