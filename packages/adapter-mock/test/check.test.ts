import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Simulator, SimulatorTransport } from "../src/index.ts"
import { check, checkWaiting, errorOf, send, vendorBodies } from "./helpers.ts"

const legacy = SimulatorTransport.layer({})
const repurposed = SimulatorTransport.layer({ apiVersion: "v2.45.1" })
const sampleRequest = vendorBodies["check_request"]!.body as { contacts: Array<string> }

describe("check contacts: one entry per input, in order (spec §2)", () => {
  it.effect("each entry is {input as sent, status, wa_id?}, in input order, duplicates kept", () =>
    Effect.gen(function*() {
      const inputs = ["+1 (631) 555-1004", "6315551002", "+1 (631) 555-1004", "16315551000"]
      const { status, body } = yield* checkWaiting(inputs)
      expect(status).toBe(200)
      expect(body.meta).toEqual({ api_status: "stable", version: "2.41.3" })
      expect(body.contacts.map((c: any) => c.input)).toEqual(inputs)
      for (const entry of body.contacts) expect(Object.keys(entry).sort()).toEqual(entry.wa_id ? ["input", "status", "wa_id"] : ["input", "status"])
    }).pipe(Effect.provide(legacy)))
})

describe("check contacts: no_wait answers processing until the lookup latency has passed (spec §2)", () => {
  it.effect("the vendor's sample request: processing first (users with their wa_id), final after 500 ms", () =>
    Effect.gen(function*() {
      const first = yield* check(sampleRequest.contacts)
      expect(first.body.contacts).toEqual([
        { input: "16315551000", status: "processing", wa_id: "16315551000" },
        { input: "+1 631 555 1001", status: "processing", wa_id: "16315551001" },
        { input: "6315551002", status: "processing" },
        { input: "+1 (631) 555-1004", status: "processing", wa_id: "16315551004" },
        { input: "1-631-555-1005", status: "processing", wa_id: "16315551005" }
      ])
      yield* TestClock.adjust(499)
      const early = yield* check(sampleRequest.contacts)
      expect(early.body.contacts.every((c: any) => c.status === "processing")).toBe(true)
      yield* TestClock.adjust(1)
      const done = yield* check(sampleRequest.contacts)
      expect(done.body.contacts).toEqual([
        { input: "16315551000", status: "valid", wa_id: "16315551000" },
        { input: "+1 631 555 1001", status: "valid", wa_id: "16315551001" },
        { input: "6315551002", status: "invalid" },
        { input: "+1 (631) 555-1004", status: "valid", wa_id: "16315551004" },
        { input: "1-631-555-1005", status: "valid", wa_id: "16315551005" }
      ])
    }).pipe(Effect.provide(legacy)))

  it.effect("the latency counts from the first request that started the lookup", () =>
    Effect.gen(function*() {
      yield* check(["+16315551000"])
      yield* TestClock.adjust(300)
      // A second request for the same number joins the running lookup instead of restarting it.
      const again = yield* check(["+16315551000"])
      expect(again.body.contacts[0].status).toBe("processing")
      yield* TestClock.adjust(200)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(legacy)))

  it.effect("the latency is configurable", () =>
    Effect.gen(function*() {
      yield* check(["+16315551000"])
      yield* TestClock.adjust(1999)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("processing")
      yield* TestClock.adjust(1)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(SimulatorTransport.layer({ lookupLatency: 2000 }))))
})

describe("check contacts: wait answers once every lookup has finished (spec §2)", () => {
  it.effect("a wait request sleeps on the Clock until the latency has passed", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(check(["+16315551000", "+16315559999"], { blocking: "wait" }))
      yield* TestClock.adjust(499)
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(1)
      const { body } = yield* Fiber.join(fiber)
      expect(body.contacts).toEqual([
        { input: "+16315551000", status: "valid", wa_id: "16315551000" },
        { input: "+16315559999", status: "invalid" }
      ])
    }).pipe(Effect.provide(legacy)))

  it.effect("a wait request for cached numbers answers at once", () =>
    Effect.gen(function*() {
      yield* check(["+16315551000"])
      yield* TestClock.adjust(500)
      const { body } = yield* check(["+16315551000"], { blocking: "wait" })
      expect(body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(legacy)))
})

describe("check contacts: the 7-day cache and force_check (spec §2)", () => {
  it.effect("a finished result is answered from the cache for 7 days, then looked up again", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      yield* check(["+16315551000"])
      yield* TestClock.adjust(500)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
      expect((yield* simulator.state).cachedResults).toBe(1)
      yield* TestClock.adjust(7 * 24 * 3600 * 1000 - 1)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
      yield* TestClock.adjust(1)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("processing")
    }).pipe(Effect.provide(legacy)))

  it.effect("the cache is keyed by translated number: other spellings hit it", () =>
    Effect.gen(function*() {
      yield* check(["+1 (631) 555-1000"])
      yield* TestClock.adjust(500)
      const { body } = yield* check(["16315551000", "6315551000", "+1-631-555-1000"])
      expect(body.contacts.map((c: any) => c.status)).toEqual(["valid", "valid", "valid"])
      const state = yield* (yield* Simulator.Simulator).state
      expect(state).toMatchObject({ contactsChecked: 4, lookupsStarted: 1 })
    }).pipe(Effect.provide(legacy)))

  it.effect("force_check skips the cache and starts a new lookup", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      yield* check(["+16315552000"])
      yield* TestClock.adjust(500)
      expect((yield* check(["+16315552000"])).body.contacts[0].status).toBe("invalid")
      // The user joins WhatsApp: the cached answer stays until a forced check.
      yield* simulator.addUsers([{ number: "+16315552000" }])
      expect((yield* check(["+16315552000"])).body.contacts[0].status).toBe("invalid")
      expect((yield* check(["+16315552000"], { force_check: true })).body.contacts[0]).toEqual({
        input: "+16315552000", status: "processing", wa_id: "16315552000"
      })
      yield* TestClock.adjust(500)
      expect((yield* check(["+16315552000"])).body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(legacy)))
})

