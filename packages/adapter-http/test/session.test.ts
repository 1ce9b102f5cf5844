/**
 * Logging in (spec §1): lazily, once for everyone, with the new password on a first login,
 * renewed before `expires_after` and once after a 401. Refusals come back as the response of the
 * request, so the core maps them to its typed errors.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Errors, Response, Transport } from "@wa-contacts/core"
import { expiresAfter, json, onPrem, type Recorded, serve } from "./support/server.ts"
import { request, transport } from "./support/transport.ts"

const blocklist = request("GET", "/v1/contacts/blocklist")
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
/** Requests that reached the route (everything but logins). */
const routeHits = (requests: ReadonlyArray<Recorded>) => requests.filter((r) => r.url !== "/v1/users/login")

describe("login", () => {
  it.live("logs in when the first request needs it (not when built), with Basic auth, then reuses the token", () =>
    Effect.gen(function*() {
      const fake = onPrem()
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "S3cret!pass" })).send
      assert.strictEqual(server.requests.length, 0)
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.strictEqual(fake.logins.length, 1)
      const login = server.requests[0]!
      assert.strictEqual(login.method, "POST")
      assert.strictEqual(login.url, "/v1/users/login")
      assert.strictEqual(login.headers.authorization, basic("admin", "S3cret!pass"))
      assert.strictEqual(login.body, "")
      for (const hit of routeHits(server.requests)) assert.strictEqual(hit.headers.authorization, `Bearer ${fake.issued[0]}`)
    }))

  it.live("first login: 401 / 1024 → logs in again with new_password, which is the password from then on", () =>
    Effect.gen(function*() {
      const fake = onPrem({ users: { admin: "secret" }, mustChangePassword: ["admin"] })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({
        baseUrl: server.url,
        username: "admin",
        password: "secret",
        newPassword: "N3w!Passw0rd"
      })).send
      assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.deepStrictEqual(fake.logins.map(({ body, ok, password }) => ({ password, body: body && JSON.parse(body), ok })), [
        { password: "secret", body: "", ok: false },
        { password: "secret", body: { new_password: "N3w!Passw0rd" }, ok: true }
      ])
      // A later login (after the tokens are gone) uses the new password, with an empty body.
      fake.revokeTokens()
      assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.deepStrictEqual(fake.logins[2], { user: "admin", password: "N3w!Passw0rd", body: "", ok: true })
    }))

  it.live("a password a previous run already changed: 1005 with the old one → logs in with the new one", () =>
    Effect.gen(function*() {
      const fake = onPrem({ users: { admin: "N3w!Passw0rd" } })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({
        baseUrl: server.url,
        username: "admin",
        password: "secret",
        newPassword: "N3w!Passw0rd"
      })).send
      assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.deepStrictEqual(fake.logins.map((l) => [l.password, l.ok]), [["secret", false], ["N3w!Passw0rd", true]])
    }))

  it.live("first login without a configured new password → the 401 / 1024 is the response: PasswordChangeRequired", () =>
    Effect.gen(function*() {
      const fake = onPrem({ users: { admin: "secret" }, mustChangePassword: ["admin"] })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "secret" })).send
      const response = yield* send(request("POST", "/v1/contacts", { body: { contacts: ["+16315551000"] } }))
      assert.strictEqual(response.status, 401)
      assert.instanceOf(Response.errorOf(response, 0), Errors.PasswordChangeRequired)
      assert.strictEqual(routeHits(server.requests).length, 0)
      assert.strictEqual(fake.logins.length, 1)
    }))

  it.live("bad credentials → the login's 401 / 1005 is the response: Unauthorized; the request is not sent", () =>
    Effect.gen(function*() {
      const fake = onPrem()
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "wrong" })).send
      const response = yield* send(request("POST", "/v1/contacts", { body: { contacts: ["+16315551000"] } }))
      assert.strictEqual(response.status, 401)
      assert.instanceOf(Response.errorOf(response, 0), Errors.Unauthorized)
      assert.strictEqual(routeHits(server.requests).length, 0)
    }))

  it.live("a login answered 503 → that answer is the response (Overloaded, which the core retries)", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 503, { errors: [{ code: 1016, title: "System overloaded" }] }))
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "x" })).send
      const response = yield* send(blocklist)
      assert.strictEqual(response.status, 503)
      assert.instanceOf(Response.errorOf(response, 0), Errors.Overloaded)
    }))

  it.live("a login whose connection drops → TransportError that says the request was not sent", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, __, raw) => raw.socket.destroy())
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "x" })).send
      const error = yield* Effect.flip(send(request("POST", "/v1/contacts/%2B16315551000/report", { body: {} })))
      assert.instanceOf(error, Transport.TransportError)
      assert.strictEqual(error.reason, "ConnectionReset")
      assert.isFalse(error.requestSent)
      assert.include(error.message, "/v1/users/login")
      assert.strictEqual(server.requests.length, 1)
    }))

  it.live("a login answered 200 without a token → TransportError, not a silent success", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, res) => json(res, 200, { users: [] }))
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "x" })).send
      const error = yield* Effect.flip(send(blocklist))
      assert.strictEqual(error.reason, "Other")
      assert.isFalse(error.requestSent)
    }))
})

