// A minimal loopback server for the client benchmark, run in its own process so that the client's
// CPU time can be measured alone. Answers every request with the given body size of JSON.
import { createServer } from "node:http"

const contacts = Number(process.argv[2] ?? "1")
const body = JSON.stringify({
  meta: { api_status: "stable", version: "2.41.3" },
  contacts: Array.from({ length: contacts }, (_, i) => ({
    input: `+1631555${String(i).padStart(4, "0")}`,
    status: "valid",
    wa_id: `1631555${String(i).padStart(4, "0")}`
  }))
})
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    res.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  if (address !== null && typeof address === "object") process.stdout.write(`${address.port}\n`)
})
