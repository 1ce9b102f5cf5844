import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Simulator, SimulatorTransport } from "../src/index.ts"
import { check, errorOf, jsonOf, send } from "./helpers.ts"

const sim = SimulatorTransport.layer({})
const blocklist = send({ method: "GET", path: "/v1/contacts/blocklist" })
const setFaults = (patch: Parameters<Simulator.SimulatorShape["setFaults"]>[0]) =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    return yield* simulator.setFaults(patch)
  })

describe("rate limit: 20 requests/s with bursts of 60, then 429 / 1015 with Retry-After (spec §1)", () => {
  it.effect("is off in-process by default", () =>
    Effect.gen(function*() {
      const statuses = yield* Effect.forEach(Array.from({ length: 100 }), () => Effect.map(blocklist, (r) => r.status))
      expect(statuses.every((s) => s === 200)).toBe(true)
    }).pipe(Effect.provide(sim)))

  it.effect("a burst of 60 passes, the 61st is limited; 50 ms later one more passes", () =>
    Effect.gen(function*() {
      const statuses = yield* Effect.forEach(Array.from({ length: 61 }), () => Effect.map(blocklist, (r) => r.status))
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true)
      const limited = yield* blocklist
      expect(limited.status).toBe(429)
      expect(limited.headers["retry-after"]).toBe("1")
      expect(errorOf(jsonOf(limited))).toMatchObject({ code: 1015, title: "Too many requests" })
      expect(statuses[60]).toBe(429)
      yield* TestClock.adjust(50)
      expect((yield* blocklist).status).toBe(200)
      expect((yield* blocklist).status).toBe(429)
      // Sustained: 20 per second.
      yield* TestClock.adjust(1000)
      const next = yield* Effect.forEach(Array.from({ length: 21 }), () => Effect.map(blocklist, (r) => r.status))
      expect(next.filter((s) => s === 200).length).toBe(20)
    }).pipe(Effect.provide(SimulatorTransport.layer({ rateLimit: { requestsPerSecond: 20, burst: 60 } }))))

  it.effect("Retry-After says how many seconds until a token is back", () =>
    Effect.gen(function*() {
      expect((yield* blocklist).status).toBe(200)
      const limited = yield* blocklist
      expect(limited.status).toBe(429)
      expect(limited.headers["retry-after"]).toBe("4")
    }).pipe(Effect.provide(SimulatorTransport.layer({ rateLimit: { requestsPerSecond: 0.25, burst: 1 } }))))

  it.effect("can be switched on and off with the rate_limit fault", () =>
    Effect.gen(function*() {
      yield* setFaults({ rateLimit: { requestsPerSecond: 1, burst: 2 } })
      const statuses = yield* Effect.forEach(Array.from({ length: 3 }), () => Effect.map(blocklist, (r) => r.status))
      expect(statuses).toEqual([200, 200, 429])
      yield* setFaults({ rateLimit: false })
      expect((yield* blocklist).status).toBe(200)
    }).pipe(Effect.provide(sim)))

  it.effect("login is not rate limited", () =>
    Effect.gen(function*() {
      yield* Effect.forEach(Array.from({ length: 2 }), () => blocklist)
      expect((yield* blocklist).status).toBe(429)
      const login = yield* send({ method: "POST", path: "/v1/users/login" })
      expect(login.status).toBe(401)
    }).pipe(Effect.provide(SimulatorTransport.layer({ rateLimit: { requestsPerSecond: 1, burst: 2 } }))))
})

