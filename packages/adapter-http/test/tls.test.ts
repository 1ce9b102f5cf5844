/**
 * TLS with the self-signed certificates On-Premises clients use: refused unless trusted, trusted
 * through a CA bundle (file or PEM text), or, loudly, with verification switched off.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpTransport } from "../src/index.ts"
import { selfSigned } from "./support/certificate.ts"
import { json, serve } from "./support/server.ts"
import { capturingLogs, jsonOf, request, transport } from "./support/transport.ts"

const tlsServer = Effect.gen(function*() {
  const certificate = yield* selfSigned
  const server = yield* serve((_, res) => json(res, 200, { ok: true }), { tls: certificate })
  return { certificate, server }
})

const blocklist = request("GET", "/v1/contacts/blocklist")

describe("TLS", () => {
  it.live("a self-signed certificate without its CA → TransportError Tls, not retryable, not sent", () =>
    Effect.gen(function*() {
      const { server } = yield* tlsServer
      const send = (yield* transport({ baseUrl: server.url, token: "t" })).send
      const error = yield* Effect.flip(send(blocklist))
      assert.strictEqual(error.reason, "Tls")
      assert.isFalse(error.retryable)
      assert.isFalse(error.requestSent)
      assert.include(error.message, "SELF_SIGNED")
      assert.include(error.message, "WA_CA_FILE")
      assert.strictEqual(server.requests.length, 0)
    }))

  it.live("trusted with the CA file", () =>
    Effect.gen(function*() {
      const { certificate, server } = yield* tlsServer
      const send = (yield* transport({ baseUrl: server.url, token: "t", ca: certificate.certFile })).send
      const response = yield* send(blocklist)
      assert.deepStrictEqual(jsonOf(response), { ok: true })
    }))

  it.live("trusted with the CA as PEM text", () =>
    Effect.gen(function*() {
      const { certificate, server } = yield* tlsServer
      const send = (yield* transport({ baseUrl: server.url, token: "t", ca: certificate.cert })).send
      assert.strictEqual((yield* send(blocklist)).status, 200)
    }))

  it.live("another certificate's CA does not make this one trusted", () =>
    Effect.gen(function*() {
      const { server } = yield* tlsServer
      const other = yield* selfSigned
      const send = (yield* transport({ baseUrl: server.url, token: "t", ca: other.cert })).send
      const error = yield* Effect.flip(send(blocklist))
      assert.strictEqual(error.reason, "Tls")
    }))

  it.live("the insecure switch accepts it, and logs a warning every time the transport is built", () =>
    Effect.gen(function*() {
      const { server } = yield* tlsServer
      const { lines, value } = yield* capturingLogs(Effect.gen(function*() {
        const first = yield* transport({ baseUrl: server.url, token: "t", insecure: true })
        yield* transport({ baseUrl: server.url, token: "t", insecure: true })
        return yield* first.send(blocklist)
      }))
      assert.strictEqual(value.status, 200)
      const warnings = lines.filter((line) => line.includes("TLS certificate verification is OFF"))
      assert.strictEqual(warnings.length, 2)
      assert.include(warnings[0], "WARN")
    }))

  it.live("no warning without the insecure switch", () =>
    Effect.gen(function*() {
      const { certificate, server } = yield* tlsServer
      const { lines } = yield* capturingLogs(transport({ baseUrl: server.url, token: "t", ca: certificate.certFile }))
      assert.isFalse(lines.some((line) => line.includes(HttpTransport.INSECURE_WARNING)))
    }))
})
