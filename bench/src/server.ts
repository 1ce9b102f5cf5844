// A simulator server in a process of its own, so that client-side figures measure the client's
// CPU and not the server's. Usage: node bench/src/server.ts '<SimulatorConfig as JSON>'
// Prints one line `{"url": …}` when listening; stops on SIGTERM or when stdin closes.
import { NodeRuntime } from "@effect/platform-node"
import { SimulatorServer } from "@wa-contacts/adapter-mock"
import { Effect } from "effect"

const config = JSON.parse(process.argv[2] ?? "{}")
const main = Effect.gen(function*() {
  const info = yield* SimulatorServer.SimulatorServer
  process.stdout.write(JSON.stringify({ url: info.url }) + "\n")
  process.stdin.resume()
  yield* Effect.callback<void>((resume) => {
    process.stdin.on("end", () => resume(Effect.void))
  })
}).pipe(Effect.provide(SimulatorServer.layer(config)))

NodeRuntime.runMain(main as Effect.Effect<void, unknown>)
