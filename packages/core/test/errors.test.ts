/**
 * Spec §5 "Errors": every status + code becomes its tagged class with status/code/title/details
 * kept; `Retry-After`; bodies that are not JSON become `MalformedResponse`; JSON of the wrong
 * shape becomes `UnexpectedResponse`; a 200 that carries `errors` is an error.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { Errors, Response, Transport, Wire } from "@wa-contacts/core"
import { apiError, json, text } from "./support/ScriptedTransport.ts"
import { vendorBody } from "./support/vectors.ts"

/** Decode `response` as a check response and return the failure (the test fails on success). */
const failureOf = (response: Transport.TransportResponse, schema: typeof Wire.CheckResponse | typeof Wire.Acknowledgement = Wire.CheckResponse) =>
  Effect.runSync(Effect.flip(Response.decode(schema as typeof Wire.CheckResponse)(response)))

describe("status + code → tagged error (spec §5 table)", () => {
  const rows = [
    [400, 1008, "Required parameter is missing", Errors.MissingParameter],
    [400, 1009, "Parameter value is not valid", Errors.InvalidParameter],
    [400, 2048, "Not engaged contact", Errors.NotEngaged],
    [401, 1005, "Access denied", Errors.Unauthorized],
    [401, 1024, "Password Change Required", Errors.PasswordChangeRequired],
    [404, 1006, "Resource not found", Errors.NotFound],
    [400, 1013, "User is not valid", Errors.UserNotValid],
    [429, 1015, "Too many requests", Errors.RateLimited],
    [503, 1016, "System overloaded", Errors.Overloaded],
    [500, 1014, "Internal error", Errors.InternalError],
    [400, 1028, "identity change requires acknowledgement", Errors.IdentityAckRequired],
    [400, 1000, "Generic error", Errors.ApiError],
    [500, 1000, "Generic error", Errors.ApiError],
    [400, 4242, "Some code not in the table", Errors.ApiError],
    [429, 1000, "Generic error", Errors.RateLimited],
    [503, 1000, "Generic error", Errors.Overloaded],
    [503, 4242, "Some code not in the table", Errors.Overloaded]
  ] as const

  it.each(rows)("HTTP %i, code %i (%s)", (status, code, title, Class) => {
    const error = failureOf(apiError(status, code, title, `details of ${code}`))
    expect(error).toBeInstanceOf(Class)
    expect(error).toMatchObject({ _tag: Class.name, status, code, title, details: `details of ${code}` })
  })

  it("the vendor's error bodies map to NotEngaged and InvalidParameter", () => {
    for (const [name, Class] of [["error_not_engaged", Errors.NotEngaged], ["error_invalid_parameter", Errors.InvalidParameter], ["unauthorized", Errors.Unauthorized]] as const) {
      const vendor = vendorBody(name)
      const error = failureOf(json(vendor.status!, vendor.body))
      expect(error).toBeInstanceOf(Class)
      expect((error as Errors.ServerError).details).toBe((vendor.body as { errors: Array<{ details: string }> }).errors[0]!.details)
    }
  })

  it("without a vendor code the status decides (a proxy's 429/503/500/401/404)", () => {
    expect(failureOf(json(429, {}))).toBeInstanceOf(Errors.RateLimited)
    expect(failureOf(json(503, {}))).toBeInstanceOf(Errors.Overloaded)
    expect(failureOf(json(500, {}))).toMatchObject({ _tag: "InternalError", status: 500, code: 1014 })
    expect(failureOf(json(401, {}))).toBeInstanceOf(Errors.Unauthorized)
    expect(failureOf(json(404, {}))).toBeInstanceOf(Errors.NotFound)
    expect(failureOf(json(400, {}))).toMatchObject({ _tag: "ApiError", status: 400, code: 1000 })
  })

  it("a 200 that carries `errors` is an error, not a success", () => {
    const error = failureOf(json(200, { errors: [{ code: 1009, title: "Parameter value is not valid", details: "x" }], contacts: [] }))
    expect(error).toMatchObject({ _tag: "InvalidParameter", code: 1009, status: 200 })
  })
})

