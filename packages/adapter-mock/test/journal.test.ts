/**
 * Issue #16 in code: the request journal (ring, dropped count, filters), verification counts per
 * number (re-sends while processing told apart), reset, switching the version while running, and
 * the named scenarios — on the `Simulator` service, driven with `TestClock`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Simulator, SimulatorTransport } from "../src/index.ts"
import { check, contactPost, send } from "./helpers.ts"

const simulator = Simulator.Simulator

describe("the journal lists every API request with what it did", () => {
  it.effect("method, path, body, status, error code, numbers, lookups started, latency; the control surface is not journaled", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      yield* check(["16315551000", "+1 631 555 1001"])
      yield* contactPost("+16315551000", "block", { reason: "spam" })
      yield* sim.state
      const { entries, matched, dropped } = yield* sim.requests()
      expect(matched).toBe(2)
      expect(dropped).toBe(0)
      // Newest first by default.
      const [block, checked] = entries
      expect(checked).toMatchObject({
        id: 1,
        method: "POST",
        path: "/v1/contacts",
        body: { contacts: ["16315551000", "+1 631 555 1001"] },
        status: 200,
        errorCode: null,
        numbers: ["+16315551000", "+16315551001"],
        lookupsStarted: ["+16315551000", "+16315551001"],
        resent: [],
        fault: null,
        latencyMs: 0
      })
      expect(block).toMatchObject({ id: 2, path: "/v1/contacts/%2B16315551000/block", status: 400, errorCode: 2048, numbers: ["+16315551000"] })
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it.effect("no header is kept and a login's new_password is blanked", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const basic = `Basic ${Buffer.from("admin:secret").toString("base64")}`
      yield* send({ method: "POST", path: "/v1/users/login", headers: { authorization: basic }, body: { new_password: "N3w-Secret!" } })
      const { entries } = yield* sim.requests()
      const text = JSON.stringify(entries)
      expect(text).not.toContain("N3w-Secret!")
      expect(text).not.toContain(basic)
      expect(text).not.toContain("Bearer")
      expect(entries[0]!.body).toEqual({ new_password: "[redacted]" })
    }).pipe(Effect.provide(SimulatorTransport.layer({}, { autoAuthorize: false }))))

  it.effect("is a ring of journalSize entries: the oldest go first and are counted as dropped", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      for (let i = 0; i < 5; i++) yield* check([`+1631555100${i}`])
      const { entries, dropped, matched } = yield* sim.requests({ order: "oldest" })
      expect(dropped).toBe(2)
      expect(matched).toBe(3)
      expect(entries.map((e) => e.id)).toEqual([3, 4, 5])
    }).pipe(Effect.provide(SimulatorTransport.layer({ journalSize: 3 }))))

  it.effect("filters by method, path (exact or prefix*), status, number, since; limit; count", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      yield* check(["+16315551000"])
      yield* TestClock.adjust(1000)
      const since = yield* sim.now
      yield* check(["6315551001", "+16315551000"])
      yield* send({ method: "GET", path: "/v1/contacts/blocklist" })
      yield* contactPost("+16315551004", "block")
      expect((yield* sim.requests({ method: "get" })).entries.map((e) => e.path)).toEqual(["/v1/contacts/blocklist"])
      expect((yield* sim.requests({ path: "/v1/contacts" })).matched).toBe(2)
      expect((yield* sim.requests({ path: "/v1/contacts/*" })).matched).toBe(2)
      expect((yield* sim.requests({ status: "400" })).entries.map((e) => e.path)).toEqual(["/v1/contacts/%2B16315551004/block"])
      // A number as written or as the server translates it.
      expect((yield* sim.requests({ number: "1-631-555-1000" })).matched).toBe(2)
      expect((yield* sim.requests({ number: "+16315551001" })).matched).toBe(1)
      expect((yield* sim.requests({ since })).matched).toBe(3)
      expect((yield* sim.requests({ limit: 1 })).entries).toHaveLength(1)
      expect(yield* sim.countRequests({ method: "POST", path: "/v1/contacts" })).toBe(2)
      expect(Exit.isFailure(yield* Effect.exit(sim.countRequests({ number: "12" })))).toBe(true)
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it.effect("counts requests in flight; a request the client gives up on is journaled as abandoned", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const waiting = yield* check(["+16315551000"], { blocking: "wait" }).pipe(Effect.forkChild)
      yield* Effect.yieldNow
      expect((yield* sim.state).inFlight).toBe(1)
      yield* Fiber.interrupt(waiting)
      expect((yield* sim.state).inFlight).toBe(0)
      const [entry] = (yield* sim.requests()).entries
      expect(entry).toMatchObject({ status: "abandoned", numbers: ["+16315551000"], lookupsStarted: ["+16315551000"] })
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it.effect("streams each entry as it is answered", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const collected = yield* Stream.runCollect(Stream.take(sim.journal, 2)).pipe(Effect.forkChild)
      yield* Effect.yieldNow
      yield* check(["+16315551000"])
      yield* check(["+16315551001"])
      const entries = yield* Fiber.join(collected)
      expect(Array.from(entries).map((e) => e.numbers)).toEqual([["+16315551000"], ["+16315551001"]])
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))
})

describe("verification: how often each number was received, re-sends after processing told apart", () => {
  it.effect("a number sent once counts 1; re-sent after a processing answer (no_wait) it counts as a re-send", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      yield* check(["+16315551000", "+16315551001"])
      yield* TestClock.adjust(200)
      yield* check(["+16315551001"])
      expect(yield* sim.receptions("+1 631 555 1000")).toEqual({ number: "+16315551000", received: 1, resentAfterProcessing: 0 })
      expect(yield* sim.receptions("6315551001")).toEqual({ number: "+16315551001", received: 2, resentAfterProcessing: 1 })
      expect(yield* sim.receptions("+16315559999")).toEqual({ number: "+16315559999", received: 0, resentAfterProcessing: 0 })
      const resent = (yield* sim.requests()).entries[0]!
      expect(resent.resent).toEqual(["+16315551001"])
      expect(resent.lookupsStarted).toEqual([])
      // The poll that gets the final answer is a re-send too (its last answer was processing)…
      yield* TestClock.adjust(300)
      yield* check(["+16315551001"])
      expect(yield* sim.receptions("+16315551001")).toEqual({ number: "+16315551001", received: 3, resentAfterProcessing: 2 })
      // …but a check after the final answer is a new check of the same number: a test sees it.
      yield* check(["+16315551001"])
      expect(yield* sim.receptions("+16315551001")).toEqual({ number: "+16315551001", received: 4, resentAfterProcessing: 2 })
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))
})

describe("reset: back to the configured state in one call", () => {
  it.effect("empties the journal, the counts, the cache and the blocklist; tokens given in code keep working", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      yield* sim.recordInbound("+16315551000")
      yield* contactPost("+16315551000", "block")
      yield* check(["+16315551001"])
      yield* TestClock.adjust(500)
      const before = yield* sim.state
      expect(before.blocklist).toBe(1)
      expect(before.cachedResults).toBe(1)
      yield* sim.setFaults({ overloadedNext: 3 })
      yield* sim.switchVersion("2.45.1")
      yield* sim.reset
      const after = yield* sim.state
      expect(after).toMatchObject({ blocklist: 0, cachedResults: 0, inboundMessages: 0, contactsChecked: 0, lookupsStarted: 0, requestsByRoute: {}, version: "2.41.3" })
      expect((yield* sim.requests()).matched).toBe(0)
      expect((yield* sim.receptions("+16315551001")).received).toBe(0)
      // The in-process transport's own token survived, and the faults were reset.
      const again = yield* check(["+16315551001"])
      expect(again.status).toBe(200)
      expect(again.body.contacts[0].status).toBe("processing")
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))
})

describe("switching the version while running", () => {
  it.effect("results after the switch to 2.45.1 carry the repurposed semantics (valid for a non-user)", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      yield* check(["6315551002"])
      yield* TestClock.adjust(500)
      const before = yield* check(["6315551002"])
      expect(before.body).toMatchObject({ meta: { version: "2.41.3" }, contacts: [{ status: "invalid" }] })
      expect(yield* sim.switchVersion("2.45.1")).toBe("2.45.1")
      const after = yield* check(["6315551002"])
      expect(after.body).toMatchObject({ meta: { version: "2.45.1" }, contacts: [{ status: "valid", wa_id: "16315551002" }] })
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it.effect("a version that is not one is refused and nothing changes", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const refused = yield* Effect.flip(sim.switchVersion("nonsense"))
      expect(refused.message).toContain("not a server version")
      expect((yield* sim.state).version).toBe("2.41.3")
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it.effect("a simulator configured with a version it cannot parse does not start", () =>
    Effect.gen(function*() {
      for (const version of ["nonsense", "2", "2.x"]) {
        const error = yield* Effect.flip(Simulator.make({ version }))
        expect(error.message).toContain("is not a server version")
      }
    }))
})

describe("named scenarios", () => {
  it.effect("upgrade-to-2.43: legacy now, repurposed after 3 more check requests", () =>
    Effect.gen(function*() {
      const versions: Array<string> = []
      for (let i = 0; i < 5; i++) versions.push((yield* check(["+16315551000"])).body.meta.version)
      expect(versions).toEqual(["2.41.3", "2.41.3", "2.41.3", "2.43.0", "2.43.0"])
    }).pipe(Effect.provide(SimulatorTransport.layer({ scenario: "upgrade-to-2.43" }))))

  it.effect("overloaded: the next 5 requests get 503 / 1016, then service resumes", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      yield* sim.runScenario("overloaded")
      const statuses: Array<number> = []
      for (let i = 0; i < 6; i++) statuses.push((yield* check(["+16315551000"])).status)
      expect(statuses).toEqual([503, 503, 503, 503, 503, 200])
      expect((yield* sim.requests({ status: "503" })).entries.every((e) => e.fault === "overloaded" && e.errorCode === 1016)).toBe(true)
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it.effect("rate-limit-storm: bursts beyond 2 get 429", () =>
    Effect.gen(function*() {
      const statuses: Array<number> = []
      for (let i = 0; i < 4; i++) statuses.push((yield* check(["+16315551000"])).status)
      expect(statuses).toEqual([200, 200, 429, 429])
    }).pipe(Effect.provide(SimulatorTransport.layer({ scenario: "rate-limit-storm" }))))

  it.effect("slow-lookups: lookups take 5 s", () =>
    Effect.gen(function*() {
      yield* check(["+16315551000"])
      yield* TestClock.adjust(4999)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("processing")
      yield* TestClock.adjust(1)
      expect((yield* check(["+16315551000"])).body.contacts[0].status).toBe("valid")
    }).pipe(Effect.provide(SimulatorTransport.layer({ scenario: "slow-lookups" }))))

  it.effect("token-expiry: a logged-in token stops working, and the next login's lives 60 s", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const basic = `Basic ${Buffer.from("u:p").toString("base64")}`
      const login = () =>
        Effect.map(send({ method: "POST", path: "/v1/users/login", headers: { authorization: basic } }), (r) => (r.body as any).value.users[0].token as string)
      const blocklist = (token: string) => Effect.map(send({ method: "GET", path: "/v1/contacts/blocklist", headers: { authorization: `Bearer ${token}` } }), (r) => r.status)
      const first = yield* login()
      expect(yield* blocklist(first)).toBe(200)
      expect(yield* sim.runScenario("token-expiry")).toContain("log in again")
      expect(yield* blocklist(first)).toBe(401)
      const second = yield* login()
      expect(yield* blocklist(second)).toBe(200)
      yield* TestClock.adjust(60_000)
      expect(yield* blocklist(second)).toBe(401)
    }).pipe(Effect.provide(SimulatorTransport.layer({ accounts: [{ username: "u", password: "p" }] }, { autoAuthorize: false }))))

  it.effect("an unknown scenario is refused with the list of names", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const error = yield* Effect.flip(sim.runScenario("nope"))
      expect(error.status).toBe(404)
      for (const name of Simulator.scenarioNames) expect(error.message).toContain(name)
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))
})
