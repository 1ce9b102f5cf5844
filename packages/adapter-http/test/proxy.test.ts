/** Through an HTTP proxy (`proxy` / `WA_PROXY`): tunnelled with CONNECT, TLS still checked end to end. */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect } from "effect"
import { HttpConfigError } from "../src/index.ts"
import { selfSigned } from "./support/certificate.ts"
import { proxy } from "./support/proxy.ts"
import { closedPort, json, serve } from "./support/server.ts"
import { request, transport } from "./support/transport.ts"

const blocklist = request("GET", "/v1/contacts/blocklist")

describe("proxy", () => {
  it.live("requests to an http server go through the proxy", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 200, { ok: true }))
      const tunnel = yield* proxy
      const { send } = yield* transport({ baseUrl: server.url, token: "t", proxy: tunnel.url })
      assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.strictEqual(tunnel.tunnels[0]?.target, `127.0.0.1:${server.port}`)
      assert.strictEqual(server.requests[0]?.headers.authorization, "Bearer t")
    }))

  it.live("https through the proxy still verifies the server's certificate with the CA", () =>
    Effect.gen(function*() {
      const certificate = yield* selfSigned
      const server = yield* serve((_, res) => json(res, 200, { ok: true }), { tls: certificate })
      const tunnel = yield* proxy
      const untrusted = yield* transport({ baseUrl: server.url, token: "t", proxy: tunnel.url })
      assert.strictEqual((yield* Effect.flip(untrusted.send(blocklist))).reason, "Tls")
      const trusted = yield* transport({ baseUrl: server.url, token: "t", proxy: tunnel.url, ca: certificate.cert })
      assert.strictEqual((yield* trusted.send(blocklist)).status, 200)
      assert.isAtLeast(tunnel.tunnels.length, 2)
    }))

  it.live("proxy credentials are sent as Proxy-Authorization and never printed", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 200, {}))
      const tunnel = yield* proxy
      const withCredentials = tunnel.url.replace("http://", "http://squid:Pr0xy-Secret-42@")
      const { send } = yield* transport({ baseUrl: server.url, proxy: withCredentials })
      yield* send(blocklist)
      assert.strictEqual(tunnel.tunnels[0]?.authorization, `Basic ${Buffer.from("squid:Pr0xy-Secret-42").toString("base64")}`)
      // A proxy that is down: the error names no credentials.
      const port = yield* closedPort
      const down = yield* transport({ baseUrl: server.url, proxy: `http://squid:Pr0xy-Secret-42@127.0.0.1:${port}` })
      const error = yield* Effect.flip(down.send(blocklist))
      assert.strictEqual(error.reason, "ConnectionRefused")
      for (const text of [String(error), JSON.stringify(error), Cause.pretty(Cause.fail(error))]) {
        assert.notInclude(text, "Pr0xy-Secret-42")
      }
    }))

  it.effect("a proxy that is not an http(s) URL is refused without repeating it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(transport({ baseUrl: "https://coreapp", proxy: "socks5://u:Secret-9@proxy:1080" }))
      assert.instanceOf(error, HttpConfigError)
      assert.strictEqual(error.setting, "proxy")
      assert.notInclude(error.message, "Secret-9")
    }))
})
