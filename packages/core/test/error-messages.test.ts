/**
 * Issue #13 item 15: every error a caller can catch says what happened — title, details, HTTP
 * status, vendor code and which call — in `message` and so in `String(error)`, also when caught
 * from the Promise client; the codes and titles come from `Protocol`, written once.
 */
import { describe, expect, it } from "vitest"
import { Client, Errors, Protocol, Transport } from "@wa-contacts/core"
import { apiError, fromFunction, text } from "./support/ScriptedTransport.ts"

describe("every server error has a message that says what happened", () => {
  it.each(Object.values(Protocol.ErrorCode))("code %i: title, details, status and code in message and String()", (code) => {
    const status = code === 1005 || code === 1024 ? 401 : code === 1006 ? 404 : code === 1015 ? 429 : code === 1016 ? 503 : code === 1014 ? 500 : 400
    const error = Errors.fromStatus(status, { code, title: Protocol.errorTitles[code], details: `details of ${code}` })
    for (const text of [error.message, String(error)]) {
      expect(text).toContain(Protocol.errorTitles[code])
      expect(text).toContain(`details of ${code}`)
      expect(text).toContain(`HTTP ${status}`)
      expect(text).toContain(`code ${code}`)
    }
    expect(String(error).startsWith(`${error._tag}: `)).toBe(true)
  })

  it("a proxy's bare status gets the spec's title for it (one table, in Protocol)", () => {
    expect(Errors.fromStatus(503, undefined).message).toBe("System overloaded (HTTP 503, code 1016)")
    expect(Errors.fromStatus(429, undefined).title).toBe(Protocol.errorTitles[Protocol.ErrorCode.TooManyRequests])
    expect(Errors.fromStatus(418, undefined).message).toBe("Generic error (HTTP 418, code 1000)")
  })

  it("withCall names the call without losing the class or the fields", () => {
    const error = Errors.withCall("POST /v1/contacts/+1/block")(Errors.fromStatus(429, undefined, 2000))
    expect(error).toBeInstanceOf(Errors.RateLimited)
    expect(error).toMatchObject({ status: 429, code: 1015, retryAfterMillis: 2000, call: "POST /v1/contacts/+1/block" })
    expect(error.message).toContain("POST /v1/contacts/+1/block")
    const malformed = Errors.withCall("GET /v1/contacts/blocklist")(Errors.malformed(502, "<html>"))
    expect(String(malformed)).toBe("MalformedResponse: HTTP 502 (GET /v1/contacts/blocklist): the body is not JSON (6 bytes: \"<html>\")")
  })
})

describe("errors caught from the Promise client", () => {
  const client = () =>
    Client.make(fromFunction((request: Transport.TransportRequest) =>
      request.path.endsWith("/block")
        ? apiError(400, 2048, "Not engaged contact", "Invalid Request. This contact hasn't engaged with you in the last 24 hrs.")
        : text(502, "<html>Bad Gateway</html>")).layer)

  it("a refusal says the title, the details, the status and the call (no longer an empty message)", async () => {
    const c = client()
    const error = await c.block("+16315551000").then(() => undefined, (e: unknown) => e as Errors.NotEngaged)
    await c.dispose()
    expect(error).toBeInstanceOf(Errors.NotEngaged)
    expect(error!.message).toBe(
      "Not engaged contact: Invalid Request. This contact hasn't engaged with you in the last 24 hrs. (HTTP 400, code 2048, POST /v1/contacts/%2B16315551000/block)"
    )
    expect(String(error)).toBe(`NotEngaged: ${error!.message}`)
  })

  it("a body that is not JSON says so, with the call", async () => {
    const c = client()
    const error = await c.blocklistPage().then(() => undefined, (e: unknown) => e as Error)
    await c.dispose()
    expect(String(error)).toMatch(/^MalformedResponse: HTTP 502 \(GET \/v1\/contacts\/blocklist\): the body is not JSON/)
  })
})
