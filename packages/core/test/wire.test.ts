/**
 * Spec §1–4: every body the vendor's pages show decodes with its schema; the envelope is lenient
 * where the wild is (meta missing, `{}`, `v`-prefixed versions, `acknowledged` as a string) and
 * strict where it matters (statuses, codes).
 */
import { describe, expect, it } from "@effect/vitest"
import { Exit, Schema } from "effect"
import { Wire } from "@wa-contacts/core"
import { vendorBodies, vendorBody } from "./support/vectors.ts"

const decode = <A, I>(schema: Schema.Codec<A, I, never, never>, value: unknown) => Schema.decodeUnknownExit(schema)(value)
const decodeOk = <A, I>(schema: Schema.Codec<A, I, never, never>, value: unknown): A => {
  const exit = decode(schema, value)
  if (Exit.isFailure(exit)) throw new Error(`did not decode: ${JSON.stringify(value)}\n${String(exit.cause)}`)
  return exit.value
}

/** The schema for each response route of vendor-bodies.json. */
const schemaFor = (route: string, status: number | undefined): Schema.Codec<unknown, unknown, never, never> => {
  if (status !== undefined && status >= 400) return Wire.Envelope as never
  if (route === "POST /v1/contacts") return Wire.CheckResponse as never
  if (route.startsWith("GET /v1/contacts/blocklist")) return Wire.BlocklistResponse as never
  if (route === "GET /v1/contacts/{wa_id}/identity") return Wire.IdentityResponse as never
  if (route === "POST /v1/users/login") return Wire.LoginResponse as never
  throw new Error(`no schema known for ${route}`)
}

describe("vendor bodies (spec §1–4)", () => {
  const responses = Object.entries(vendorBodies).filter(([, b]) => b.kind === "response")
  const requests = Object.entries(vendorBodies).filter(([, b]) => b.kind === "request")

  it("the vectors hold responses and requests", () => {
    expect(responses.length).toBeGreaterThanOrEqual(8)
    expect(requests.length).toBeGreaterThanOrEqual(4)
  })

  it.each(responses)("response %s decodes with its schema", (_, body) => {
    decodeOk(schemaFor(body.route, body.status), body.body)
  })

  it("every error response has an `errors` entry with an integer code", () => {
    for (const [, body] of responses.filter(([, b]) => (b.status ?? 200) >= 400)) {
      const envelope = decodeOk(Wire.Envelope, body.body)
      expect(envelope.errors?.[0]?.code).toSatisfy(Number.isInteger)
    }
  })

  it("request bodies decode with the request schemas", () => {
    decodeOk(Wire.CheckRequest, vendorBody("check_request").body)
    decodeOk(Wire.BlockRequest, vendorBody("block_request").body)
    decodeOk(Wire.ReportRequest, vendorBody("report_request").body)
    decodeOk(Wire.IdentityAckRequest, vendorBody("identity_ack_request").body)
  })

  it("the legacy sample decodes entry by entry, wa_id only where given", () => {
    const body = decodeOk(Wire.CheckResponse, vendorBody("check_response_legacy_sample").body)
    expect(body.meta).toBeUndefined()
    expect(body.contacts.map((c) => [c.input, c.status, c.wa_id])).toEqual([
      ["16315551000", "valid", "16315551000"],
      ["+1 631 555 1001", "processing", "16315551001"],
      ["6315551002", "invalid", undefined],
      ["+163155588", "failed", undefined]
    ])
  })
})

describe("identity: acknowledged as boolean or string (spec §4)", () => {
  it("a boolean `true` stays true", () => {
    const body = decodeOk(Wire.IdentityResponse, vendorBody("identity_get_response").body)
    expect(body.contacts.acknowledged).toBe(true)
    expect(body.contacts.created_timestamp).toBe(1600132094000)
  })

  it("the string \"false\" becomes false (not a truthy string)", () => {
    const body = decodeOk(Wire.IdentityResponse, vendorBody("identity_get_response_string_flag").body)
    expect(body.contacts.acknowledged).toBe(false)
  })

  it("the string \"true\" becomes true; other strings are rejected", () => {
    const base = { hash: "h", created_timestamp: 1 }
    expect(decodeOk(Wire.IdentityResponse, { contacts: { ...base, acknowledged: "true" } }).contacts.acknowledged).toBe(true)
    expect(Exit.isFailure(decode(Wire.IdentityResponse, { contacts: { ...base, acknowledged: "yes" } }))).toBe(true)
  })
})

describe("envelope meta (spec §1)", () => {
  const contacts = [{ input: "+16315551000", status: "valid" }]

  it.each([
    ["missing", undefined, undefined],
    ["{}", {}, undefined],
    ["v-prefixed", { api_status: "stable", version: "v2.45.1" }, "v2.45.1"],
    ["plain", { api_status: "stable", version: "2.41.3" }, "2.41.3"]
  ])("meta %s is accepted", (_, meta, version) => {
    const body = decodeOk(Wire.CheckResponse, meta === undefined ? { contacts } : { meta, contacts })
    expect(body.meta?.version).toBe(version)
  })

  it("the login response keeps the vendor's `expires_after` with a space", () => {
    const body = decodeOk(Wire.LoginResponse, vendorBody("login_response").body)
    const first = body.users[0]
    expect(first.expires_after).toBe("2018-03-01 15:29:26+00:00")
    expect(Wire.parseExpiresAfter(first.expires_after)).toBe(Date.UTC(2018, 2, 1, 15, 29, 26))
  })
})

describe("strict where it matters", () => {
  it("an unknown check status is rejected", () => {
    expect(Exit.isFailure(decode(Wire.CheckResponse, { contacts: [{ input: "1", status: "unknown" }] }))).toBe(true)
    expect(Exit.isFailure(decode(Wire.CheckResponse, { contacts: [{ input: "1", status: "VALID" }] }))).toBe(true)
  })

  it("a non-integer or non-numeric error code is rejected", () => {
    expect(Exit.isFailure(decode(Wire.Envelope, { errors: [{ code: 1009.5, title: "x" }] }))).toBe(true)
    expect(Exit.isFailure(decode(Wire.Envelope, { errors: [{ code: "1009", title: "x" }] }))).toBe(true)
    expect(Exit.isSuccess(decode(Wire.Envelope, { errors: [{ code: 1009, title: "x" }] }))).toBe(true)
  })

  it("a check response without `contacts` is rejected", () => {
    expect(Exit.isFailure(decode(Wire.CheckResponse, { meta: {} }))).toBe(true)
  })

  it("pagination must be non-negative integers", () => {
    const page = (pagination: unknown) => ({ contacts: [], pagination })
    expect(Exit.isSuccess(decode(Wire.BlocklistResponse, page({ limit: 10, offset: 0, total: 0 })))).toBe(true)
    expect(Exit.isFailure(decode(Wire.BlocklistResponse, page({ limit: 10, offset: -1, total: 0 })))).toBe(true)
    expect(Exit.isFailure(decode(Wire.BlocklistResponse, page({ limit: 1.5, offset: 0, total: 0 })))).toBe(true)
  })

  it("acknowledgements accept null, {} and an envelope", () => {
    for (const body of [null, {}, { meta: { version: "2.41.3" } }]) {
      expect(Exit.isSuccess(decode(Wire.Acknowledgement, body))).toBe(true)
    }
  })
})
