/**
 * Shared by the reliability tests of the CLI: a simulator server on 127.0.0.1 (what it received is
 * its own count: no wrapper around it). The binary is run with the one process harness, `bin.ts`.
 */
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { Simulator, SimulatorServer, type SimulatorConfig } from "@wa-contacts/adapter-mock"
import * as fs from "node:fs"

export { ensureBuilt, type Ran as ChildRun, spawnBin as spawnCli, waBin } from "./bin.ts"

/** What the server saw of `POST /v1/contacts`, read from the simulator's own counts. */
export interface ServerCounts {
  /** Check requests received. */
  readonly requests: number
  /** Numbers received, repeats included. */
  readonly contacts: number
  /** Distinct numbers received. */
  readonly distinct: number
  /** Receptions of a number received before. */
  readonly receivedAgain: number
}

/** A simulator server for a test; `close` stops it. */
export interface TestServer {
  readonly url: string
  /** The counts now. */
  readonly counts: () => ServerCounts
  readonly close: () => Promise<void>
}

/** Start the simulator's HTTP server. */
export const startServer = async (config: SimulatorConfig.SimulatorConfig): Promise<TestServer> => {
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(SimulatorServer.layer(config), scope))
  const { url } = Context.get(context, SimulatorServer.SimulatorServer)
  const simulator = Context.get(context, Simulator.Simulator)
  const counts = (): ServerCounts => {
    const state = Effect.runSync(simulator.state)
    return {
      requests: state.requestsByRoute["POST /v1/contacts"] ?? 0,
      contacts: state.contactsChecked,
      distinct: state.numbersChecked,
      receivedAgain: state.numbersReceivedAgain
    }
  }
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