describe("faults: the next N requests overloaded, malformed, dropped or slow", () => {
  it.effect("overloaded_next: N answers 503 / 1016, then normal service", () =>
    Effect.gen(function*() {
      yield* setFaults({ overloadedNext: 2 })
      for (let i = 0; i < 2; i++) {
        const r = yield* blocklist
        expect(r.status).toBe(503)
        expect(errorOf(jsonOf(r))).toMatchObject({ code: 1016, title: "System overloaded" })
      }
      expect((yield* blocklist).status).toBe(200)
    }).pipe(Effect.provide(sim)))

  it.effect("malformed_next: an HTML page, truncated JSON, an empty 502, in turn", () =>
    Effect.gen(function*() {
      yield* setFaults({ malformedNext: 4 })
      const [html, truncated, empty, again] = yield* Effect.forEach(Array.from({ length: 4 }), () => blocklist)
      expect(html!.status).toBe(502)
      expect(html!.headers["content-type"]).toBe("text/html")
      expect(html!.body).toMatchObject({ _tag: "Text", text: expect.stringContaining("<html>") })
      expect(truncated!.status).toBe(200)
      expect(truncated!.body._tag).toBe("Text")
      if (truncated!.body._tag !== "Text") throw new Error("unreachable")
      expect(() => JSON.parse((truncated!.body as { text: string }).text)).toThrow()
      expect(truncated!.body.text.startsWith("{\"meta\"")).toBe(true)
      expect(empty).toMatchObject({ status: 502, body: { _tag: "Text", text: "" } })
      expect(again!.status).toBe(502)
      expect(again!.headers["content-type"]).toBe("text/html")
      expect((yield* blocklist).status).toBe(200)
    }).pipe(Effect.provide(sim)))

  it.effect("dropped_next: the in-process transport fails with a retryable ConnectionReset, request sent", () =>
    Effect.gen(function*() {
      yield* setFaults({ droppedNext: 1 })
      const error = yield* Effect.flip(blocklist)
      expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", retryable: true, requestSent: true })
      expect((yield* blocklist).status).toBe(200)
      const simulator = yield* Simulator.Simulator
      expect((yield* simulator.state).responsesByStatus).toEqual({ dropped: 1, 200: 1 })
    }).pipe(Effect.provide(sim)))

  it.effect("slow_next: answered after slow_ms on the Clock", () =>
    Effect.gen(function*() {
      yield* setFaults({ slowNext: 1, slowDelay: 3000 })
      const fiber = yield* Effect.forkChild(blocklist)
      yield* TestClock.adjust(2999)
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      expect((yield* Fiber.join(fiber)).status).toBe(200)
      // Only the next one was slow.
      const fast = yield* Effect.forkChild(blocklist)
      yield* TestClock.adjust(0)
      expect(fast.pollUnsafe()).toBeDefined()
    }).pipe(Effect.provide(sim)))

  it.effect("lookup_latency_ms changes how long new lookups take", () =>
    Effect.gen(function*() {
      yield* setFaults({ lookupLatency: 0 })
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
      yield* setFaults({ lookupLatency: 10_000 })
      expect((yield* check(["+16315551001"])).body.contacts[0].status).toBe("processing")
      yield* TestClock.adjust(9_999)
      expect((yield* check(["+16315551001"])).body.contacts[0].status).toBe("processing")
      yield* TestClock.adjust(1)
      expect((yield* check(["+16315551001"])).body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(sim)))

  it.effect("faults take precedence in order: dropped, overloaded, malformed", () =>
    Effect.gen(function*() {
      const faults = yield* setFaults({ droppedNext: 1, overloadedNext: 1, malformedNext: 1 })
      expect(faults).toMatchObject({ droppedNext: 1, overloadedNext: 1, malformedNext: 1, slowNext: 0 })
      expect((yield* Effect.flip(blocklist))._tag).toBe("TransportError")
      expect((yield* blocklist).status).toBe(503)
      expect((yield* blocklist).status).toBe(502)
      expect((yield* blocklist).status).toBe(200)
    }).pipe(Effect.provide(sim)))
})

describe("malformed requests and unknown routes never crash the server", () => {
  it.effect("a body over the size limit → 400 / 1009", () =>
    Effect.gen(function*() {
      const r = yield* send({ method: "POST", path: "/v1/contacts", body: { contacts: ["+16315551000"], pad: "x".repeat(2000) } })
      expect(r.status).toBe(400)
      expect(errorOf(jsonOf(r)).code).toBe(1009)
    }).pipe(Effect.provide(SimulatorTransport.layer({ maxBodyBytes: 1024 }))))

  it.effect("an unknown route → 404 / 1006 with the envelope; a wrong method → 405", () =>
    Effect.gen(function*() {
      for (const path of ["/v1/nothing", "/v2/contacts", "/", "/v1/contacts/%2B16315551000/frobnicate"]) {
        const r = yield* send({ method: "GET", path })
        expect(r.status).toBe(404)
        const body = jsonOf(r)
        expect(body.meta).toEqual({ api_status: "stable", version: "2.41.3" })
        expect(errorOf(body).code).toBe(1006)
      }
      const wrong = yield* send({ method: "GET", path: "/v1/contacts" })
      expect(wrong.status).toBe(405)
      expect(errorOf(jsonOf(wrong)).code).toBe(1000)
      expect((yield* send({ method: "DELETE", path: "/v1/contacts/blocklist" })).status).toBe(405)
    }).pipe(Effect.provide(sim)))

  it.effect("a trailing slash is accepted on every route", () =>
    Effect.gen(function*() {
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist/" })).status).toBe(200)
      expect((yield* send({ method: "POST", path: "/v1/contacts/", body: { contacts: ["+16315551000"] } })).status).toBe(200)
    }).pipe(Effect.provide(sim)))
})

describe("control in code: advanceClock and state", () => {
  it.effect("advanceClock moves the simulator's time (lookups finish, engagement ends)", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      yield* check(["+16315551000"])
      yield* simulator.advanceClock("1 second")
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
      yield* simulator.recordInbound("+16315551000")
      yield* simulator.advanceClock("25 hours")
      const late = yield* send({ method: "POST", path: "/v1/contacts/%2B16315551000/block" })
      expect(errorOf(jsonOf(late)).code).toBe(2048)
    }).pipe(Effect.provide(sim)))

  it.effect("state counts users, cached results, blocklist, reports, requests per route and responses per status", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      expect(yield* simulator.addUsers([{ number: "+447911123456" }, { number: "+5511912345678", waId: "551112345678" }])).toBe(2)
      yield* simulator.recordInbound("+16315551000")
      yield* check(["+16315551000", "+16315551001"])
      yield* TestClock.adjust(500)
      yield* send({ method: "POST", path: "/v1/contacts/%2B16315551000/report", body: { block: true } })
      yield* send({ method: "POST", path: "/v1/contacts/%2B16315551001/block" })
      yield* send({ method: "GET", path: "/v1/nope" })
      const state = yield* simulator.state
      expect(state).toMatchObject({ users: 8, cachedResults: 2, blocklist: 1, reports: 1, inboundMessages: 1, contactsChecked: 2, lookupsStarted: 2 })
      expect(state.requestsByRoute).toEqual({
        "POST /v1/contacts": 1,
        "POST /v1/contacts/{phone}/report": 1,
        "POST /v1/contacts/{phone}/block": 1,
        unknown: 1
      })
      expect(state.responsesByStatus).toEqual({ 200: 2, 400: 1, 404: 1 })
    }).pipe(Effect.provide(sim)))

  it.effect("addUsers is all or nothing: one impossible number adds none", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const error = yield* Effect.flip(simulator.addUsers([{ number: "+447911123456" }, { number: "+163155588" }]))
      expect(error.message).toContain("+163155588")
      expect((yield* simulator.state).users).toBe(6)
    }).pipe(Effect.provide(sim)))

  it.effect("a configuration whose directory holds an impossible number fails to build", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(blocklist, SimulatorTransport.layer({ users: [{ number: "+1" }] })))
      expect(error._tag).toBe("SimulatorError")
    }))
})

describe("control in code: advanceClock wakes requests that wait", () => {
  it.effect("a wait check returns as soon as advanceClock passes its lookups' latency", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const fiber = yield* Effect.forkChild(check(["+16315551000"], { blocking: "wait" }))
      yield* TestClock.adjust(0)
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* simulator.advanceClock("1 hour")
      const { body } = yield* Fiber.join(fiber)
      expect(body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(SimulatorTransport.layer({ lookupLatency: 3_600_000 }))))
})