describe("Retry-After", () => {
  it("429 with `Retry-After: 3` → RateLimited with retryAfterMillis 3000", () => {
    const error = failureOf(apiError(429, 1015, "Too many requests", "", { "retry-after": "3" }))
    expect(error).toBeInstanceOf(Errors.RateLimited)
    expect((error as Errors.RateLimited).retryAfterMillis).toBe(3000)
  })

  it("503 with Retry-After keeps it too; without the header there is none", () => {
    expect(failureOf(apiError(503, 1016, "System overloaded", "", { "retry-after": "1.5" }))).toMatchObject({ retryAfterMillis: 1500 })
    expect((failureOf(apiError(429, 1015, "Too many requests")) as Errors.RateLimited).retryAfterMillis).toBeUndefined()
  })

  it("an HTTP date is read relative to now; garbage is ignored", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0)
    expect(Response.retryAfterMillis({ "retry-after": new Date(now + 7000).toUTCString() }, now)).toBe(7000)
    expect(Response.retryAfterMillis({ "retry-after": "soon" }, now)).toBeUndefined()
    expect(Response.retryAfterMillis({ "retry-after": "-5" }, now)).toBe(0)
    expect(Response.retryAfterMillis({}, now)).toBeUndefined()
  })
})

describe("bodies that are not JSON → MalformedResponse with the status and the first bytes", () => {
  it("an HTML error page from a proxy", () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body>${"x".repeat(1000)}</body></html>`
    const error = failureOf(text(502, html))
    expect(error).toBeInstanceOf(Errors.MalformedResponse)
    const malformed = error as Errors.MalformedResponse
    expect(malformed.status).toBe(502)
    expect(malformed.snippet).toBe(html.slice(0, Errors.SNIPPET_LENGTH))
    expect(malformed.length).toBe(html.length)
    expect(malformed.message).toContain("502")
  })

  it("an HTML page with status 200 is not a success", () => {
    expect(failureOf(text(200, "<html>maintenance</html>"))).toMatchObject({ _tag: "MalformedResponse", status: 200, snippet: "<html>maintenance</html>" })
  })

  it("an empty 502", () => {
    expect(failureOf(text(502, ""))).toMatchObject({ _tag: "MalformedResponse", status: 502, snippet: "", length: 0 })
  })

  it("truncated JSON", () => {
    const truncated = `{"contacts":[{"input":"+16315551000","status":"va`
    expect(failureOf(text(200, truncated))).toMatchObject({ _tag: "MalformedResponse", status: 200, snippet: truncated })
  })

  it("an empty 200 where a body is required (check) is malformed; where none is needed it is fine", () => {
    expect(failureOf(text(200, ""))).toMatchObject({ _tag: "MalformedResponse", status: 200 })
    const ack = Effect.runSyncExit(Response.decode(Wire.Acknowledgement, { emptyOk: true })(text(200, "")))
    expect(Exit.isSuccess(ack)).toBe(true)
  })
})

describe("JSON of the wrong shape → UnexpectedResponse keeping the body", () => {
  it("a 200 whose body is not a check response", () => {
    const body = { contacts: [{ input: "+16315551000", status: "maybe" }] }
    const error = failureOf(json(200, body))
    expect(error).toBeInstanceOf(Errors.UnexpectedResponse)
    expect((error as Errors.UnexpectedResponse).body).toEqual(body)
    expect((error as Errors.UnexpectedResponse).status).toBe(200)
    expect((error as Errors.UnexpectedResponse).issue.length).toBeGreaterThan(0)
  })

  it("a JSON array or string where an object was expected", () => {
    expect(failureOf(json(200, [1, 2]))).toMatchObject({ _tag: "UnexpectedResponse", body: [1, 2] })
    expect(failureOf(json(200, "ok"))).toMatchObject({ _tag: "UnexpectedResponse", body: "ok" })
  })
})

describe("Transport.parseBody: how adapters hand bodies over", () => {
  it("JSON when it parses, else the text", () => {
    expect(Transport.parseBody(`{"a":1}`)).toEqual({ _tag: "Json", value: { a: 1 } })
    expect(Transport.parseBody("null")).toEqual({ _tag: "Json", value: null })
    expect(Transport.parseBody("")).toEqual({ _tag: "Text", text: "" })
    expect(Transport.parseBody("<html>")).toEqual({ _tag: "Text", text: "<html>" })
  })
})
