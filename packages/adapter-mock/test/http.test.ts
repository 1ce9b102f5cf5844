import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { request as httpsRequest } from "node:https"
import { makeSelfSigned } from "../../../testing/certificate.ts"
import { type SimulatorConfig, SimulatorServer } from "../src/index.ts"
import { vendorBodies } from "./helpers.ts"

/** Run `body` against a fresh simulator server on 127.0.0.1 (a real socket, real time). */
const withServer = <A>(config: SimulatorConfig.SimulatorConfig, body: (url: string) => Promise<A>) =>
  Effect.gen(function*() {
    const server = yield* SimulatorServer.SimulatorServer
    return yield* Effect.promise(() => body(server.url))
  }).pipe(Effect.provide(SimulatorServer.layer(config)))

const token = "test-token"
const auth = { authorization: `Bearer ${token}` }
const cfg = (extra: SimulatorConfig.SimulatorConfig = {}): SimulatorConfig.SimulatorConfig => ({ tokens: [token], ...extra })

const call = async (url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
  const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) } }
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body)
  const response = await fetch(url + path, init)
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

describe("HTTP server: listens on 127.0.0.1, port 0 picks a free port", () => {
  it.live("reports the bound address", () =>
    Effect.gen(function*() {
      const server = yield* SimulatorServer.SimulatorServer
      expect(server.host).toBe("127.0.0.1")
      expect(server.port).toBeGreaterThan(0)
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
      expect(server.tls).toBe(false)
    }).pipe(Effect.provide(SimulatorServer.layer({}))))
})

describe("HTTP server: login and tokens (spec §1)", () => {
  it.live("first login sets the password; the token opens /v1/contacts; logout ends it", () =>
    withServer({}, async (url) => {
      const basic = `Basic ${Buffer.from("admin:secret").toString("base64")}`
      const refused = await call(url, "POST", "/v1/users/login", undefined, { authorization: basic })
      expect(refused.status).toBe(401)
      expect(refused.json.errors[0].code).toBe(1024)
      const login = await call(url, "POST", "/v1/users/login", { new_password: "Str0ng-Pass" }, { authorization: basic })
      expect(login.status).toBe(200)
      expect(login.json.users[0].expires_after).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/)
      const bearer = { authorization: `Bearer ${login.json.users[0].token}` }
      const unauthorized = await call(url, "GET", "/v1/contacts/blocklist", undefined, {})
      expect(unauthorized.status).toBe(401)
      expect(unauthorized.json.errors).toEqual(vendorBodies["unauthorized"]!.body.errors)
      expect((await call(url, "GET", "/v1/contacts/blocklist", undefined, bearer)).status).toBe(200)
      expect((await call(url, "POST", "/v1/users/logout", undefined, bearer)).status).toBe(200)
      expect((await call(url, "GET", "/v1/contacts/blocklist", undefined, bearer)).status).toBe(401)
    }))
})

