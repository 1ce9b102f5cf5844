/**
 * Spec §3–4: block, unblock, the blocklist, report and identity build the right method, path,
 * query and body, decode their answers, and the blocklist streams page by page.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Blocking, Identity, Report, Requests, Transport } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import { fromFunction, fromQueue, json, text } from "./support/ScriptedTransport.ts"
import { vendorBody } from "./support/vectors.ts"

const run = <A, E>(effect: Effect.Effect<A, E, Transport.Transport>, answers: ReadonlyArray<Transport.TransportResponse> = [json(200, {})]) =>
  Effect.gen(function*() {
    const server = fromQueue(answers)
    const value = yield* Effect.provide(effect, server.layer)
    return { value, requests: server.requests.map((r) => r.request) }
  })

describe("block and unblock (spec §3)", () => {
  it.effect("block: POST /v1/contacts/{phone}/block with the reason, the phone percent-encoded", () =>
    Effect.gen(function*() {
      const vendor = vendorBody("block_request")
      const { requests } = yield* run(Blocking.block("+16315551000", vendor.body as { reason: string }))
      expect(requests).toEqual([{ method: "POST", path: "/v1/contacts/%2B16315551000/block", body: vendor.body }])
    }))

  it.effect("block without a reason sends {}", () =>
    Effect.gen(function*() {
      const { requests } = yield* run(Blocking.block("+1 631 555 1000"))
      expect(requests[0]).toMatchObject({ path: "/v1/contacts/%2B1%20631%20555%201000/block", body: {} })
    }))

  it.effect("unblock: POST …/unblock with no body", () =>
    Effect.gen(function*() {
      const { requests } = yield* run(Blocking.unblock("16315551000"))
      expect(requests).toEqual([{ method: "POST", path: "/v1/contacts/16315551000/unblock" }])
      expect(requests[0]!.body).toBeUndefined()
    }))

  it.effect.each([["null", json(200, null)], ["{}", json(200, {})], ["empty", text(200, "")], ["meta", json(200, { meta: { version: "2.41.3" } })]] as const)(
    "a 200 with body %s is success",
    ([, response]) => Effect.gen(function*() {
      const { value } = yield* run(Blocking.unblock("16315551000"), [response])
      expect(value).toBeUndefined()
    })
  )

  it.effect("the vendor's 2048 body fails block with NotEngaged", () =>
    Effect.gen(function*() {
      const vendor = vendorBody("error_not_engaged")
      const error = yield* Effect.flip(run(Blocking.block("+16315551000"), [json(400, vendor.body)]))
      expect(error).toMatchObject({ _tag: "NotEngaged", status: 400, code: 2048 })
    }))
})

describe("report (spec §3)", () => {
  it.effect("POST …/report with reason, block and message_id as the vendor shows", () =>
    Effect.gen(function*() {
      const vendor = vendorBody("report_request")
      const body = vendor.body as { reason: string; block: boolean; message_id: string }
      const { requests } = yield* run(Report.report("+16315551000", { reason: body.reason, block: body.block, messageId: body.message_id }))
      expect(requests).toEqual([{ method: "POST", path: "/v1/contacts/%2B16315551000/report", body: vendor.body }])
    }))

  it.effect("without options the body is {} (the last 5 messages, no block)", () =>
    Effect.gen(function*() {
      const { requests } = yield* run(Report.report("+16315551000"))
      expect(requests[0]!.body).toEqual({})
    }))

  it.effect("an unknown message_id fails with NotFound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(run(Report.report("+16315551000", { messageId: "wamid.x" }), [json(404, { errors: [{ code: 1006, title: "Resource not found" }] })]))
      expect(error._tag).toBe("NotFound")
    }))
})

describe("identity (spec §4)", () => {
  it.effect("GET …/identity decodes hash, timestamp in ms, acknowledged", () =>
    Effect.gen(function*() {
      const { value, requests } = yield* run(Identity.getIdentity("16315551000"), [json(200, vendorBody("identity_get_response").body)])
      expect(requests).toEqual([{ method: "GET", path: "/v1/contacts/16315551000/identity" }])
      expect(value).toEqual({ hash: "UKD6Y/5SqDU=", createdTimestamp: 1600132094000, acknowledged: true })
    }))

  it.effect("acknowledged \"false\" as a string is false", () =>
    Effect.gen(function*() {
      const { value } = yield* run(Identity.getIdentity("16315551000"), [json(200, vendorBody("identity_get_response_string_flag").body)])
      expect(value.acknowledged).toBe(false)
    }))

  it.effect("PUT …/identity with the hash; null, {} and an empty body are success", () =>
    Effect.gen(function*() {
      const vendor = vendorBody("identity_ack_request")
      const hash = (vendor.body as { hash: string }).hash
      for (const answer of [json(200, null), json(200, {}), text(200, "")]) {
        const { requests } = yield* run(Identity.acknowledgeIdentity("16315551000", hash), [answer])
        expect(requests).toEqual([{ method: "PUT", path: "/v1/contacts/16315551000/identity", body: vendor.body }])
      }
    }))
})

/** A blocklist of `total` contacts served page by page, as the server would. */
const blocklistServer = (total: number) =>
  fromFunction((request) => {
    const limit = Number(request.query?.["limit"])
    const offset = Number(request.query?.["offset"])
    const contacts = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({
      wa_id: `1631555${String(offset + i).padStart(4, "0")}@s.whatsapp.net`
    }))
    return json(200, { contacts, pagination: { limit, offset, total } })
  })

