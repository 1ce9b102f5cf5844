/**
 * Configuration: settings that cannot work are refused when the layer is built, with a message
 * that says what to do; the environment variables give the same settings as a value.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import { readFileSync } from "node:fs"
import { Transport } from "@wa-contacts/core"
import { HttpConfigError, HttpTransport, HttpTransportConfig } from "../src/index.ts"
import { version } from "../src/internal/version.ts"
import { selfSigned } from "./support/certificate.ts"
import { onPrem, serve } from "./support/server.ts"
import { request, transport } from "./support/transport.ts"

const refused = (config: HttpTransportConfig.HttpTransportConfig) =>
  Effect.flip(transport(config)).pipe(Effect.map((error) => {
    assert.instanceOf(error, HttpConfigError)
    return error
  }))

describe("base URL", () => {
  it.effect("the Cloud API host is refused, whatever the scheme or port, with what was probably meant", () =>
    Effect.gen(function*() {
      for (
        const baseUrl of [
          "https://graph.facebook.com/v19.0",
          "http://graph.facebook.com:443",
          "HTTPS://GRAPH.FACEBOOK.COM",
          "graph.facebook.com/v19.0/123456/messages",
          "https://graph.beta.facebook.com",
          "ftp://graph.facebook.com"
        ]
      ) {
        const error = yield* refused({ baseUrl, token: "t" })
        assert.strictEqual(error.setting, "baseUrl")
        assert.include(error.message, "Cloud API")
        assert.include(error.message, "https://your-coreapp:9090")
        assert.include(error.message, "different client")
      }
    }))

  it.effect("a URL that is not http(s) is refused", () =>
    Effect.gen(function*() {
      assert.include((yield* refused({ baseUrl: "ftp://coreapp:21" })).message, "https://")
      assert.include((yield* refused({ baseUrl: "file:///etc/passwd" })).message, "https://")
      assert.include((yield* refused({ baseUrl: "coreapp:9090" })).message, "https://")
      assert.include((yield* refused({ baseUrl: "not a url" })).message, "not a URL")
    }))

  it.effect("credentials in the URL are refused without repeating them", () =>
    Effect.gen(function*() {
      const error = yield* refused({ baseUrl: "https://admin:Pa55word!@coreapp:9090" })
      assert.notInclude(error.message, "Pa55word!")
      assert.notInclude(String(error), "Pa55word!")
      assert.include(error.message, "username and password")
    }))

  it.effect("a graph-like host that is not Facebook's is fine", () =>
    Effect.map(transport({ baseUrl: "https://graph.example.com:9090" }), (t) => assert.isFunction(t.send)))
})

describe("other settings", () => {
  it.effect("a password without a username, or a username without a password, is refused", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* refused({ baseUrl: "https://coreapp", password: "x" })).setting, "username")
      assert.strictEqual((yield* refused({ baseUrl: "https://coreapp", username: "admin" })).setting, "password")
    }))

  it.effect("a timeout that is not a positive duration is refused", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* refused({ baseUrl: "https://coreapp", timeout: 0 })).setting, "timeout")
      assert.strictEqual((yield* refused({ baseUrl: "https://coreapp", timeout: "Infinity" })).setting, "timeout")
    }))

  it.effect("a CA file that does not exist, or holds no certificate, is refused", () =>
    Effect.gen(function*() {
      const missing = yield* refused({ baseUrl: "https://coreapp", ca: "/nonexistent/ca.pem" })
      assert.strictEqual(missing.setting, "ca")
      assert.include(missing.message, "ENOENT")
      const notPem = yield* refused({ baseUrl: "https://coreapp", ca: new URL(import.meta.url).pathname })
      assert.include(notPem.message, "no PEM certificate")
    }))

  it.effect("an Authorization header next to a token or credentials is refused; a bad header name too", () =>
    Effect.gen(function*() {
      const conflict = yield* refused({ baseUrl: "https://coreapp", token: "t", headers: { Authorization: "x" } })
      assert.strictEqual(conflict.setting, "headers")
      assert.strictEqual((yield* refused({ baseUrl: "https://coreapp", headers: { "bad name": "x" } })).setting, "headers")
    }))

  it("the default user agent carries this package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    assert.strictEqual(version, pkg.version)
  })
})

describe("layer and layerConfig", () => {
  it.live("layerConfig reads WA_* variables and logs in with them", () =>
    Effect.gen(function*() {
      const fake = onPrem({ users: { admin: "secret" }, mustChangePassword: ["admin"] })
      const server = yield* serve(fake.handler)
      const certificate = yield* selfSigned // a PEM text in WA_CA_FILE is accepted too
      const provider = ConfigProvider.fromEnv({
        env: {
          WA_BASE_URL: server.url,
          WA_USERNAME: "admin",
          WA_PASSWORD: "secret",
          WA_NEW_PASSWORD: "N3w!Passw0rd",
          WA_TIMEOUT: "5 seconds",
          WA_INSECURE: "false",
          WA_CA_FILE: certificate.certFile,
          WA_HEADERS: "X-Api-Key=abc,X-Tenant=acme",
          WA_USER_AGENT: "ops-script/1"
        }
      })
      const response = yield* Effect.gen(function*() {
        const transport = yield* Transport.Transport
        return yield* transport.send(request("GET", "/v1/contacts/blocklist"))
      }).pipe(
        Effect.provide(HttpTransport.layerConfig().pipe(
          Layer.provide(Layer.succeed(ConfigProvider.ConfigProvider, provider))
        ))
      )
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(fake.logins.map((l) => l.ok), [false, true])
      const hit = server.requests.at(-1)!
      assert.strictEqual(hit.headers["x-api-key"], "abc")
      assert.strictEqual(hit.headers["x-tenant"], "acme")
      assert.strictEqual(hit.headers["user-agent"], "ops-script/1")
    }))

  it.effect("fromEnv: secrets are Redacted, WA_TIMEOUT takes a duration or milliseconds", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) => HttpTransportConfig.fromEnv.parse(ConfigProvider.fromEnv({ env }))
      const config = yield* read({
        WA_BASE_URL: "https://coreapp:9090",
        WA_TOKEN: "tok-Zq9x",
        WA_PASSWORD: "pw-Lm4k",
        WA_USERNAME: "admin",
        WA_TIMEOUT: "1500",
        WA_HEADERS: "D360-API-KEY=k",
        WA_PROXY: "http://u:proxy-Pw7@proxy:3128"
      })
      assert.isTrue(Redacted.isRedacted(config.token))
      assert.isTrue(Redacted.isRedacted(config.password))
      assert.isTrue(Redacted.isRedacted(config.headers?.["D360-API-KEY"]))
      assert.isTrue(Redacted.isRedacted(config.proxy))
      assert.strictEqual(Duration.toMillis(Duration.fromInputUnsafe(config.timeout!)), 1500)
      assert.notInclude(JSON.stringify(config), "tok-Zq9x")
      assert.notInclude(JSON.stringify(config), "pw-Lm4k")
      assert.notInclude(JSON.stringify(config), "proxy-Pw7")
      const minimal = yield* read({ WA_BASE_URL: "https://coreapp:9090", WA_TIMEOUT: "10 seconds" })
      assert.strictEqual(Duration.toMillis(Duration.fromInputUnsafe(minimal.timeout!)), 10_000)
      assert.isUndefined(minimal.username)
      assert.isUndefined(minimal.insecure)
    }))

  it.effect("the layer fails with HttpConfigError when a setting cannot work", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(
          Effect.gen(function*() {
            return yield* Transport.Transport
          }),
          HttpTransport.layer({ baseUrl: "https://graph.facebook.com" })
        )
      )
      assert.instanceOf(error, HttpConfigError)
    }))
})