describe("HTTP server: every route (spec §2–4)", () => {
  it.live("check: processing first, final once the latency has passed; wait answers final", () =>
    withServer(cfg({ lookupLatencyMs: 100 }), async (url) => {
      const request = vendorBodies["check_request"]!.body
      const first = await call(url, "POST", "/v1/contacts", request)
      expect(first.status).toBe(200)
      expect(first.headers.get("content-type")).toContain("application/json")
      expect(first.json.meta).toEqual({ api_status: "stable", version: "2.41.3" })
      expect(first.json.contacts[1]).toEqual({ input: "+1 631 555 1001", status: "processing", wa_id: "16315551001" })
      const waited = await call(url, "POST", "/v1/contacts/", { ...request, blocking: "wait" })
      expect(waited.json.contacts.map((c: any) => c.status)).toEqual(["valid", "valid", "invalid", "valid", "valid"])
    }))

  it.live("block, report, blocklist, unblock and identity with percent-encoded phones", () =>
    withServer(cfg(), async (url) => {
      const inbound = await call(url, "POST", "/_simulator/inbound", { from: "+16315551000" }, {})
      expect(inbound.json.message_id).toMatch(/^wamid\./)
      const notEngaged = await call(url, "POST", "/v1/contacts/%2B16315551001/block", {})
      expect(notEngaged.status).toBe(400)
      expect(notEngaged.json.errors).toEqual(vendorBodies["error_not_engaged"]!.body.errors)
      expect((await call(url, "POST", "/v1/contacts/%2B16315551000/block", { reason: "spam" })).status).toBe(200)
      expect((await call(url, "POST", "/v1/contacts/%2B16315551000/report/", { message_id: inbound.json.message_id })).status).toBe(200)
      const list = await call(url, "GET", "/v1/contacts/blocklist?limit=10&offset=0")
      expect({ contacts: list.json.contacts, pagination: list.json.pagination }).toEqual(vendorBodies["blocklist_response"]!.body)
      expect((await call(url, "GET", "/v1/contacts/blocklist?limit=500")).json.errors[0].code).toBe(1009)
      const invalid = await call(url, "POST", "/v1/contacts/%2B163155588/unblock")
      expect(invalid.json.errors).toEqual(vendorBodies["error_invalid_parameter"]!.body.errors)
      expect((await call(url, "POST", "/v1/contacts/%2B16315551000/unblock")).status).toBe(200)
      expect((await call(url, "GET", "/v1/contacts/blocklist")).json.pagination.total).toBe(0)
      const identity = await call(url, "GET", "/v1/contacts/16315551000/identity")
      expect(identity.json.contacts.acknowledged).toBe(true)
      const changed = await call(url, "POST", "/_simulator/identity-change", { wa_id: "16315551000" }, {})
      expect((await call(url, "GET", "/v1/contacts/16315551000/identity")).json.contacts).toMatchObject({ hash: changed.json.hash, acknowledged: false })
      expect((await call(url, "PUT", "/v1/contacts/16315551000/identity", { hash: identity.json.contacts.hash })).status).toBe(400)
      const ack = await call(url, "PUT", "/v1/contacts/16315551000/identity", { hash: changed.json.hash })
      expect(ack.status).toBe(200)
      expect(ack.json).toEqual({ meta: { api_status: "stable", version: "2.41.3" } })
      expect((await call(url, "GET", "/v1/contacts/19999999999/identity")).status).toBe(404)
    }))

  it.live("malformed requests: bad JSON, a body over 1 MiB, unknown routes, wrong methods", () =>
    withServer(cfg(), async (url) => {
      const badJson = await call(url, "POST", "/v1/contacts", "{\"contacts\": [")
      expect(badJson.status).toBe(400)
      expect(badJson.json.errors[0].code).toBe(1009)
      const huge = await call(url, "POST", "/v1/contacts", { contacts: ["+16315551000"], pad: "x".repeat(1024 * 1024) })
      expect(huge.status).toBe(400)
      expect(huge.json.errors[0].code).toBe(1009)
      // A chunked body (no Content-Length) is cut at the limit too.
      const chunks = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)))
          controller.close()
        }
      })
      const chunked = await fetch(`${url}/v1/contacts`, { method: "POST", headers: auth, body: chunks, duplex: "half" } as RequestInit)
      expect(chunked.status).toBe(400)
      expect(((await chunked.json()) as any).errors[0].code).toBe(1009)
      const missing = await call(url, "POST", "/v1/contacts", {})
      expect(missing.json.errors[0].code).toBe(1008)
      const unknown = await call(url, "GET", "/v1/whatever")
      expect(unknown.status).toBe(404)
      expect(unknown.json.meta.version).toBe("2.41.3")
      expect((await call(url, "PATCH", "/v1/contacts")).status).toBe(405)
      // Still serving after all that.
      expect((await call(url, "GET", "/v1/contacts/blocklist")).status).toBe(200)
    }))
})

