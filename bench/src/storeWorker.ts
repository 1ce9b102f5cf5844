// One application server of the 4-process store figure: checks a list through a shared store
// against a simulator server over HTTP, then prints {"sent": n, "done": n}.
// Usage: node bench/src/storeWorker.ts STORE_URL SERVER_URL TOKEN LIST_FILE
import { HttpTransport } from "@wa-contacts/adapter-http"
import { StoredCheck } from "@wa-contacts/core"
import { Store } from "@wa-contacts/store"
import { Effect, Layer, Stream } from "effect"
import { readFileSync } from "node:fs"

const [location, url, token, file] = process.argv.slice(2) as [string, string, string, string]
const list = readFileSync(file, "utf8").split("\n").filter((line) => line !== "")
const counts = StoredCheck.emptyCounts()
const program = StoredCheck.checkThroughStore(list, { batchSize: 500, concurrency: 4, rateLimit: false, store: { budget: false } }, counts).pipe(
  Stream.runCount,
  Effect.tap((done) => Effect.sync(() => process.stdout.write(JSON.stringify({ sent: counts.sent, done }) + "\n"))),
  Effect.provide(Layer.mergeAll(Store.layer(location), HttpTransport.layer({ baseUrl: url, token })))
)
Effect.runPromise(program as Effect.Effect<number, unknown>).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error) + "\n")
    process.exit(1)
  }
)
