/**
 * Shared by the reliability tests of the CLI: a simulator server on 127.0.0.1 whose check
 * requests are counted per number. The binary is run with the one process harness, `bin.ts`.
 */
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { Simulator, SimulatorServer, type SimulatorConfig } from "@wa-contacts/adapter-mock"
import * as fs from "node:fs"

export { ensureBuilt, type Ran as ChildRun, spawnBin as spawnCli, waBin } from "./bin.ts"

/** What the server saw of `POST /v1/contacts`. */
export interface ServerCounts {
  requests: number
  contacts: number
  readonly perNumber: Map<string, number>
}

/** A simulator server for a test; `close` stops it. */
export interface TestServer {
  readonly url: string
  readonly counts: ServerCounts
  readonly close: () => Promise<void>
}

/** Start the simulator's HTTP server, counting check requests around its handler. */
export const startServer = async (config: SimulatorConfig.SimulatorConfig): Promise<TestServer> => {
  const counts: ServerCounts = { requests: 0, contacts: 0, perNumber: new Map() }
  const simulator = Layer.effect(
    Simulator.Simulator,
    Effect.map(Simulator.make(config, "http"), (sim) =>
      Simulator.Simulator.of({
        ...sim,
        handle: (request) => {
          if (request.method === "POST" && request.path === "/v1/contacts") {
            counts.requests++
            const contacts = request.body._tag === "Json" ? (request.body.value as { contacts?: unknown }).contacts : undefined
            if (Array.isArray(contacts)) {
              counts.contacts += contacts.length
              for (const c of contacts) counts.perNumber.set(String(c), (counts.perNumber.get(String(c)) ?? 0) + 1)
            }
          }
          return sim.handle(request)
        }
      }))
  )
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(
    Layer.buildWithScope(SimulatorServer.layerFromSimulator(config).pipe(Layer.provide(simulator)), scope)
  )
  const { url } = Context.get(context, SimulatorServer.SimulatorServer)
  return { url, counts, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

/** Count the complete lines of a file (a line cut short by a kill does not count). */
export const completeLines = (file: string): number => {
  if (!fs.existsSync(file)) return 0
  const text = fs.readFileSync(file, "utf8")
  let n = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++
  return n
}