describe("check contacts: force_check joins a lookup that is still running", () => {
  it.effect("a forced check while the lookup runs does not restart its latency", () =>
    Effect.gen(function*() {
      yield* check(["+16315551000"])
      yield* TestClock.adjust(400)
      expect((yield* check(["+16315551000"], { force_check: true })).body.contacts[0].status).toBe("processing")
      yield* TestClock.adjust(100)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(legacy)))
})

describe("check contacts: legacy (< 2.43) and repurposed (>= 2.43) semantics (spec §2)", () => {
  for (const version of ["2.41.3", "v2.41.3", "2.9.0", "1.99.99"]) {
    it.effect(`version ${version} is legacy: users valid with their wa_id, others invalid without one`, () =>
      Effect.gen(function*() {
        const { body } = yield* checkWaiting(["+16315551000", "+16315559999"])
        expect(body.meta.version).toBe(version)
        expect(body.contacts).toEqual([
          { input: "+16315551000", status: "valid", wa_id: "16315551000" },
          { input: "+16315559999", status: "invalid" }
        ])
      }).pipe(Effect.provide(SimulatorTransport.layer({ apiVersion: version }))))
  }

  for (const version of ["2.43.0", "v2.45.1", "2.100.0", "3.0.0"]) {
    it.effect(`version ${version} is repurposed: every finished lookup valid with the digits as wa_id`, () =>
      Effect.gen(function*() {
        const { body } = yield* checkWaiting(["+16315551000", "+16315559999", "+163155588"])
        expect(body.contacts).toEqual([
          { input: "+16315551000", status: "valid", wa_id: "16315551000" },
          { input: "+16315559999", status: "valid", wa_id: "16315559999" },
          { input: "+163155588", status: "failed" }
        ])
      }).pipe(Effect.provide(SimulatorTransport.layer({ apiVersion: version }))))
  }

  it.effect("a user whose wa_id differs from the digits: legacy gives the real wa_id, repurposed the digits", () =>
    Effect.gen(function*() {
      const users = [{ number: "+55 11 91234-5678", waId: "551112345678" }]
      const legacyAnswer = yield* checkWaiting(["+5511912345678"]).pipe(
        Effect.provide(SimulatorTransport.layer({ users }))
      )
      expect(legacyAnswer.body.contacts[0]).toEqual({ input: "+5511912345678", status: "valid", wa_id: "551112345678" })
      const repurposedAnswer = yield* checkWaiting(["+5511912345678"]).pipe(
        Effect.provide(SimulatorTransport.layer({ users, apiVersion: "2.45.1" }))
      )
      expect(repurposedAnswer.body.contacts[0]).toEqual({ input: "+5511912345678", status: "valid", wa_id: "5511912345678" })
    }))

  it.effect("repurposed processing entries carry the digits wa_id", () =>
    Effect.gen(function*() {
      const { body } = yield* check(["+16315559999"])
      expect(body.contacts[0]).toEqual({ input: "+16315559999", status: "processing", wa_id: "16315559999" })
    }).pipe(Effect.provide(repurposed)))
})

describe("check contacts: the default directory and every-number mode", () => {
  it.effect("the default directory holds the six documented users and no one else", () =>
    Effect.gen(function*() {
      const users = ["+16315551000", "+16315551001", "+16315551004", "+16315551005", "+15162837151", "+5491156121008"]
      const others = ["+16315551002", "+16315551003", "+15162837152", "+447911123456"]
      const { body } = yield* checkWaiting([...users, ...others])
      expect(body.contacts.map((c: any) => c.status)).toEqual([...users.map(() => "valid"), ...others.map(() => "invalid")])
      expect(body.contacts.slice(0, 6).map((c: any) => c.wa_id)).toEqual(users.map((u) => u.slice(1)))
    }).pipe(Effect.provide(legacy)))

  it.effect("allUsers makes every possible number a user", () =>
    Effect.gen(function*() {
      const { body } = yield* checkWaiting(["+447911123456", "+919876543210", "+163155588"])
      expect(body.contacts).toEqual([
        { input: "+447911123456", status: "valid", wa_id: "447911123456" },
        { input: "+919876543210", status: "valid", wa_id: "919876543210" },
        { input: "+163155588", status: "failed" }
      ])
    }).pipe(Effect.provide(SimulatorTransport.layer({ allUsers: true }))))
})

describe("check contacts: numbers that are not possible fail at once", () => {
  it.effect("impossible numbers and inputs without digits are failed without waiting", () =>
    Effect.gen(function*() {
      const { body } = yield* check(["+163155588", "hello", "+", "", "12"])
      expect(body.contacts.map((c: any) => c.status)).toEqual(["failed", "failed", "failed", "failed", "failed"])
      expect(body.contacts.every((c: any) => c.wa_id === undefined)).toBe(true)
    }).pipe(Effect.provide(legacy)))
})

describe("check contacts: failed lookups at a seeded rate", () => {
  const run = Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    yield* simulator.setFaults({ lookupFailureRate: 0.5 })
    const inputs = Array.from({ length: 40 }, (_, i) => `+1631555${String(2000 + i)}`)
    const { body } = yield* checkWaiting(inputs).pipe(
      Effect.forkChild,
      Effect.tap(() => TestClock.adjust(500)),
      Effect.flatMap(Fiber.join)
    )
    return body.contacts.map((c: any) => c.status) as Array<string>
  })

  it.effect("the same seed fails the same lookups; failures are reported once, then retried", () =>
    Effect.gen(function*() {
      const a = yield* run.pipe(Effect.provide(SimulatorTransport.layer({ seed: 7 })))
      const b = yield* run.pipe(Effect.provide(SimulatorTransport.layer({ seed: 7 })))
      const c = yield* run.pipe(Effect.provide(SimulatorTransport.layer({ seed: 8 })))
      expect(a).toEqual(b)
      expect(a).not.toEqual(c)
      const failed = a.filter((s) => s === "failed").length
      expect(failed).toBeGreaterThan(8)
      expect(failed).toBeLessThan(32)
      expect(a.filter((s) => s !== "failed").every((s) => s === "invalid")).toBe(true)
    }))

  it.effect("a failed lookup is not cached: the next check looks up again", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      yield* simulator.setFaults({ lookupFailureRate: 1 })
      yield* check(["+16315551000"])
      yield* TestClock.adjust(500)
      expect((yield* check(["+16315551000"])).body.contacts[0]).toEqual({ input: "+16315551000", status: "failed" })
      yield* simulator.setFaults({ lookupFailureRate: 0 })
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("processing")
    }).pipe(Effect.provide(legacy)))
})

