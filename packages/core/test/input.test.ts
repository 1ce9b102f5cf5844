/**
 * Spec §3 decisions: arguments the server would reject (a reason of 60 code points, a `limit`
 * outside 1..200, a negative `offset`) and phone texts that could escape their path segment are
 * rejected with an `InputError` before anything is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Blocking, Identity, Report, Input } from "@wa-contacts/core"
import { fromFunction, json } from "./support/ScriptedTransport.ts"

/** Run `effect` against a transport that answers 200 to anything; its error and the requests sent. */
const attempt = <A, E>(effect: Effect.Effect<A, E, import("@wa-contacts/core").Transport.Transport>) =>
  Effect.gen(function*() {
    const server = fromFunction(() => json(200, { contacts: [], pagination: { limit: 1, offset: 0, total: 0 } }))
    const exit = yield* Effect.exit(Effect.provide(effect, server.layer))
    return { exit, requests: server.requests }
  })

const rejected = <A, E>(effect: Effect.Effect<A, E, import("@wa-contacts/core").Transport.Transport>, field: string) =>
  Effect.gen(function*() {
    const { exit, requests } = yield* attempt(effect)
    expect(exit).toMatchObject({ _tag: "Failure" })
    const error = yield* Effect.flip(Effect.provide(effect, fromFunction(() => json(200, {})).layer))
    expect(error).toMatchObject({ _tag: "InputError", field })
    expect(requests).toHaveLength(0)
  })

// 🙂 is one code point and two UTF-16 units.
const emoji = (n: number) => "🙂".repeat(n)

describe("reason: fewer than 60 characters, counted as code points", () => {
  it.effect("59 emoji (118 UTF-16 units) are accepted", () =>
    Effect.gen(function*() {
      const { exit, requests } = yield* attempt(Blocking.block("+16315551000", { reason: emoji(59) }))
      expect(exit._tag).toBe("Success")
      expect(requests[0]!.request.body).toEqual({ reason: emoji(59) })
    }))

  it.effect("60 emoji are rejected for block", () => rejected(Blocking.block("+16315551000", { reason: emoji(60) }), "reason"))
  it.effect("60 ASCII characters are rejected for report", () => rejected(Report.report("+16315551000", { reason: "x".repeat(60) }), "reason"))
  it.effect("59 ASCII characters are accepted for report", () =>
    Effect.gen(function*() {
      const { exit } = yield* attempt(Report.report("+16315551000", { reason: "x".repeat(59) }))
      expect(exit._tag).toBe("Success")
    }))
})

describe("blocklist limit 1..200 and offset >= 0, integers", () => {
  it.effect.each([0, 201, 1.5, -1, Number.NaN])("limit %d is rejected", (limit) => rejected(Blocking.blocklistPage({ limit }), "limit"))
  it.effect.each([-1, 0.5])("offset %d is rejected", (offset) => rejected(Blocking.blocklistPage({ offset }), "offset"))
  it.effect.each([1, 200])("limit %d is accepted", (limit) =>
    Effect.gen(function*() {
      const { exit, requests } = yield* attempt(Blocking.blocklistPage({ limit }))
      expect(exit._tag).toBe("Success")
      expect(requests[0]!.request.query).toEqual({ limit: String(limit), offset: "0" })
    }))
})

describe("phone numbers and wa_ids in a path segment", () => {
  const bad = ["a/b", "+1631/555", "..", "+1..", "%2F", "+1%2F631", "+1631?x=1", "+1631#x", "", "   ", "+1631\u0000555", "+1631\t555", "+1631\n555", "1".repeat(65)]

  it.effect.each(bad)("block(%j) is rejected", (phone) => rejected(Blocking.block(phone), "phone"))
  it.effect.each(bad)("unblock(%j) is rejected", (phone) => rejected(Blocking.unblock(phone), "phone"))
  it.effect.each(bad)("report(%j) is rejected", (phone) => rejected(Report.report(phone), "phone"))
  it.effect.each(bad)("getIdentity(%j) is rejected", (waId) => rejected(Identity.getIdentity(waId), "wa_id"))
  it.effect.each(bad)("acknowledgeIdentity(%j) is rejected", (waId) => rejected(Identity.acknowledgeIdentity(waId, "h"), "wa_id"))

  it.effect("an empty hash or message_id is rejected", () =>
    Effect.gen(function*() {
      yield* rejected(Identity.acknowledgeIdentity("16315551000", " "), "hash")
      yield* rejected(Report.report("+16315551000", { messageId: "" }), "message_id")
    }))

  it("the segment is percent-encoded: `+1 631` → `%2B1%20631`", () => {
    expect(Input.pathSegment("+1 631")).toBe("%2B1%20631")
    expect(Input.pathSegment("+1 (631) 555-1000")).toBe("%2B1%20(631)%20555-1000")
  })

  it("a very long input is shortened in the error, not copied whole", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Input.phone("phone", "1".repeat(10_000_000)))
      expect(error.input.length).toBeLessThan(100)
    }).pipe(Effect.runSync))
})
