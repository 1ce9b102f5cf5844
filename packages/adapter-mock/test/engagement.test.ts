import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Simulator, SimulatorTransport } from "../src/index.ts"
import { contactPost, errorOf, jsonOf, send, vendorBodies } from "./helpers.ts"

const sim = SimulatorTransport.layer({})
const hours = (n: number) => n * 3600 * 1000

const blocklist = (query: Record<string, string> = {}) =>
  Effect.map(send({ method: "GET", path: "/v1/contacts/blocklist", query }), (r) => ({ status: r.status, body: jsonOf(r) }))

const inbound = (from: string, messageId?: string) =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    return yield* simulator.recordInbound(from, { messageId })
  })

describe("block: allowed within 24 h of the contact's last message, else 400 / 2048 (spec §3)", () => {
  it.effect("an engaged contact can be blocked; the answer is 200 without errors", () =>
    Effect.gen(function*() {
      yield* inbound("+16315551000")
      const { status, body } = yield* contactPost("+16315551000", "block", vendorBodies["block_request"]!.body)
      expect(status).toBe(200)
      expect(body).toEqual({ meta: { api_status: "stable", version: "2.41.3" } })
      expect((yield* blocklist()).body.contacts).toEqual([{ wa_id: "16315551000@s.whatsapp.net" }])
    }).pipe(Effect.provide(sim)))

  it.effect("a contact that never wrote gets the vendor's error_not_engaged body", () =>
    Effect.gen(function*() {
      const { status, body } = yield* contactPost("+16315551000", "block")
      const expected = vendorBodies["error_not_engaged"]!
      expect(status).toBe(expected.status)
      expect(body.errors).toEqual(expected.body.errors)
      expect(body.meta).toEqual({ api_status: "stable", version: "2.41.3" })
    }).pipe(Effect.provide(sim)))

  it.effect("engagement ends 24 h after the last message", () =>
    Effect.gen(function*() {
      yield* inbound("+16315551000")
      yield* TestClock.adjust(hours(24) - 1)
      expect((yield* contactPost("+16315551000", "block")).status).toBe(200)
      yield* contactPost("+16315551000", "unblock")
      yield* TestClock.adjust(1)
      const late = yield* contactPost("+16315551000", "block")
      expect(late.status).toBe(400)
      expect(errorOf(late.body).code).toBe(2048)
    }).pipe(Effect.provide(sim)))

  it.effect("blocking twice is idempotent (200, listed once); unblocking a contact that is not blocked is 200", () =>
    Effect.gen(function*() {
      yield* inbound("+16315551000")
      expect((yield* contactPost("+16315551000", "block")).status).toBe(200)
      expect((yield* contactPost("16315551000", "block")).status).toBe(200)
      expect((yield* blocklist()).body.pagination.total).toBe(1)
      expect((yield* contactPost("+16315551001", "unblock")).status).toBe(200)
      expect((yield* contactPost("+16315551000", "unblock")).status).toBe(200)
      expect((yield* blocklist()).body.pagination.total).toBe(0)
    }).pipe(Effect.provide(sim)))

  it.effect("a reason of 60 code points or more is 400 / 1009; 59 (even astral) is fine", () =>
    Effect.gen(function*() {
      yield* inbound("+16315551000")
      const tooLong = yield* contactPost("+16315551000", "block", { reason: "x".repeat(60) })
      expect(tooLong.status).toBe(400)
      expect(errorOf(tooLong.body).code).toBe(1009)
      // 59 emoji are 118 UTF-16 units but 59 code points.
      expect((yield* contactPost("+16315551000", "block", { reason: "😀".repeat(59) })).status).toBe(200)
      const wrongType = yield* contactPost("+16315551000", "block", { reason: 42 })
      expect(errorOf(wrongType.body).code).toBe(1009)
    }).pipe(Effect.provide(sim)))

  it.effect("the phone path segment arrives percent-encoded and in any standard format", () =>
    Effect.gen(function*() {
      yield* inbound("+1 631 555 1000")
      const raw = yield* send({ method: "POST", path: "/v1/contacts/%2B1%20(631)%20555-1000/block" })
      expect(raw.status).toBe(200)
      expect((yield* blocklist()).body.contacts).toEqual([{ wa_id: "16315551000@s.whatsapp.net" }])
    }).pipe(Effect.provide(sim)))
})

