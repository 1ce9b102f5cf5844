// Client benchmark: the same Effect program over effect's HttpClient, with the three Node
// backends platform-node offers (global fetch, undici, node:http). The server runs in a child
// process; we report requests per second and the client's own CPU time per request.
//
//   node packages/adapter-http/bench/client.ts [requests] [concurrency] [contactsPerResponse]
import { spawn } from "node:child_process"
import { once } from "node:events"
import { Effect, Layer } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"

const requests = Number(process.argv[2] ?? "5000")
const concurrency = Number(process.argv[3] ?? "8")
const contacts = Number(process.argv[4] ?? "1")

const server = spawn(process.execPath, [new URL("./server.ts", import.meta.url).pathname, String(contacts)], {
  stdio: ["ignore", "pipe", "inherit"]
})
const [chunk] = await once(server.stdout, "data") as [Buffer]
const base = `http://127.0.0.1:${chunk.toString().trim()}`
const requestBody = JSON.stringify({ blocking: "no_wait", contacts: ["+16315551000"], force_check: false })

const run = (name: string, layer: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const one = HttpClientRequest.post(`${base}/v1/contacts`).pipe(
      HttpClientRequest.bodyText(requestBody, "application/json"),
      HttpClientRequest.bearerToken("token"),
      client.execute,
      Effect.flatMap((response) => response.text)
    )
    const batch = (n: number) => Effect.forEach(Array.from({ length: n }), () => one, { concurrency, discard: true })
    yield* batch(Math.min(500, requests)) // warm up: connections, JIT
    const cpu = process.cpuUsage()
    const start = performance.now()
    yield* batch(requests)
    const ms = performance.now() - start
    const used = process.cpuUsage(cpu)
    return {
      client: name,
      "req/s": Math.round((requests / ms) * 1000),
      "client CPU µs/req": Math.round((used.user + used.system) / requests)
    }
  }).pipe(Effect.provide(layer))

const clients: Array<[string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["fetch (FetchHttpClient)", FetchHttpClient.layer],
  ["undici (NodeHttpClient.layerUndici)", NodeHttpClient.layerUndici],
  ["node:http (NodeHttpClient.layerNodeHttp)", NodeHttpClient.layerNodeHttp]
]
const rows = []
for (const round of [1, 2]) {
  for (const [name, layer] of clients) rows.push({ round, ...(await Effect.runPromise(run(name, layer))) })
}
console.log(`${requests} requests, ${concurrency} in flight, ${contacts} contact(s) per response, Node ${process.version}`)
console.table(rows)
server.kill()
