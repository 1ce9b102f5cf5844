/**
 * Issue #16 over real HTTP on 127.0.0.1: `/_simulator/requests` (filters, count), `/_simulator/
 * numbers/{number}`, reset, version switch and scenarios as control calls, and the OpenAPI 3.1
 * document at `/_simulator/openapi.json` — valid by a standard OpenAPI validator, and the
 * simulator's real answers valid against it (ajv, JSON Schema 2020-12).
 */
import { describe, expect, it } from "@effect/vitest"
import { Validator } from "@seriousme/openapi-schema-validator"
import { Ajv2020 } from "ajv/dist/2020.js"
import { Effect, Schema } from "effect"
import { Simulator, type SimulatorConfig, SimulatorServer } from "../src/index.ts"

const token = "test-token"

const withServer = <A>(config: SimulatorConfig.SimulatorConfig, body: (url: string) => Promise<A>) =>
  Effect.gen(function*() {
    const server = yield* SimulatorServer.SimulatorServer
    return yield* Effect.promise(() => body(server.url))
  }).pipe(Effect.provide(SimulatorServer.layer({ tokens: [token], lookupLatencyMs: 200, ...config })))

interface Answer {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly json: any
}

const call = async (url: string, method: string, path: string, body?: unknown): Promise<Answer> => {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { method, path, status: response.status, json: JSON.parse(await response.text()) }
}