describe("unblock: an invalid WhatsApp id / phone is 400 / 1009 with the vendor's body (spec §3)", () => {
  for (const phone of ["+163155588", "abc", "+", "12"]) {
    it.effect(`unblock ${JSON.stringify(phone)} → error_invalid_parameter`, () =>
      Effect.gen(function*() {
        const { status, body } = yield* contactPost(phone, "unblock")
        const expected = vendorBodies["error_invalid_parameter"]!
        expect(status).toBe(expected.status)
        expect(body.errors).toEqual(expected.body.errors)
      }).pipe(Effect.provide(sim)))
  }

  it.effect("block and report check the segment the same way", () =>
    Effect.gen(function*() {
      for (const action of ["block", "report"]) {
        const { status, body } = yield* contactPost("+163155588", action)
        expect(status).toBe(400)
        expect(body.errors).toEqual(vendorBodies["error_invalid_parameter"]!.body.errors)
      }
    }).pipe(Effect.provide(sim)))
})

describe("blocklist: pages in order of blocking, oldest first (spec §3)", () => {
  const engagedAndBlocked = (numbers: ReadonlyArray<string>) =>
    Effect.forEach(numbers, (n) =>
      Effect.gen(function*() {
        yield* inbound(n)
        yield* TestClock.adjust(1000)
        expect((yield* contactPost(n, "block")).status).toBe(200)
      }), { discard: true })

  it.effect("the response has the vendor's shape: JIDs and pagination", () =>
    Effect.gen(function*() {
      yield* engagedAndBlocked(["+16315551000"])
      const { status, body } = yield* blocklist({ limit: "10", offset: "0" })
      const expected = vendorBodies["blocklist_response"]!
      expect(status).toBe(expected.status)
      expect({ contacts: body.contacts, pagination: body.pagination }).toEqual(expected.body)
    }).pipe(Effect.provide(sim)))

  it.effect("defaults limit 100, offset 0; pages slice the list; a re-blocked contact moves to the end", () =>
    Effect.gen(function*() {
      const numbers = ["+16315551004", "+16315551000", "+5491156121008", "+16315551001"]
      yield* engagedAndBlocked(numbers)
      const all = yield* blocklist()
      expect(all.body.pagination).toEqual({ limit: 100, offset: 0, total: 4 })
      expect(all.body.contacts.map((c: any) => c.wa_id)).toEqual(numbers.map((n) => `${n.slice(1)}@s.whatsapp.net`))
      const page = yield* blocklist({ limit: "2", offset: "1" })
      expect(page.body.contacts.map((c: any) => c.wa_id)).toEqual(["16315551000@s.whatsapp.net", "5491156121008@s.whatsapp.net"])
      expect(page.body.pagination).toEqual({ limit: 2, offset: 1, total: 4 })
      expect((yield* blocklist({ offset: "10" })).body.contacts).toEqual([])
      yield* contactPost("+16315551004", "unblock")
      yield* engagedAndBlocked(["+16315551004"])
      expect((yield* blocklist()).body.contacts.at(-1)).toEqual({ wa_id: "16315551004@s.whatsapp.net" })
    }).pipe(Effect.provide(sim)))

  for (const [name, query] of [
    ["limit 0", { limit: "0" }],
    ["limit 201", { limit: "201" }],
    ["limit not an integer", { limit: "1.5" }],
    ["limit not a number", { limit: "ten" }],
    ["offset negative", { offset: "-1" }],
    ["offset not an integer", { offset: "0.5" }]
  ] as const) {
    it.effect(`${name} → 400 / 1009`, () =>
      Effect.gen(function*() {
        const { status, body } = yield* blocklist(query)
        expect(status).toBe(400)
        expect(errorOf(body).code).toBe(1009)
      }).pipe(Effect.provide(sim)))
  }

  it.effect("limit 1 and 200 are accepted", () =>
    Effect.gen(function*() {
      expect((yield* blocklist({ limit: "1" })).status).toBe(200)
      expect((yield* blocklist({ limit: "200" })).status).toBe(200)
    }).pipe(Effect.provide(sim)))
})

