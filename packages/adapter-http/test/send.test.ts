/**
 * Sending the core's requests: every route shape of the contacts node reaches a real server
 * exactly as built, and whatever the server answers comes back as status, headers and body.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Errors, Response } from "@wa-contacts/core"
import { json, serve } from "./support/server.ts"
import { jsonOf, request, transport } from "./support/transport.ts"

const echoServer = serve((req, res) => json(res, 200, { seen: req }))

describe("route shapes", () => {
  it.live("GET with a query sends the encoded query and no body", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const response = yield* send(request("GET", "/v1/contacts/blocklist", { query: { limit: "10", offset: "0" } }))
      assert.strictEqual(response.status, 200)
      const seen = server.requests[0]!
      assert.strictEqual(seen.method, "GET")
      assert.strictEqual(seen.url, "/v1/contacts/blocklist?limit=10&offset=0")
      assert.strictEqual(seen.body, "")
      assert.deepStrictEqual(jsonOf(response).seen.url, seen.url)
    }))

  it.live("POST with a body sends it as JSON", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const body = { blocking: "no_wait", contacts: ["+16315551000", "+1 (631) 555-1004"], force_check: false }
      yield* send(request("POST", "/v1/contacts", { body }))
      const seen = server.requests[0]!
      assert.strictEqual(seen.method, "POST")
      assert.strictEqual(seen.headers["content-type"], "application/json")
      assert.deepStrictEqual(JSON.parse(seen.body), body)
    }))

  it.live("PUT with a body", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      yield* send(request("PUT", "/v1/contacts/16315551000/identity", { body: { hash: "UKD6Y/5SqDU=" } }))
      const seen = server.requests[0]!
      assert.strictEqual(seen.method, "PUT")
      assert.strictEqual(seen.url, "/v1/contacts/16315551000/identity")
      assert.deepStrictEqual(JSON.parse(seen.body), { hash: "UKD6Y/5SqDU=" })
    }))

  it.live("a percent-encoded path arrives as encoded, not decoded or re-encoded", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      yield* send(request("POST", "/v1/contacts/%2B16315551000/block", { body: {} }))
      yield* send(request("POST", "/v1/contacts/%2B1%20631%20555%201001/unblock"))
      assert.strictEqual(server.requests[0]!.url, "/v1/contacts/%2B16315551000/block")
      assert.strictEqual(server.requests[1]!.url, "/v1/contacts/%2B1%20631%20555%201001/unblock")
      assert.strictEqual(server.requests[1]!.body, "")
    }))

  it.live("a base URL with a path prefix (a gateway) keeps the prefix, with or without a final slash", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      for (const baseUrl of [`${server.url}/whatsapp`, `${server.url}/whatsapp/`]) {
        const send = (yield* transport({ baseUrl, token: "t" })).send
        yield* send(request("GET", "/v1/contacts/blocklist"))
      }
      assert.deepStrictEqual(server.requests.map((r) => r.url), [
        "/whatsapp/v1/contacts/blocklist",
        "/whatsapp/v1/contacts/blocklist"
      ])
    }))
})

describe("requests that cannot be sent", () => {
  it.live("a body that is not JSON-serialisable → TransportError Other, not sent, nothing reaches the server", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const error = yield* Effect.flip(send(request("POST", "/v1/contacts", { body: { contacts: [1n] } })))
      assert.strictEqual(error.reason, "Other")
      assert.isFalse(error.requestSent)
      assert.isFalse(error.retryable)
      assert.strictEqual(server.requests.length, 0)
    }))
})

describe("headers", () => {
  it.live("bearer token, user agent, accept, extra (API-key) headers and the core's own headers", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({
        baseUrl: server.url,
        token: Redacted.make("the-token"),
        headers: { "D360-API-KEY": Redacted.make("key-123"), "X-Tenant": "acme" }
      })).send
      yield* send(request("GET", "/v1/contacts/blocklist", { headers: { "x-request-id": "r1" } }))
      const headers = server.requests[0]!.headers
      assert.strictEqual(headers.authorization, "Bearer the-token")
      assert.match(String(headers["user-agent"]), /^wa-contacts\/\d+\.\d+\.\d+/)
      assert.strictEqual(headers.accept, "application/json")
      assert.strictEqual(headers["d360-api-key"], "key-123")
      assert.strictEqual(headers["x-tenant"], "acme")
      assert.strictEqual(headers["x-request-id"], "r1")
    }))

  it.live("a gateway with only an API key gets no Authorization header; the user agent can be set", () =>
    Effect.gen(function*() {
      const server = yield* echoServer
      const send = (yield* transport({ baseUrl: server.url, headers: { "X-Api-Key": "k" }, userAgent: "my-app/2" })).send
      yield* send(request("GET", "/v1/contacts/blocklist"))
      const headers = server.requests[0]!.headers
      assert.isUndefined(headers.authorization)
      assert.strictEqual(headers["x-api-key"], "k")
      assert.strictEqual(headers["user-agent"], "my-app/2")
    }))
})

describe("responses are passed through for the core to interpret", () => {
  it.live("429 with Retry-After: status, header and error body are visible; no retry at HTTP level", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) =>
        json(res, 429, { errors: [{ code: 1015, title: "Too many requests" }] }, { "retry-after": "3" })
      )
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const response = yield* send(request("POST", "/v1/contacts", { body: { contacts: ["+16315551000"] } }))
      assert.strictEqual(response.status, 429)
      assert.strictEqual(response.headers["retry-after"], "3")
      assert.strictEqual(server.requests.length, 1)
      const error = Response.errorOf(response, 0)
      assert.instanceOf(error, Errors.RateLimited)
      assert.strictEqual((error as Errors.RateLimited).retryAfterMillis, 3000)
    }))

  it.live("503 comes back as a response (the core owns the retry policy)", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 503, { errors: [{ code: 1016, title: "System overloaded" }] }))
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const response = yield* send(request("GET", "/v1/contacts/blocklist"))
      assert.strictEqual(response.status, 503)
      assert.strictEqual(server.requests.length, 1)
      assert.instanceOf(Response.errorOf(response, 0), Errors.Overloaded)
    }))

  it.live("a body that is not JSON (a proxy's HTML page, an empty 502) comes back as Text", () =>
    Effect.gen(function*() {
      const html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
      let n = 0
      const server = yield* serve((_, res) => {
        n++
        res.writeHead(502, { "content-type": "text/html" })
        res.end(n === 1 ? html : "")
      })
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const page = yield* send(request("POST", "/v1/contacts", { body: { contacts: [] } }))
      assert.deepStrictEqual(page.body, { _tag: "Text", text: html })
      const empty = yield* send(request("POST", "/v1/contacts", { body: { contacts: [] } }))
      assert.deepStrictEqual(empty.body, { _tag: "Text", text: "" })
      const error = Response.errorOf(page, 0)
      assert.instanceOf(error, Errors.MalformedResponse)
      assert.strictEqual((error as Errors.MalformedResponse).status, 502)
    }))

  it.live("a truncated JSON body with status 200 comes back as Text", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end('{"contacts":[{"input":"+1631')
      })
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const response = yield* send(request("POST", "/v1/contacts", { body: { contacts: ["+16315551000"] } }))
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.body._tag, "Text")
    }))
})
