/**
 * Reliability (issue #8): TLS verification is on unless the insecure switch is given. An HTTPS
 * simulator with a self-signed certificate for 127.0.0.1 is refused without its CA (no request
 * reaches it), accepted with the CA, and accepted with `insecure: true` only.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Layer } from "effect"
import { Check } from "@wa-contacts/core"
import { Simulator, SimulatorServer } from "@wa-contacts/adapter-mock"
import { HttpTransport } from "../src/index.ts"
import type { HttpTransportConfig } from "../src/HttpTransportConfig.ts"
import { selfSigned } from "./support/certificate.ts"

const TOKEN = "TOKEN-s3cr3t-XYZ"

describe("TLS verification against an HTTPS simulator", () => {
  it.live("refused without the CA, accepted with it or with insecure", () =>
    Effect.gen(function*() {
      const certificate = yield* selfSigned
      const context = yield* Layer.build(SimulatorServer.layer({
        lookupLatency: 0, tokens: [TOKEN], rateLimit: false, tlsCert: certificate.cert, tlsKey: certificate.key
      }))
      const server = Context.get(context, SimulatorServer.SimulatorServer)
      const sim = Context.get(context, Simulator.Simulator)
      assert.isTrue(server.url.startsWith("https://127.0.0.1:"))
      const check = (config: Partial<HttpTransportConfig>) =>
        Effect.exit(Check.checkBatch(["+16315551000"], { blocking: "wait" }).pipe(
          Effect.provide(HttpTransport.layer({ baseUrl: server.url, token: TOKEN, ...config }))
        ))
      const requests = Effect.map(sim.state, (s) => Object.values(s.requestsByRoute).reduce((a, b) => a + b, 0))

      const refused = yield* check({})
      assert.isTrue(Exit.isFailure(refused))
      const error = Exit.isFailure(refused) ? Cause.squash(refused.cause) as { _tag: string; reason?: string } : undefined
      assert.strictEqual(error?._tag, "TransportError")
      assert.strictEqual(error?.reason, "Tls")
      assert.strictEqual(yield* requests, 0)

      const trusted = yield* check({ ca: certificate.certFile })
      assert.isTrue(Exit.isSuccess(trusted))
      const insecure = yield* check({ insecure: true })
      assert.isTrue(Exit.isSuccess(insecure))
      console.log(`[reliability] TLS: without CA → ${error?._tag}/${error?.reason}, 0 requests reached the server; with --ca-file → ok; with insecure → ok (requests: ${yield* requests})`)
    }).pipe(Effect.scoped))
})