describe("report: engagement rule, message_id, block flag (spec §3)", () => {
  it.effect("without message_id the contact's last 5 messages are reported; block defaults to false", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      for (let i = 0; i < 7; i++) yield* inbound("+16315551000")
      const { status, body } = yield* contactPost("+16315551000", "report", { reason: "Spam" })
      expect(status).toBe(200)
      expect(body.errors).toBeUndefined()
      const state = yield* simulator.state
      expect(state.reports).toBe(1)
      expect(state.blocklist).toBe(0)
    }).pipe(Effect.provide(sim)))

  it.effect("the vendor's report request: a known message_id and block: true also blocks", () =>
    Effect.gen(function*() {
      const request = vendorBodies["report_request"]!.body
      yield* inbound("+16315551000", request.message_id)
      const { status } = yield* contactPost("+16315551000", "report", request)
      expect(status).toBe(200)
      expect((yield* blocklist()).body.contacts).toEqual([{ wa_id: "16315551000@s.whatsapp.net" }])
    }).pipe(Effect.provide(sim)))

  it.effect("a message_id the contact never sent is 404 / 1006", () =>
    Effect.gen(function*() {
      const other = yield* inbound("+16315551001")
      yield* inbound("+16315551000")
      for (const messageId of ["wamid.unknown", other]) {
        const { status, body } = yield* contactPost("+16315551000", "report", { message_id: messageId })
        expect(status).toBe(404)
        expect(errorOf(body)).toMatchObject({ code: 1006, title: "Resource not found" })
      }
    }).pipe(Effect.provide(sim)))

  it.effect("a contact not engaged in 24 h gets 2048; wrong types are 1009", () =>
    Effect.gen(function*() {
      const notEngaged = yield* contactPost("+16315551000", "report", {})
      expect(notEngaged.status).toBe(400)
      expect(notEngaged.body.errors).toEqual(vendorBodies["error_not_engaged"]!.body.errors)
      yield* inbound("+16315551000")
      expect(errorOf((yield* contactPost("+16315551000", "report", { block: "yes" })).body).code).toBe(1009)
      expect(errorOf((yield* contactPost("+16315551000", "report", { message_id: 5 })).body).code).toBe(1009)
      expect(errorOf((yield* contactPost("+16315551000", "report", { reason: "r".repeat(60) })).body).code).toBe(1009)
    }).pipe(Effect.provide(sim)))
})

describe("identity: get and acknowledge the latest hash (spec §4)", () => {
  const getIdentity = (waId: string) =>
    Effect.map(send({ method: "GET", path: `/v1/contacts/${waId}/identity` }), (r) => ({ status: r.status, body: jsonOf(r) }))
  const ack = (waId: string, body: unknown) =>
    Effect.map(send({ method: "PUT", path: `/v1/contacts/${waId}/identity`, body }), (r) => ({ status: r.status, body: jsonOf(r) }))

  it.effect("GET answers {contacts: {hash, created_timestamp (ms), acknowledged}}", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust(0)
      const { status, body } = yield* getIdentity("16315551000")
      expect(status).toBe(200)
      expect(Object.keys(body.contacts).sort()).toEqual(Object.keys(vendorBodies["identity_get_response"]!.body.contacts).sort())
      expect(body.contacts.hash).toMatch(/^[A-Za-z0-9+/]{11}=$/)
      expect(body.contacts.acknowledged).toBe(true)
      expect(body.contacts.created_timestamp).toBe(0)
    }).pipe(Effect.provide(sim)))

  it.effect("after an identity change the new hash is unacknowledged until PUT with it", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const before = (yield* getIdentity("16315551000")).body.contacts
      yield* TestClock.adjust(hours(5))
      const hash = yield* simulator.changeIdentity("16315551000")
      const after = (yield* getIdentity("16315551000")).body.contacts
      expect(after).toEqual({ hash, created_timestamp: hours(5), acknowledged: false })
      expect(hash).not.toBe(before.hash)
      const stale = yield* ack("16315551000", { hash: before.hash })
      expect(stale.status).toBe(400)
      expect(errorOf(stale.body).code).toBe(1009)
      const good = yield* ack("16315551000", { hash })
      expect(good).toEqual({ status: 200, body: { meta: { api_status: "stable", version: "2.41.3" } } })
      expect((yield* getIdentity("16315551000")).body.contacts.acknowledged).toBe(true)
    }).pipe(Effect.provide(sim)))

  it.effect("an unknown wa_id is 404 / 1006 for GET and PUT; a missing hash is 1008", () =>
    Effect.gen(function*() {
      expect(errorOf((yield* getIdentity("16315559999")).body).code).toBe(1006)
      const put = yield* ack("16315559999", { hash: "UKD6Y/5SqDU=" })
      expect(put.status).toBe(404)
      expect(errorOf(put.body).code).toBe(1006)
      const missing = yield* ack("16315551000", {})
      expect(missing.status).toBe(400)
      expect(errorOf(missing.body).code).toBe(1008)
    }).pipe(Effect.provide(sim)))

  it.effect("changeIdentity of an unknown user fails", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const error = yield* Effect.flip(simulator.changeIdentity("16315559999"))
      expect(error._tag).toBe("SimulatorError")
      expect(error.status).toBe(404)
    }).pipe(Effect.provide(sim)))
})