describe("check contacts: malformed requests get 400 with 1008/1009", () => {
  const cases: ReadonlyArray<[string, unknown, number]> = [
    ["no body", undefined, 1008],
    ["missing contacts", { blocking: "wait" }, 1008],
    ["contacts not an array", { contacts: "+16315551000" }, 1009],
    ["a contact not a string", { contacts: [16315551000] }, 1009],
    ["empty contacts", { contacts: [] }, 1009],
    ["blocking not wait/no_wait", { contacts: ["+16315551000"], blocking: "later" }, 1009],
    ["force_check not a boolean", { contacts: ["+16315551000"], force_check: "yes" }, 1009],
    ["a body that is an array", [1, 2], 1009],
    ["a body that is null", null, 1009]
  ]
  for (const [name, body, code] of cases) {
    it.effect(`${name} → 400 / ${code}`, () =>
      Effect.gen(function*() {
        const response = yield* send({ method: "POST", path: "/v1/contacts", body })
        expect(response.status).toBe(400)
        if (response.body._tag !== "Json") throw new Error("not JSON")
        const error = errorOf(response.body.value)
        expect(error.code).toBe(code)
        expect(error.title).toBe(code === 1008 ? "Required parameter is missing" : "Parameter value is not valid")
      }).pipe(Effect.provide(legacy)))
  }
})