describe("token renewal", () => {
  it.effect("renews the token 5 minutes before expires_after (time moved with TestClock)", () =>
    Effect.gen(function*() {
      const hour = 3_600_000
      const fake = onPrem({ expiresAfter: (n) => expiresAfter(n === 1 ? hour : 30 * 86_400_000) })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "S3cret!pass" })).send
      yield* send(blocklist) // t = 0: login 1, token expires at 1 h
      yield* TestClock.adjust("54 minutes")
      yield* send(blocklist) // t = 54 min: still token 1
      assert.strictEqual(fake.logins.length, 1)
      yield* TestClock.adjust("2 minutes")
      yield* send(blocklist) // t = 56 min: inside the margin → login 2
      assert.strictEqual(fake.logins.length, 2)
      const used = routeHits(server.requests).map((r) => r.headers.authorization)
      assert.deepStrictEqual(used, [`Bearer ${fake.issued[0]}`, `Bearer ${fake.issued[0]}`, `Bearer ${fake.issued[1]}`])
    }))

  it.live("a 401 mid-run → exactly one new login and the request is sent again, once", () =>
    Effect.gen(function*() {
      const fake = onPrem()
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "S3cret!pass" })).send
      yield* send(blocklist)
      fake.revokeTokens() // the server forgot the token (restart, logout elsewhere, expiry)
      const response = yield* send(request("POST", "/v1/contacts", { body: { contacts: ["+16315551000"] } }))
      assert.strictEqual(response.status, 200)
      assert.strictEqual(fake.logins.length, 2)
      const posts = routeHits(server.requests).filter((r) => r.method === "POST")
      assert.deepStrictEqual(posts.map((r) => r.headers.authorization), [
        `Bearer ${fake.issued[0]}`,
        `Bearer ${fake.issued[1]}`
      ])
    }))

  it.live("a second 401 right after the new login is returned as is (Unauthorized), no loop", () =>
    Effect.gen(function*() {
      const fake = onPrem({ route: (_, res) => json(res, 401, { errors: [{ code: 1005, title: "Access denied" }] }) })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "S3cret!pass" })).send
      const response = yield* send(blocklist)
      assert.strictEqual(response.status, 401)
      assert.instanceOf(Response.errorOf(response, 0), Errors.Unauthorized)
      assert.strictEqual(fake.logins.length, 2)
      assert.strictEqual(routeHits(server.requests).length, 2)
    }))

  it.live("concurrent first requests share exactly one login", () =>
    Effect.gen(function*() {
      const fake = onPrem({ loginDelayMillis: 50 })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "S3cret!pass" })).send
      const responses = yield* Effect.forEach(Array.from({ length: 20 }), () => send(blocklist), { concurrency: 20 })
      assert.isTrue(responses.every((r) => r.status === 200))
      assert.strictEqual(fake.logins.length, 1)
    }))

  it.live("concurrent requests that all get a 401 share exactly one new login", () =>
    Effect.gen(function*() {
      const fake = onPrem({ loginDelayMillis: 20 })
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, username: "admin", password: "S3cret!pass" })).send
      yield* send(blocklist)
      fake.revokeTokens()
      const responses = yield* Effect.forEach(Array.from({ length: 10 }), () => send(blocklist), { concurrency: 10 })
      assert.isTrue(responses.every((r) => r.status === 200))
      assert.strictEqual(fake.logins.length, 2)
    }))

  it.live("a static token: a 401 is returned as is, there is nothing to log in with", () =>
    Effect.gen(function*() {
      const fake = onPrem()
      const server = yield* serve(fake.handler)
      const send = (yield* transport({ baseUrl: server.url, token: "not-issued" })).send
      const response = yield* send(blocklist)
      assert.strictEqual(response.status, 401)
      assert.strictEqual(fake.logins.length, 0)
    }))

  it.live("a token plus credentials: the token is used first, the credentials renew it after a 401", () =>
    Effect.gen(function*() {
      const fake = onPrem()
      const server = yield* serve(fake.handler)
      const send = (yield* transport({
        baseUrl: server.url,
        token: "stale-token",
        username: "admin",
        password: "S3cret!pass"
      })).send
      assert.strictEqual((yield* send(blocklist)).status, 200)
      assert.deepStrictEqual(server.requests.map((r) => r.headers.authorization), [
        "Bearer stale-token",
        basic("admin", "S3cret!pass"),
        `Bearer ${fake.issued[0]}`
      ])
    }))
})
