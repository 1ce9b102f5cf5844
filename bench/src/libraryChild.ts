// A library user's program for the memory figures: `Client.checkAll` through adapter-http over the
// lines of a file (or stdin when the path is "-"), read with readline as the core README shows.
// Usage: node bench/src/libraryChild.ts <baseUrl> <token> <file|->. Prints one JSON line with
// the results counted and the process's own peak RSS (getrusage, exact).
import { createHttpClient } from "@wa-contacts/adapter-http"
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"

const [baseUrl, token, file] = process.argv.slice(2) as [string, string, string]
const client = createHttpClient({ baseUrl, token })
const lines = createInterface({ input: file === "-" ? process.stdin : createReadStream(file), crlfDelay: Infinity })
let results = 0
let failed = 0
for await (const result of client.checkAll(lines, { rateLimit: false })) {
  results++
  if (result._tag === "Failed") failed++
}
await client.dispose()
process.stdout.write(JSON.stringify({ results, failed, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + "\n")
