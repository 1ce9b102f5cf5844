/**
 * Reliability (issue #8): the simulator's HTTP server under hostile input. Malformed, oversized
 * and wrong-typed requests get a 4xx with the vendor's envelope (never a 500, never a hang), raw
 * garbage on the socket does not stop it, and it keeps serving valid requests after each; it binds
 * 127.0.0.1 unless told otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import fc from "fast-check"
import * as net from "node:net"
import * as os from "node:os"
import { SimulatorServer } from "../src/index.ts"

const TOKEN = "TOKEN-s3cr3t-XYZ"
const FULL = process.env["WA_FULL"] === "1"

let url: string
let port: number
let host: string
let scope: Scope.Closeable

beforeAll(async () => {
  scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(
    SimulatorServer.layer({ allUsers: true, lookupLatency: 0, tokens: [TOKEN], rateLimit: false, maxBodyBytes: 64 * 1024 }),
    scope
  ))
  const info = Context.get(context, SimulatorServer.SimulatorServer)
  url = info.url
  port = info.port
  host = info.host
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const auth = { authorization: `Bearer ${TOKEN}` }

const post = async (path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) => {
  const r = await fetch(`${url}${path}`, { method: "POST", headers: { ...auth, "content-type": "application/json", ...headers }, body })
  return { status: r.status, text: await r.text() }
}

/** A valid check still answers 200 with the number. */
const stillServing = async () => {
  const r = await post("/v1/contacts", JSON.stringify({ blocking: "wait", contacts: ["+16315551000"] }))
  expect(r.status).toBe(200)
  expect(JSON.parse(r.text).contacts[0]).toMatchObject({ input: "+16315551000", status: "valid" })
}

/** A 4xx answer with the envelope `{meta, errors: [{code, title}]}`. */
const expectEnvelope = (r: { status: number; text: string }, where: string) => {
  expect(r.status, `${where}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400)
  expect(r.status, where).toBeLessThan(500)
  const body = JSON.parse(r.text) as { errors?: Array<{ code: unknown; title: unknown }> }
  expect(Array.isArray(body.errors) && body.errors.length > 0, where).toBe(true)
  expect(typeof body.errors![0]!.code, where).toBe("number")
}

/** Send raw bytes on a socket; resolve with what came back before the server closed or 2 s passed. */
const raw = (bytes: string | Buffer): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    let answer = ""
    const timer = setTimeout(() => socket.destroy(), 2_000)
    socket.on("data", (d) => (answer += d.toString("latin1")))
    socket.on("error", () => undefined)
    socket.on("close", () => {
      clearTimeout(timer)
      resolve(answer)
    })
    socket.write(bytes)
    socket.end()
  })

describe("hostile requests get a 4xx with the envelope, and the server keeps serving", () => {
  it("malformed, oversized and wrong-typed bodies", async () => {
    const cases: Array<[string, string | Uint8Array<ArrayBuffer>]> = [
      ["not JSON", "{\"contacts\": [\"+1631"],
      ["HTML", "<html>hello</html>"],
      ["binary", new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80])],
      ["empty", ""],
      ["null", "null"],
      ["array", "[]"],
      ["number", "42"],
      ["contacts a string", JSON.stringify({ contacts: "+16315551000" })],
      ["contacts numbers", JSON.stringify({ contacts: [16315551000] })],
      ["contacts objects", JSON.stringify({ contacts: [{ a: 1 }] })],
      ["blocking wrong", JSON.stringify({ blocking: 5, contacts: ["+16315551000"] })],
      ["force_check string", JSON.stringify({ force_check: "yes", contacts: ["+16315551000"] })],
      ["oversized (1 MB)", JSON.stringify({ contacts: Array.from({ length: 60_000 }, () => "+16315551000") })],
      ["10 MB of text", "x".repeat(10 * 1024 * 1024)],
      ["deeply nested", "[".repeat(100_000) + "]".repeat(100_000)]
    ]
    const statuses: Record<string, number> = {}
    for (const [name, body] of cases) {
      const r = await post("/v1/contacts", body)
      statuses[name] = r.status
      expectEnvelope(r, name)
      await stillServing()
    }
    console.log(`[reliability] hostile bodies → ${JSON.stringify(statuses)}`)
  }, 30_000)

  it("hostile paths, methods and headers", async () => {
    const paths = [
      "/v1/contacts/%2F..%2F..%2Fetc%2Fpasswd/block", "/v1/contacts/../../_simulator/state", "/v1/contacts/+1631%00555/block",
      "/v1/contacts/%E0%A4%A/identity", "/v1/contacts/" + "9".repeat(10_000) + "/identity", "/v1/contacts/%0d%0aX-Injected:%201/block",
      "/v1/contacts/+16315551000/block?x=1#frag", "/v1//contacts///", "/v1/contacts/%252F/identity"
    ]
    const statuses: Record<string, number> = {}
    for (const p of paths) {
      const r = await fetch(`${url}${p}`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" })
      const text = await r.text()
      statuses[p.slice(0, 60)] = r.status
      expect(r.status, p).toBeLessThan(500)
      expect(r.headers.get("x-injected"), p).toBeNull()
      if (r.status >= 400) expectEnvelope({ status: r.status, text }, p)
    }
    for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const r = await fetch(`${url}/v1/contacts`, { method, headers: auth })
      statuses[method] = r.status
      expect(r.status, method).toBeLessThan(500)
    }
    const noAuth = await post("/v1/contacts", JSON.stringify({ contacts: ["+16315551000"] }), { authorization: "Bearer \u00ff".replace("\u00ff", "x".repeat(8_000)) })
    expectEnvelope(noAuth, "long bad token")
    await stillServing()
    console.log(`[reliability] hostile paths/methods → ${JSON.stringify(statuses)}`)
  }, 30_000)

  it("raw garbage on the socket does not stop the server", async () => {
    const garbage = [
      "GARBAGE\r\n\r\n",
      "POST /v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"contacts\"",
      "POST /v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /v1/contacts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      `GET /${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00])
    ]
    const firstLines: Array<string> = []
    for (const g of garbage) {
      firstLines.push((await raw(g)).split("\r\n")[0] ?? "")
      await stillServing()
    }
    console.log(`[reliability] raw garbage answers: ${JSON.stringify(firstLines)}`)
  }, 30_000)

  it("arbitrary JSON bodies never get a 5xx (fast-check)", async () => {
    const statuses: Record<string, number> = {}
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => {
      const r = await post("/v1/contacts", JSON.stringify(value))
      statuses[r.status] = (statuses[r.status] ?? 0) + 1
      expect(r.status).toBeLessThan(500)
      if (r.status >= 400) expectEnvelope(r, JSON.stringify(value).slice(0, 100))
    }), { numRuns: FULL ? 2_000 : 200 })
    await stillServing()
    console.log(`[reliability] arbitrary JSON bodies → statuses ${JSON.stringify(statuses)}`)
  }, 60_000)
})

describe("binding", () => {
  it("listens on 127.0.0.1 unless told otherwise; other interfaces are refused", async () => {
    expect(host).toBe("127.0.0.1")
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a !== undefined && a.family === "IPv4" && !a.internal)
    if (external !== undefined) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, external.address)
        s.on("connect", () => {
          s.destroy()
          resolve(false)
        })
        s.on("error", () => resolve(true))
      })
      expect(refused).toBe(true)
    }
    console.log(`[reliability] bound to ${host}:${port}; connection on ${external?.address ?? "(no external interface)"} refused`)
  })
})