describe("the journal and verification over HTTP", () => {
  it.live("GET /_simulator/requests lists check requests newest first with filters; count; numbers/{number}", () =>
    withServer({}, async (url) => {
      await call(url, "POST", "/v1/contacts", { contacts: ["+16315551000", "6315551001"] })
      await call(url, "POST", "/v1/contacts", { contacts: ["6315551001"] }) // re-sent while processing
      await call(url, "GET", "/v1/contacts/blocklist")
      const page = Schema.decodeUnknownSync(Simulator.ControlJson.JournalPage)((await call(url, "GET", "/_simulator/requests")).json)
      expect(page.matched).toBe(3)
      expect(page.capacity).toBe(10_000)
      expect(page.entries.map((e) => e.id)).toEqual([3, 2, 1])
      const checks = (await call(url, "GET", "/_simulator/requests?method=POST&path=/v1/contacts&order=oldest")).json
      expect(checks.entries.map((e: any) => e.numbers)).toEqual([["+16315551000", "+16315551001"], ["+16315551001"]])
      expect(checks.entries[1].resent).toEqual(["+16315551001"])
      expect(checks.entries[0].lookups_started).toEqual(["+16315551000", "+16315551001"])
      expect((await call(url, "GET", "/_simulator/requests/count?number=%2B16315551001")).json).toEqual({ count: 2, dropped: 0 })
      expect((await call(url, "GET", "/_simulator/requests?limit=1")).json.entries).toHaveLength(1)
      expect((await call(url, "GET", "/_simulator/requests?after=1&order=oldest")).json.entries.map((e: any) => e.id)).toEqual([2, 3])
      const once = Schema.decodeUnknownSync(Simulator.ControlJson.ReceptionsJson)((await call(url, "GET", "/_simulator/numbers/%2B16315551000")).json)
      expect(once).toEqual({ number: "+16315551000", received: 1, resentAfterProcessing: 0 })
      expect((await call(url, "GET", "/_simulator/numbers/1-631-555-1001")).json).toEqual({ number: "+16315551001", received: 2, resent_after_processing: 1 })
      for (const bad of ["limit=-1", "limit=x", "since=yesterday", "after=x", "order=sideways", "number=12"]) {
        const answer = await call(url, "GET", `/_simulator/requests?${bad}`)
        expect(answer.status, bad).toBe(400)
        expect(answer.json.errors[0].code).toBe(1009)
      }
    }))

  it.live("POST /_simulator/reset empties the journal, the cache and the blocklist", () =>
    withServer({ lookupLatencyMs: 0 }, async (url) => {
      await call(url, "POST", "/_simulator/inbound", { from: "+16315551000" })
      expect((await call(url, "POST", "/v1/contacts/+16315551000/block")).status).toBe(200)
      await call(url, "POST", "/v1/contacts", { contacts: ["+16315551001"] })
      const before = Schema.decodeUnknownSync(Simulator.ControlJson.StatsJson)((await call(url, "GET", "/_simulator/state")).json)
      expect(before).toMatchObject({ blocklist: 1, cachedResults: 1, requestsByRoute: { "POST /v1/contacts": 1 } })
      expect((await call(url, "POST", "/_simulator/reset")).json).toEqual({ reset: true })
      const after = Schema.decodeUnknownSync(Simulator.ControlJson.StatsJson)((await call(url, "GET", "/_simulator/state")).json)
      expect(after).toMatchObject({ blocklist: 0, cachedResults: 0, inboundMessages: 0, requestsByRoute: {}, responsesByStatus: {} })
      expect((await call(url, "GET", "/_simulator/requests")).json.matched).toBe(0)
      expect((await call(url, "GET", "/v1/contacts/blocklist")).json.contacts).toEqual([])
    }))

  it.live("POST /_simulator/version switches the version while running; nonsense is a 400", () =>
    withServer({ lookupLatencyMs: 0 }, async (url) => {
      expect((await call(url, "POST", "/v1/contacts", { contacts: ["6315551002"], blocking: "wait" })).json.contacts[0].status).toBe("invalid")
      expect((await call(url, "POST", "/_simulator/version", { version: "2.45.1" })).json).toEqual({ version: "2.45.1" })
      const after = (await call(url, "POST", "/v1/contacts", { contacts: ["6315551002"], blocking: "wait" })).json
      expect(after.meta.version).toBe("2.45.1")
      expect(after.contacts[0].status).toBe("valid")
      const refused = await call(url, "POST", "/_simulator/version", { version: "nonsense" })
      expect(refused.status).toBe(400)
      expect(refused.json.errors[0].details).toContain("not a server version")
    }))

  it.live("POST /_simulator/scenario applies a named scenario; GET /_simulator/scenarios lists them", () =>
    withServer({}, async (url) => {
      const list = (await call(url, "GET", "/_simulator/scenarios")).json.scenarios.map((s: any) => s.name)
      expect(list).toEqual(["upgrade-to-2.43", "rate-limit-storm", "overloaded", "slow-lookups", "token-expiry"])
      expect((await call(url, "POST", "/_simulator/scenario", { name: "overloaded" })).json.scenario).toBe("overloaded")
      expect((await call(url, "POST", "/v1/contacts", { contacts: ["+16315551000"] })).status).toBe(503)
      expect((await call(url, "POST", "/_simulator/scenario", { name: "nope" })).status).toBe(404)
    }))
})

