/**
 * No HTTP response at all: each way a real network fails becomes the core's `TransportError` with
 * the reason, `retryable` and `requestSent` the core's retry policy relies on; nothing hangs.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Transport } from "@wa-contacts/core"
import { closedPort, json, serve } from "./support/server.ts"
import { request, transport } from "./support/transport.ts"

describe("connection failures", () => {
  it.live("connection refused → ConnectionRefused, retryable, not sent", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const send = (yield* transport({ baseUrl: `http://127.0.0.1:${port}`, token: "t" })).send
      const error = yield* Effect.flip(send(request("POST", "/v1/contacts", { body: { contacts: [] } })))
      assert.instanceOf(error, Transport.TransportError)
      assert.strictEqual(error.reason, "ConnectionRefused")
      assert.isTrue(error.retryable)
      assert.isFalse(error.requestSent)
      assert.include(error.message, `127.0.0.1:${port}`)
    }))

  it.live("the server drops the connection → ConnectionReset, retryable, maybe sent", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, __, raw) => raw.socket.destroy())
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const error = yield* Effect.flip(send(request("POST", "/v1/contacts", { body: { contacts: [] } })))
      assert.strictEqual(error.reason, "ConnectionReset")
      assert.isTrue(error.retryable)
      assert.isTrue(error.requestSent)
      assert.strictEqual(server.requests.length, 1)
    }))

  it.live("the connection dies in the middle of the body → ConnectionReset, maybe sent", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res, raw) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
        res.write('{"contacts":[')
        setTimeout(() => raw.socket.destroy(), 20)
      })
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const error = yield* Effect.flip(send(request("POST", "/v1/contacts", { body: { contacts: [] } })))
      assert.strictEqual(error.reason, "ConnectionReset")
      assert.isTrue(error.requestSent)
    }))

  it.live("https:// to a plain-http server → Tls, not retryable, with a hint", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 200, {}))
      const send = (yield* transport({ baseUrl: `https://127.0.0.1:${server.port}`, token: "t" })).send
      const error = yield* Effect.flip(send(request("GET", "/v1/contacts/blocklist")))
      assert.strictEqual(error.reason, "Tls")
      assert.isFalse(error.retryable)
      assert.isFalse(error.requestSent)
      assert.include(error.message, "http://")
    }))
})

describe("timeouts", () => {
  it.live("a server that never answers → Timeout within the configured timeout", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {
        // accept the request, never answer
      })
      const send = (yield* transport({ baseUrl: server.url, token: "t", timeout: "200 millis" })).send
      const started = Date.now()
      const error = yield* Effect.flip(send(request("POST", "/v1/contacts", { body: { contacts: [] } })))
      const elapsed = Date.now() - started
      assert.strictEqual(error.reason, "Timeout")
      assert.isTrue(error.retryable)
      assert.isTrue(error.requestSent)
      assert.isAtLeast(elapsed, 190)
      assert.isBelow(elapsed, 2000)
    }))

  it.live("the timeout covers the body: headers at once, then a body that never ends → Timeout", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" })
        res.write('{"contacts":')
      })
      const send = (yield* transport({ baseUrl: server.url, token: "t", timeout: 200 })).send
      const started = Date.now()
      const error = yield* Effect.flip(send(request("GET", "/v1/contacts/blocklist")))
      assert.strictEqual(error.reason, "Timeout")
      assert.isBelow(Date.now() - started, 2000)
    }))

  it.live("after a timeout the transport still works (the stuck connection is not reused)", () =>
    Effect.gen(function*() {
      let n = 0
      const server = yield* serve((_, res) => {
        if (++n > 1) json(res, 200, { ok: true })
      })
      const send = (yield* transport({ baseUrl: server.url, token: "t", timeout: 200 })).send
      const first = yield* Effect.flip(send(request("GET", "/v1/contacts/blocklist")))
      assert.strictEqual(first.reason, "Timeout")
      const second = yield* send(request("GET", "/v1/contacts/blocklist"))
      assert.strictEqual(second.status, 200)
    }))
})
