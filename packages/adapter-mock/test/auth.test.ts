import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { SimulatorTransport } from "../src/index.ts"
import * as Auth from "../src/internal/Auth.ts"
import { errorOf, jsonOf, send, vendorBodies } from "./helpers.ts"

// No automatic bearer token: these tests log in like a remote client.
const sim = SimulatorTransport.layer({}, { autoAuthorize: false })
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
const login = (authorization: string | undefined, body?: unknown) =>
  Effect.map(
    send({ method: "POST", path: "/v1/users/login", body, headers: authorization === undefined ? {} : { authorization } }),
    (r) => ({ status: r.status, body: jsonOf(r) })
  )
const strong = "N3w-Passw0rd!"
const firstLogin = Effect.map(login(basic("admin", "secret"), { new_password: strong }), (r) => r.body.users[0].token as string)
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

const securedRoutes = [
  { method: "POST", path: "/v1/contacts", body: { contacts: ["+16315551000"] } },
  { method: "GET", path: "/v1/contacts/blocklist" },
  { method: "POST", path: "/v1/contacts/%2B16315551000/block" },
  { method: "POST", path: "/v1/contacts/%2B16315551000/unblock" },
  { method: "POST", path: "/v1/contacts/%2B16315551000/report" },
  { method: "GET", path: "/v1/contacts/16315551000/identity" },
  { method: "PUT", path: "/v1/contacts/16315551000/identity", body: { hash: "x" } }
] as const

describe("login: the factory account must set a new password first (spec §1)", () => {
  it.effect("admin/secret without new_password → 401 / 1024", () =>
    Effect.gen(function*() {
      const { status, body } = yield* login(basic("admin", "secret"))
      expect(status).toBe(401)
      expect(errorOf(body)).toMatchObject({ code: 1024, title: "Password Change Required" })
    }).pipe(Effect.provide(sim)))

  it.effect("with a strong new_password → 200 with a token and expires_after in 7 days", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust(Date.UTC(2018, 1, 22, 15, 29, 26))
      const { status, body } = yield* login(basic("admin", "secret"), { new_password: strong })
      expect(status).toBe(200)
      expect(Object.keys(body.users[0]).sort()).toEqual(Object.keys(vendorBodies["login_response"]!.body.users[0]).sort())
      expect(body.users[0].expires_after).toBe("2018-03-01 15:29:26+00:00")
      expect(body.users[0].token.length).toBeGreaterThanOrEqual(40)
      // The old password is gone, the new one works without another change.
      expect((yield* login(basic("admin", "secret"))).status).toBe(401)
      expect((yield* login(basic("admin", strong))).status).toBe(200)
    }).pipe(Effect.provide(sim)))

  for (const weak of ["Sh0rt!", "alllowercase1!", "ALLUPPERCASE1!", "NoDigitsHere!", "NoSpecial123", `A1!${"a".repeat(62)}`]) {
    it.effect(`a new_password that breaks the policy (${weak.slice(0, 16)}…) → 400 / 1009`, () =>
      Effect.gen(function*() {
        const { status, body } = yield* login(basic("admin", "secret"), { new_password: weak })
        expect(status).toBe(400)
        expect(errorOf(body).code).toBe(1009)
      }).pipe(Effect.provide(sim)))
  }

  it.effect("wrong password, unknown user, missing or malformed Authorization → 401 / 1005", () =>
    Effect.gen(function*() {
      for (const authorization of [basic("admin", "wrong"), basic("root", "secret"), undefined, "Basic !!!", "Bearer x"]) {
        const { status, body } = yield* login(authorization)
        expect(status).toBe(401)
        expect(errorOf(body).code).toBe(1005)
      }
    }).pipe(Effect.provide(sim)))

  it("the password policy", () => {
    expect(Auth.isStrongPassword(strong)).toBe(true)
    expect(Auth.isStrongPassword("Aa1!aaaa")).toBe(true)
    expect(Auth.isStrongPassword("Aa1!aaa")).toBe(false)
    expect(Auth.isStrongPassword(`Aa1!${"a".repeat(60)}`)).toBe(true)
    expect(Auth.isStrongPassword(`Aa1!${"a".repeat(61)}`)).toBe(false)
  })

  it("tokens are random: two logins never share one", () => {
    const accounts = new Auth.Accounts([{ username: "u", password: "p" }], [])
    const tokens = new Set<string>()
    for (let i = 0; i < 100; i++) {
      const result = accounts.login(basic("u", "p"), undefined, 0)
      if (result._tag !== "LoggedIn") throw new Error("login failed")
      tokens.add(result.token)
    }
    expect(tokens.size).toBe(100)
  })
})

describe("tokens: 401 / 1005 for a missing, bad or expired token on every /v1/contacts route (spec §1)", () => {
  for (const route of securedRoutes) {
    it.effect(`${route.method} ${route.path}`, () =>
      Effect.gen(function*() {
        const token = yield* firstLogin
        for (const headers of [{}, bearer("not-a-token"), { authorization: basic("admin", strong) }]) {
          const response = yield* send({ ...route, headers })
          expect(response.status).toBe(401)
          const error = errorOf(jsonOf(response))
          expect(error).toEqual(vendorBodies["unauthorized"]!.body.errors[0])
        }
        const ok = yield* send({ ...route, headers: bearer(token) })
        expect(ok.status).not.toBe(401)
        yield* TestClock.adjust(Auth.tokenTtlMs)
        expect((yield* send({ ...route, headers: bearer(token) })).status).toBe(401)
      }).pipe(Effect.provide(sim)))
  }

  it.effect("a token is valid until 7 days after login, not a millisecond longer", () =>
    Effect.gen(function*() {
      const token = yield* firstLogin
      yield* TestClock.adjust(Auth.tokenTtlMs - 1)
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer(token) })).status).toBe(200)
      yield* TestClock.adjust(1)
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer(token) })).status).toBe(401)
    }).pipe(Effect.provide(sim)))

  it.effect("logout ends the token; other tokens stay valid", () =>
    Effect.gen(function*() {
      const first = yield* firstLogin
      const second = (yield* login(basic("admin", strong))).body.users[0].token
      expect((yield* send({ method: "POST", path: "/v1/users/logout", headers: bearer(first) })).status).toBe(200)
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer(first) })).status).toBe(401)
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer(second) })).status).toBe(200)
      expect((yield* send({ method: "POST", path: "/v1/users/logout", headers: bearer(first) })).status).toBe(401)
    }).pipe(Effect.provide(sim)))

  it.effect("configured static tokens and extra accounts are accepted", () =>
    Effect.gen(function*() {
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer("static-token") })).status).toBe(200)
      expect((yield* login(basic("ops", "pw"))).status).toBe(200)
      yield* TestClock.adjust(365 * 24 * 3600 * 1000)
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer("static-token") })).status).toBe(200)
    }).pipe(Effect.provide(SimulatorTransport.layer({
      tokens: ["static-token"],
      accounts: [{ username: "ops", password: "pw" }]
    }, { autoAuthorize: false }))))

  it.effect("the in-process transport authorizes requests that carry no token by default", () =>
    Effect.gen(function*() {
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist" })).status).toBe(200)
      expect((yield* send({ method: "GET", path: "/v1/contacts/blocklist", headers: bearer("bad") })).status).toBe(401)
    }).pipe(Effect.provide(SimulatorTransport.layer({}))))

  it("expires_after is written YYYY-MM-DD HH:MM:SS+00:00", () => {
    expect(Auth.formatExpiry(Date.UTC(2018, 2, 1, 15, 29, 26))).toBe("2018-03-01 15:29:26+00:00")
  })
})