describe("HTTP server: the /_simulator control surface", () => {
  it.live("users, inbound, clock and state", () =>
    withServer(cfg({ lookupLatencyMs: 60_000 }), async (url) => {
      const added = await call(url, "POST", "/_simulator/users", { users: [{ number: "+52 55 1234 5678", wa_id: "5215512345678" }, { number: "+447911123456" }] }, {})
      expect(added).toMatchObject({ status: 200, json: { added: 2 } })
      expect((await call(url, "POST", "/_simulator/users", { users: [{ number: "+163155588" }] }, {})).status).toBe(400)
      const first = await call(url, "POST", "/v1/contacts", { contacts: ["+447911123456", "+525512345678"] })
      expect(first.json.contacts.map((c: any) => c.status)).toEqual(["processing", "processing"])
      const clock = await call(url, "POST", "/_simulator/clock", { advance_seconds: 60 }, {})
      expect(clock.status).toBe(200)
      expect((await call(url, "POST", "/v1/contacts", { contacts: ["+447911123456", "+525512345678"], blocking: "wait" })).json.contacts).toEqual([
        { input: "+447911123456", status: "valid", wa_id: "447911123456" },
        { input: "+525512345678", status: "valid", wa_id: "5215512345678" }
      ])
      const state = await call(url, "GET", "/_simulator/state", undefined, {})
      expect(state.json).toMatchObject({ users: 8, cached_results: 2, blocklist: 0, reports: 0, contacts_checked: 4, lookups_started: 2 })
      expect(state.json.requests["POST /v1/contacts"]).toBe(2)
      expect(state.json.responses["200"]).toBe(2)
    }))

  it.live("advancing the clock releases a waiting check at once", () =>
    withServer(cfg({ lookupLatencyMs: 600_000 }), async (url) => {
      const started = Date.now()
      const waiting = call(url, "POST", "/v1/contacts", { contacts: ["+16315551000"], blocking: "wait" })
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect((await call(url, "POST", "/_simulator/clock", { advance_seconds: 600 }, {})).status).toBe(200)
      const answer = await waiting
      expect(answer.json.contacts).toEqual([{ input: "+16315551000", status: "valid", wa_id: "16315551000" }])
      expect(Date.now() - started).toBeLessThan(5_000)
    }))

  it.live("faults are decoded strictly: unknown keys and wrong types are 400", () =>
    withServer(cfg(), async (url) => {
      for (const body of [{ overloaded: 1 }, { overloaded_next: "1" }, { overloaded_next: -1 }, { lookup_failure_rate: 2 }, { rate_limit: true }, "nope"]) {
        const r = await call(url, "POST", "/_simulator/faults", body, {})
        expect(r.status).toBe(400)
      }
      const ok = await call(url, "POST", "/_simulator/faults", { rate_limit: { rps: 5, burst: 10 }, slow_ms: 10 }, {})
      expect(ok.status).toBe(200)
      expect(ok.json.faults).toMatchObject({ rate_limit: { rps: 5, burst: 10 }, slow_ms: 10, overloaded_next: 0 })
      expect((await call(url, "GET", "/_simulator/faults", undefined, {})).status).toBe(405)
    }))

  it.live("can be switched off: then /_simulator is 404", () =>
    withServer(cfg({ control: false }), async (url) => {
      expect((await call(url, "GET", "/_simulator/state", undefined, {})).status).toBe(404)
      expect((await call(url, "POST", "/_simulator/faults", { overloaded_next: 1 }, {})).status).toBe(404)
      expect((await call(url, "GET", "/v1/contacts/blocklist")).status).toBe(200)
    }))
})

