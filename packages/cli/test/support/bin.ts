/**
 * The built executable as a real process — the only CLI process harness of the tests: `node
 * packages/cli/dist/wa-contacts.js` (build it first: `pnpm --filter @wa-contacts/cli build`; the
 * root test script does), and `mock serve` on 127.0.0.1 with a free port.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"

/** The built bin. */
export const BIN = path.join(import.meta.dirname, "..", "..", "dist", "wa-contacts.js")

/** Whether the bin has been built. */
export const built = (): boolean => fs.existsSync(BIN)

/** Build the bundle when it is missing (the tests run the binary users run). */
export const ensureBuilt = (): void => {
  if (!built()) execFileSync("pnpm", ["--filter", "@wa-contacts/cli", "build"], { cwd: path.join(import.meta.dirname, "..", ".."), stdio: "ignore" })
}

/** What a process printed and how it ended. */
export interface Ran {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** The environment for a run: no WA_* settings leak in from the caller's environment. */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("WA_")) env[k] = v
  return { ...env, NO_COLOR: "1", ...extra }
}

/** How a run is started: extra environment, stdin text, working directory. */
export interface RunOptions {
  readonly env?: Record<string, string> | undefined
  readonly stdin?: string | undefined
  readonly cwd?: string | undefined
}

/** Start `wa-contacts ...args` as a child process: the process, and how it ended once it has. */
export const spawnBin = (
  args: ReadonlyArray<string>,
  options: RunOptions = {}
): { readonly child: ChildProcess; readonly done: Promise<Ran> } => {
  const start = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd })
  })
  let stdout = ""
  let stderr = ""
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (stdout += t))
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t))
  child.stdin!.end(options.stdin ?? "")
  const done = new Promise<Ran>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - start }))
  })
  return { child, done }
}

/** Run `wa-contacts ...args` to completion. */
export const waBin = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Ran> => spawnBin(args, options).done

/** A running `mock serve`. */
export interface Server {
  readonly url: string
  /** Everything it printed (stdout and stderr). */
  readonly output: () => string
  /** POST JSON to the control surface. */
  readonly control: (route: string, body: unknown) => Promise<Record<string, unknown>>
  /** Stop it with SIGINT and wait for it to exit; resolves with its exit code. */
  readonly stop: () => Promise<number | null>
}

/** Start `wa-contacts mock serve --port 0 ...args` and wait for its URL. */
export const startServer = (args: ReadonlyArray<string> = []): Promise<Server> =>
  new Promise((resolve, reject) => {
    const { child } = spawnBin(["mock", "serve", "--port", "0", ...args])
    let output = ""
    let resolved = false
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)))
    const onData = (t: Buffer) => {
      output += t.toString("utf8")
      const match = /listening on (\S+)/.exec(output)
      if (match !== null && !resolved) {
        resolved = true
        const url = match[1]!
        resolve({
          url,
          output: () => output,
          control: async (route, body) => {
            const response = await fetch(`${url}/_simulator/${route}`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body)
            })
            return (await response.json()) as Record<string, unknown>
          },
          stop: () => {
            child.kill("SIGINT")
            return exited
          }
        })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.on("exit", (code) => {
      if (!resolved) reject(new Error(`mock serve exited (${code}) before listening:\n${output}`))
    })
  })

/** `n` distinct, possible US numbers. */
export const usNumbers = (n: number): Array<string> =>
  Array.from({ length: n }, (_, i) => `+1631${String(2_000_000 + i).padStart(7, "0")}`)

/**
 * Run a bash script the way a user types it, with pipes and redirections; `wa-contacts` in the
 * script is the built bin (a function of the script's shell).
 */
export const waShell = (script: string, options: RunOptions = {}): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const start = Date.now()
    const prelude = `wa-contacts() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }\n`
    const child = spawn("bash", ["-c", prelude + script], {
      env: cleanEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd })
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t))
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - start }))
    child.stdin.end(options.stdin ?? "")
  })