describe("the blocklist (spec §3)", () => {
  it.effect("one page: GET /v1/contacts/blocklist?limit=&offset=, the JID and the bare wa_id", () =>
    Effect.gen(function*() {
      const vendor = vendorBody("blocklist_response")
      const { value, requests } = yield* run(Blocking.blocklistPage({ limit: 10 }), [json(200, vendor.body)])
      expect(requests).toEqual([{ method: "GET", path: "/v1/contacts/blocklist", query: { limit: "10", offset: "0" } }])
      expect(value.contacts).toEqual([{ jid: "16315551000@s.whatsapp.net", waId: "16315551000" }])
      expect(value.pagination).toEqual({ limit: 10, offset: 0, total: 1 })
    }))

  it.effect("the defaults are limit 100, offset 0", () =>
    Effect.gen(function*() {
      const { requests } = yield* run(Blocking.blocklistPage(), [json(200, { contacts: [], pagination: { limit: 100, offset: 0, total: 0 } })])
      expect(requests[0]!.query).toEqual({ limit: "100", offset: "0" })
    }))

  it("a JID becomes its bare wa_id; a bare wa_id stays", () => {
    expect(Blocking.waIdOfJid("16315551000@s.whatsapp.net")).toBe("16315551000")
    expect(Blocking.waIdOfJid("16315551000")).toBe("16315551000")
  })

  it.effect("450 entries with pageSize 200: three requests, every entry once, in order", () =>
    Effect.gen(function*() {
      const server = blocklistServer(450)
      const all = yield* runClocked(Stream.runCollect(Blocking.blocklist({ pageSize: 200 })).pipe(Effect.provide(server.layer)))
      expect(all).toHaveLength(450)
      expect(all[0]).toEqual({ jid: "16315550000@s.whatsapp.net", waId: "16315550000" })
      expect(all[449]!.waId).toBe("16315550449")
      expect(new Set(all.map((c) => c.waId)).size).toBe(450)
      expect(server.requests.map((r) => r.request.query)).toEqual([
        { limit: "200", offset: "0" },
        { limit: "200", offset: "200" },
        { limit: "200", offset: "400" }
      ])
    }))

  it.effect("a consumer that takes 5 causes one request", () =>
    Effect.gen(function*() {
      const server = blocklistServer(450)
      const five = yield* runClocked(Stream.runCollect(Blocking.blocklist({ pageSize: 200 }).pipe(Stream.take(5))).pipe(Effect.provide(server.layer)))
      expect(five).toHaveLength(5)
      expect(server.requests).toHaveLength(1)
    }))

  it.effect("an empty blocklist is one request and no entries", () =>
    Effect.gen(function*() {
      const server = blocklistServer(0)
      const all = yield* Stream.runCollect(Blocking.blocklist()).pipe(Effect.provide(server.layer))
      expect(all).toHaveLength(0)
      expect(server.requests).toHaveLength(1)
      expect(server.requests[0]!.request.query).toEqual({ limit: "200", offset: "0" })
    }))
})

describe("Requests: building is pure", () => {
  it("check, blocklist and identity requests", () => {
    expect(Requests.check({ contacts: ["+1"], blocking: "wait" })).toEqual({ method: "POST", path: "/v1/contacts", body: { contacts: ["+1"], blocking: "wait" } })
    expect(Requests.blocklist(5, 10)).toEqual({ method: "GET", path: "/v1/contacts/blocklist", query: { limit: "5", offset: "10" } })
    expect(Requests.getIdentity("+1 631")).toEqual({ method: "GET", path: "/v1/contacts/%2B1%20631/identity" })
  })
})
