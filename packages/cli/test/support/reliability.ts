/**
 * Shared by the reliability tests of the CLI: the bundled binary (built once if missing), a
 * simulator server on 127.0.0.1 (what it received is its own count: no wrapper around it), and
 * running the binary as a child process.
 */
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { Simulator, SimulatorServer, type SimulatorConfig } from "@wa-contacts/adapter-mock"
import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

export const CLI_DIR = path.resolve(import.meta.dirname, "../..")
export const BIN = path.join(CLI_DIR, "dist", "wa-contacts.js")

/** Build the bundle when it is missing (the tests run the binary users run). */
export const ensureBuilt = (): void => {
  if (!fs.existsSync(BIN)) execFileSync("pnpm", ["--filter", "@wa-contacts/cli", "build"], { cwd: CLI_DIR, stdio: "ignore" })
}

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

/** How a child run ended. */
export interface ChildRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Start `wa-contacts ...args` as a child process. */
export const spawnCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): { child: ChildProcess; done: Promise<ChildRun> } => {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: CLI_DIR,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", NO_COLOR: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (stdout += t))
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t))
  child.stdin!.end()
  const done = new Promise<ChildRun>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

/** Run `wa-contacts ...args` to the end. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<ChildRun> => spawnCli(args, env).done

/** Count the complete lines of a file (a line cut short by a kill does not count). */
export const completeLines = (file: string): number => {
  if (!fs.existsSync(file)) return 0
  const text = fs.readFileSync(file, "utf8")
  let n = 0
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++
  return n
}