describe("the OpenAPI 3.1 document (GET /_simulator/openapi.json)", () => {
  it.live("is a valid OpenAPI 3.1 document, and the simulator's own answers validate against it", () =>
    withServer({ lookupLatencyMs: 0 }, async (url) => {
      const document = (await call(url, "GET", "/_simulator/openapi.json")).json
      expect(document.openapi).toBe("3.1.0")
      const validator = new Validator()
      const verdict = await validator.validate(document)
      expect(verdict.errors ?? []).toEqual([])
      expect(verdict.valid).toBe(true)

      // Exercise every route, then validate each answer against its response schema.
      const basic = `Basic ${Buffer.from("admin:secret").toString("base64")}`
      const loginRefused = await fetch(`${url}/v1/users/login`, { method: "POST", headers: { authorization: basic } })
      const answers: Array<Answer> = [
        { method: "POST", path: "/v1/users/login", status: loginRefused.status, json: await loginRefused.json() },
        await call(url, "POST", "/_simulator/users", { users: [{ number: "+16315552000" }] }),
        await call(url, "POST", "/_simulator/inbound", { from: "+16315551000" }),
        await call(url, "POST", "/v1/contacts", { contacts: ["+16315551000", "6315551002", "12"], blocking: "wait" }),
        await call(url, "POST", "/v1/contacts", {}),
        await call(url, "POST", "/v1/contacts/{phone}/block".replace("{phone}", "%2B16315551000"), { reason: "spam" }),
        await call(url, "POST", "/v1/contacts/{phone}/report".replace("{phone}", "%2B16315551000"), {}),
        await call(url, "POST", "/v1/contacts/{phone}/block".replace("{phone}", "%2B16315551004"), {}),
        await call(url, "GET", "/v1/contacts/blocklist?limit=10"),
        await call(url, "POST", "/v1/contacts/{phone}/unblock".replace("{phone}", "%2B16315551000")),
        await call(url, "GET", "/v1/contacts/16315551000/identity"),
        await call(url, "PUT", "/v1/contacts/16315551000/identity", { hash: "wrong" }),
        await call(url, "POST", "/_simulator/identity-change", { wa_id: "16315551000" }),
        await call(url, "POST", "/_simulator/faults", { slow_ms: 10 }),
        await call(url, "POST", "/_simulator/faults", { nope: 1 }),
        await call(url, "POST", "/_simulator/clock", { advance_seconds: 1 }),
        await call(url, "POST", "/_simulator/version", { version: "2.43.0", after_checks: 1 }),
        await call(url, "POST", "/_simulator/scenario", { name: "slow-lookups" }),
        await call(url, "GET", "/_simulator/scenarios"),
        await call(url, "GET", "/_simulator/state"),
        await call(url, "GET", "/_simulator/requests"),
        await call(url, "GET", "/_simulator/requests/count?status=400"),
        await call(url, "GET", "/_simulator/numbers/%2B16315551000"),
        await call(url, "POST", "/_simulator/reset")
      ]
      const ajv = new Ajv2020({ strict: false, allErrors: true })
      ajv.addSchema({ ...document, $id: "openapi.json" })
      const templates = Object.keys(document.paths)
      const templateOf = (path: string) => {
        const bare = path.split("?")[0]!
        return templates.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(bare))
      }
      let validated = 0
      for (const answer of answers) {
        const template = templateOf(answer.path)
        expect(template, answer.path).toBeDefined()
        const operation = document.paths[template!][answer.method.toLowerCase()]
        expect(operation, `${answer.method} ${answer.path}`).toBeDefined()
        const response = operation.responses[String(answer.status)]
        expect(response, `${answer.method} ${answer.path} → ${answer.status} is documented`).toBeDefined()
        const pointer = `${template!.replaceAll("~", "~0").replaceAll("/", "~1")}/${answer.method.toLowerCase()}/responses/${answer.status}/content/application~1json/schema`
        const validate = ajv.getSchema(`openapi.json#/paths/${pointer}`)!
        const ok = validate(answer.json)
        expect(ok ? [] : validate.errors, `${answer.method} ${answer.path} → ${answer.status}: ${JSON.stringify(answer.json).slice(0, 300)}`).toEqual([])
        validated++
      }
      // The check is real: an answer of the wrong shape does not validate.
      const checkAnswer = ajv.getSchema("openapi.json#/paths/~1v1~1contacts/post/responses/200/content/application~1json/schema")!
      expect(checkAnswer({ meta: { api_status: "stable", version: "2.41.3" }, contacts: [{ input: "1", status: "maybe" }] })).toBe(false)
      console.log(`[openapi] ${Object.keys(document.paths).length} paths, ${Object.keys(document.components.schemas).length} schemas; ${validated} real answers validated`)
    }))

  it("is the same document in code (`wa-contacts mock openapi` prints it)", () => {
    const document = Simulator.openApiDocument("2.45.1") as any
    expect(document.info.version).toBe("2.45.1")
    expect(Object.keys(document.paths)).toContain("/_simulator/requests")
  })
})