describe("HTTP server: faults", () => {
  it.live("the documented rate limit is on by default: 60 at once pass, then 429 with Retry-After", () =>
    withServer(cfg(), async (url) => {
      const statuses = await Promise.all(Array.from({ length: 70 }, () => call(url, "GET", "/v1/contacts/blocklist").then((r) => r)))
      const limited = statuses.filter((r) => r.status === 429)
      expect(statuses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(60)
      expect(statuses.filter((r) => r.status === 200).length).toBeLessThan(70)
      expect(limited[0]!.headers.get("retry-after")).toBe("1")
      expect(limited[0]!.json.errors[0]).toMatchObject({ code: 1015, title: "Too many requests" })
    }))

  it.live("dropped_next destroys the connection without a response", () =>
    withServer(cfg(), async (url) => {
      await call(url, "POST", "/_simulator/faults", { dropped_next: 1 }, {})
      const error = await fetch(`${url}/v1/contacts/blocklist`, { headers: auth }).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect((await call(url, "GET", "/v1/contacts/blocklist")).status).toBe(200)
      const state = await call(url, "GET", "/_simulator/state", undefined, {})
      expect(state.json.responses.dropped).toBe(1)
    }))

  it.live("overloaded, malformed and slow answers", () =>
    withServer(cfg(), async (url) => {
      await call(url, "POST", "/_simulator/faults", { overloaded_next: 1, malformed_next: 3 }, {})
      const overloaded = await call(url, "GET", "/v1/contacts/blocklist")
      expect(overloaded.status).toBe(503)
      expect(overloaded.json.errors[0].code).toBe(1016)
      const html = await call(url, "GET", "/v1/contacts/blocklist")
      expect(html.status).toBe(502)
      expect(html.text).toContain("<html>")
      const truncated = await call(url, "GET", "/v1/contacts/blocklist")
      expect(truncated.status).toBe(200)
      expect(truncated.json).toBeUndefined()
      const empty = await call(url, "GET", "/v1/contacts/blocklist")
      expect(empty).toMatchObject({ status: 502, text: "" })
      await call(url, "POST", "/_simulator/faults", { slow_next: 1, slow_ms: 300 }, {})
      const started = Date.now()
      expect((await call(url, "GET", "/v1/contacts/blocklist")).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    }))
})

describe("HTTP server: TLS from a certificate and key", () => {
  it.live("serves HTTPS that a client trusting the certificate can call", () => {
    const certificate = makeSelfSigned()
    const { cert, key } = certificate
    certificate.remove()
    const get = (url: string, ca: string | undefined) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(`${url}/v1/contacts/blocklist`, { headers: auth, ...(ca === undefined ? {} : { ca }) }, (res) => {
          let body = ""
          res.on("data", (chunk) => (body += chunk))
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
        })
        req.on("error", reject)
        req.end()
      })
    return Effect.gen(function*() {
      const server = yield* SimulatorServer.SimulatorServer
      expect(server.tls).toBe(true)
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const trusted = yield* Effect.promise(() => get(server.url, cert))
      expect(trusted.status).toBe(200)
      expect(JSON.parse(trusted.body).pagination.total).toBe(0)
      // Without the CA the self-signed certificate is refused.
      const untrusted = yield* Effect.promise(() => get(server.url, undefined).then(() => "accepted", (e: Error) => e.message))
      expect(untrusted).toMatch(/self.signed|certificate/i)
    }).pipe(Effect.provide(SimulatorServer.layer(cfg({ tlsCert: cert, tlsKey: key }))))
  })
})

describe("HTTP server: concurrent clients leave consistent state", () => {
  it.live("32 clients hammering check/block/unblock", () =>
    withServer(cfg({ allUsers: true, lookupLatencyMs: 5, rateLimit: false }), async (url) => {
      const numbers = Array.from({ length: 32 }, (_, i) => `+1631555${String(3000 + i)}`)
      await Promise.all(numbers.map((from) => call(url, "POST", "/_simulator/inbound", { from }, {})))
      const rounds = 5
      const results = await Promise.all(numbers.map(async (number, i) => {
        const phone = encodeURIComponent(number)
        const statuses: Array<number> = []
        for (let round = 0; round < rounds; round++) {
          statuses.push((await call(url, "POST", "/v1/contacts", { contacts: [number, numbers[(i + 1) % 32]!] })).status)
          statuses.push((await call(url, "POST", `/v1/contacts/${phone}/block`, {})).status)
          statuses.push((await call(url, "POST", `/v1/contacts/${phone}/unblock`)).status)
        }
        // Even clients end blocked, odd ones unblocked.
        if (i % 2 === 0) statuses.push((await call(url, "POST", `/v1/contacts/${phone}/block`, {})).status)
        return statuses
      }))
      expect(results.flat().every((s) => s === 200)).toBe(true)
      const list = await call(url, "GET", "/v1/contacts/blocklist?limit=200")
      const blocked = (list.json.contacts as Array<{ wa_id: string }>).map((c) => c.wa_id).sort()
      expect(blocked).toEqual(numbers.filter((_, i) => i % 2 === 0).map((n) => `${n.slice(1)}@s.whatsapp.net`).sort())
      expect(list.json.pagination.total).toBe(16)
      const state = (await call(url, "GET", "/_simulator/state", undefined, {})).json
      expect(state.requests["POST /v1/contacts"]).toBe(32 * rounds)
      expect(state.requests["POST /v1/contacts/{phone}/block"]).toBe(32 * rounds + 16)
      expect(state.requests["POST /v1/contacts/{phone}/unblock"]).toBe(32 * rounds)
      expect(state.cached_results).toBeLessThanOrEqual(32)
      expect(state.inbound_messages).toBe(32)
    }))
})
