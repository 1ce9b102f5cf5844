/**
 * End to end against the project's simulator served over real HTTP(S) on 127.0.0.1: the core's
 * operations, through this transport, against `@wa-contacts/adapter-mock`'s server, with its
 * faults, its clock and its TLS.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { Check, Blocking, Errors, Response, Transport } from "@wa-contacts/core"
import { Simulator, SimulatorServer, type SimulatorConfig } from "@wa-contacts/adapter-mock"
import { createHttpClient, HttpTransport } from "../src/index.ts"
import { selfSigned } from "./support/certificate.ts"
import { request } from "./support/transport.ts"

const NEW_PASSWORD = "N3w!Passw0rd"

/** A simulator server for one test, and its control surface. */
const simulator = (config: SimulatorConfig.SimulatorConfig = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(SimulatorServer.layer({ lookupLatency: 0, ...config }))
    return { server: Context.get(context, SimulatorServer.SimulatorServer), control: Context.get(context, Simulator.Simulator) }
  })

/** POST to the simulator's own control surface, as a test harness would over HTTP. */
const control = (url: string, name: string, body: unknown) =>
  Effect.promise(() =>
    fetch(`${url}/_simulator/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      .then((r) => r.json())
  )

const logins = (control: Simulator.SimulatorShape) =>
  Effect.map(control.state, (state) =>
    Object.entries(state.requestsByRoute).filter(([route]) => route.includes("/v1/users/login")).reduce((n, [, c]) => n + c, 0))

const factoryLogin = (baseUrl: string) => ({ baseUrl, username: "admin", password: "secret", newPassword: NEW_PASSWORD })

describe("the core's operations over HTTP against the simulator", () => {
  it.live("first login sets the new password; check, block, blocklist and identity work", () =>
    Effect.gen(function*() {
      const { server, control: sim } = yield* simulator()
      const transportLayer = HttpTransport.layer(factoryLogin(server.url))
      const results = yield* Check.checkBatch(["+16315551000", "+1 631 555 1001", "+16315559999"], { blocking: "wait" })
        .pipe(Effect.provide(transportLayer))
      assert.deepStrictEqual(results.map((r) => r._tag), ["WhatsAppUser", "WhatsAppUser", "NotWhatsAppUser"])

      yield* sim.recordInbound("+16315551000")
      yield* Effect.gen(function*() {
        yield* Blocking.block("+16315551000", { reason: "spam" })
        const page = yield* Blocking.blocklistPage({ limit: 10 })
        assert.strictEqual(page.contacts.length, 1)
        yield* Blocking.unblock("+16315551000")
      }).pipe(Effect.provide(transportLayer))
      // First layer: 1024, then new_password. Second layer (a new process, same settings): the old
      // password gets 1005, the new one works.
      assert.strictEqual(yield* logins(sim), 4)
    }))

  it.live("a token expired on the server (its clock moved 8 days) → one new login, the call succeeds", () =>
    Effect.gen(function*() {
      const { server, control: sim } = yield* simulator()
      const { send } = yield* HttpTransport.make(factoryLogin(server.url))
      const blocklist = request("GET", "/v1/contacts/blocklist")
      assert.strictEqual((yield* send(blocklist)).status, 200)
      const before = yield* logins(sim)
      yield* control(server.url, "clock", { advance_seconds: 8 * 86_400 })
      assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.strictEqual((yield* logins(sim)) - before, 1)
    }))

  it.live("concurrent first requests share one login (simulator)", () =>
    Effect.gen(function*() {
      const { server, control: sim } = yield* simulator({ accounts: [{ username: "ops", password: "Ops!pass1" }] })
      const { send } = yield* HttpTransport.make({ baseUrl: server.url, username: "ops", password: "Ops!pass1" })
      const all = yield* Effect.forEach(
        Array.from({ length: 10 }),
        () => send(request("GET", "/v1/contacts/blocklist")),
        { concurrency: 10 }
      )
      assert.isTrue(all.every((r) => r.status === 200))
      assert.strictEqual(yield* logins(sim), 1)
    }))

  it.live("the factory account without a new password → PasswordChangeRequired from the core", () =>
    Effect.gen(function*() {
      const { server } = yield* simulator()
      const error = yield* Effect.flip(
        Check.checkBatch(["+16315551000"]).pipe(
          Effect.provide(HttpTransport.layer({ baseUrl: server.url, username: "admin", password: "secret" }))
        )
      )
      assert.instanceOf(error, Errors.PasswordChangeRequired)
    }))

  it.live("wrong credentials → Unauthorized from the core", () =>
    Effect.gen(function*() {
      const { server } = yield* simulator({ accounts: [{ username: "ops", password: "Ops!pass1" }] })
      const error = yield* Effect.flip(
        Blocking.blocklistPage().pipe(
          Effect.provide(HttpTransport.layer({ baseUrl: server.url, username: "ops", password: "nope" }))
        )
      )
      assert.instanceOf(error, Errors.Unauthorized)
    }))
})

describe("the simulator's faults through the transport", () => {
  const setup = Effect.gen(function*() {
    const { server } = yield* simulator({ tokens: ["fixed-token"] })
    const { send } = yield* HttpTransport.make({ baseUrl: server.url, token: "fixed-token", timeout: 300 })
    return { url: server.url, send }
  })
  const check = request("POST", "/v1/contacts", { body: { blocking: "no_wait", contacts: ["+16315551000"] } })

  it.live("rate limit: 429 with Retry-After passed through", () =>
    Effect.gen(function*() {
      const { url, send } = yield* setup
      yield* control(url, "faults", { rate_limit: { rps: 1, burst: 1 } })
      yield* send(check)
      const response = yield* send(check)
      assert.strictEqual(response.status, 429)
      assert.isDefined(response.headers["retry-after"])
      assert.instanceOf(Response.errorOf(response, Date.now()), Errors.RateLimited)
    }))

  it.live("overloaded: 503 passed through", () =>
    Effect.gen(function*() {
      const { url, send } = yield* setup
      yield* control(url, "faults", { overloaded_next: 1 })
      assert.strictEqual((yield* send(check)).status, 503)
      assert.strictEqual((yield* send(check)).status, 200)
    }))

  it.live("malformed bodies come back as Text", () =>
    Effect.gen(function*() {
      const { url, send } = yield* setup
      yield* control(url, "faults", { malformed_next: 3 })
      for (let i = 0; i < 3; i++) {
        const response = yield* send(check)
        assert.strictEqual(response.body._tag, "Text")
        assert.instanceOf(Response.errorOf(response, 0), Errors.MalformedResponse)
      }
    }))

  it.live("a dropped connection → TransportError ConnectionReset", () =>
    Effect.gen(function*() {
      const { url, send } = yield* setup
      yield* control(url, "faults", { dropped_next: 1 })
      const error = yield* Effect.flip(send(check))
      assert.instanceOf(error, Transport.TransportError)
      assert.strictEqual(error.reason, "ConnectionReset")
      assert.isTrue(error.requestSent)
    }))

  it.live("a slow answer beyond the timeout → TransportError Timeout", () =>
    Effect.gen(function*() {
      const { url, send } = yield* setup
      yield* control(url, "faults", { slow_next: 1, slow_ms: 1_000 })
      const started = Date.now()
      const error = yield* Effect.flip(send(check))
      assert.strictEqual(error.reason, "Timeout")
      assert.isBelow(Date.now() - started, 900)
    }))
})

describe("TLS and the Promise facade against the simulator", () => {
  it.live("https with a self-signed certificate: refused without its CA, works with it", () =>
    Effect.gen(function*() {
      const certificate = yield* selfSigned
      const { server } = yield* simulator({ tlsCert: certificate.cert, tlsKey: certificate.key, tokens: ["t"] })
      assert.isTrue(server.url.startsWith("https://"))
      const untrusted = yield* HttpTransport.make({ baseUrl: server.url, token: "t" })
      const error = yield* Effect.flip(untrusted.send(request("GET", "/v1/contacts/blocklist")))
      assert.strictEqual(error.reason, "Tls")
      const trusted = yield* HttpTransport.make({ baseUrl: server.url, token: "t", ca: certificate.certFile })
      assert.strictEqual((yield* trusted.send(request("GET", "/v1/contacts/blocklist"))).status, 200)
    }))

  it.live("createHttpClient: one line to a Promise client", () =>
    Effect.gen(function*() {
      const { server } = yield* simulator()
      const client = createHttpClient(factoryLogin(server.url))
      const results = yield* Effect.promise(() => client.check(["+16315551000"], { blocking: "wait" }))
      yield* Effect.promise(() => client.dispose())
      assert.strictEqual(results[0]?._tag, "WhatsAppUser")
    }))

  it.live("createHttpClient with a setting that cannot work rejects with HttpConfigError", () =>
    Effect.gen(function*() {
      const client = createHttpClient({ baseUrl: "https://graph.facebook.com/v19.0" })
      const error = yield* Effect.promise(() => client.check(["+16315551000"]).then(() => undefined, (e: unknown) => e))
      yield* Effect.promise(() => client.dispose())
      assert.strictEqual((error as { _tag?: string })._tag, "HttpConfigError")
    }))
})
