// An independent minimal server for the rate-limit and ceiling figures: plain `node:http`, none of
// the project's code (no simulator, no core), so the figures do not judge the client with a server
// written by the same hands. It enforces the documented limit as a token bucket (20/s, bursts of 60,
// full at start), answers 429 with `Retry-After: 1` when empty, and counts what it saw.
//
// POST /v1/contacts {contacts, blocking}: every number is `valid` (wa_id = its digits). A lookup
// takes `latencyMs` from the first time the server sees a number: `blocking: "wait"` answers when
// every lookup of the request is done; `no_wait` answers at once with `processing` for numbers
// whose lookup is still running. GET /counts → {requests, too_many, contacts, numbers, first_at, last_at} (epoch ms of the
// first and last API request).
//
// Usage: node bench/src/minimalServer.ts '{"rps":20,"burst":60,"latencyMs":500}'; prints one line
// `{"url": …}` when listening; stops when stdin closes.
import { createServer } from "node:http"
import { performance } from "node:perf_hooks"

const options = JSON.parse(process.argv[2] ?? "{}") as { rps?: number; burst?: number; latencyMs?: number }
const rps = options.rps ?? 20
const burst = options.burst ?? 60
const latencyMs = options.latencyMs ?? 0

let tokens = burst
let updatedAt = performance.now()
const take = (): boolean => {
  const now = performance.now()
  tokens = Math.min(burst, tokens + ((now - updatedAt) * rps) / 1000)
  updatedAt = now
  if (tokens < 1) return false
  tokens -= 1
  return true
}

const counts = { requests: 0, too_many: 0, contacts: 0, numbers: 0, first_at: 0, last_at: 0 }
// Epoch milliseconds (sub-millisecond), comparable with the client's on the same machine.
const epoch = () => performance.timeOrigin + performance.now()
const readyAt = new Map<string, number>()

const send = (res: import("node:http").ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
  res.end(text)
}

const server = createServer((req, res) => {
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    if (req.method === "GET" && req.url === "/counts") return send(res, 200, counts)
    if (req.method !== "POST" || req.url !== "/v1/contacts") return send(res, 404, { errors: [{ code: 1006, title: "Resource not found" }] })
    counts.requests++
    counts.last_at = epoch()
    if (counts.first_at === 0) counts.first_at = counts.last_at
    if (!take()) {
      counts.too_many++
      return send(res, 429, { errors: [{ code: 1015, title: "Too many requests" }] }, { "retry-after": "1" })
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { contacts: Array<string>; blocking?: string }
    const now = performance.now()
    let latest = now
    for (const input of body.contacts) {
      counts.contacts++
      const number = input.startsWith("+") ? input.replace(/\D/g, "") : `1${input.replace(/\D/g, "")}`
      let ready = readyAt.get(number)
      if (ready === undefined) {
        ready = now + latencyMs
        readyAt.set(number, ready)
        counts.numbers++
      }
      latest = Math.max(latest, ready)
    }
    // After a `wait`, every lookup of the request is done (a timer may fire a hair early).
    const answer = (waited: boolean) => {
      const t = waited ? Number.POSITIVE_INFINITY : performance.now()
      send(res, 200, {
        meta: { api_status: "stable", version: "2.41.3" },
        contacts: body.contacts.map((input) => {
          const number = input.startsWith("+") ? input.replace(/\D/g, "") : `1${input.replace(/\D/g, "")}`
          return readyAt.get(number)! <= t ? { input, status: "valid", wa_id: number } : { input, status: "processing" }
        })
      })
    }
    if (body.blocking === "wait" && latest > now) setTimeout(() => answer(true), Math.ceil(latest - now))
    else answer(false)
  })
})

server.listen(0, "127.0.0.1", () => {
  const address = server.address() as import("node:net").AddressInfo
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${address.port}` }) + "\n")
})
process.stdin.resume()
process.stdin.on("end", () => server.close(() => process.exit(0)))
