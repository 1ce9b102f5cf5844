/** Child processes for the multi-process tests: spawn a fixture, read its JSON lines, kill it. */
import { type ChildProcess, spawn } from "node:child_process"
import { createInterface } from "node:readline"

export interface Child {
  readonly process: ChildProcess
  /** Every JSON line printed so far. */
  readonly lines: Array<any>
  /** Resolves with the first line (already printed or to come) that satisfies `predicate`. */
  readonly waitFor: (predicate: (line: any) => boolean) => Promise<any>
  /** Resolves with the exit code (or the signal name) and stderr. */
  readonly exit: Promise<{ readonly code: number | string; readonly stderr: string }>
}

/** Runs `node SCRIPT ...args` (Node 24 strips the types of .ts files itself). */
export const spawnNode = (script: string, args: ReadonlyArray<string>, env: Record<string, string> = {}): Child => {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } })
  const lines: Array<any> = []
  const waiters: Array<{ predicate: (line: any) => boolean; resolve: (line: any) => void }> = []
  let stderr = ""
  proc.stderr!.on("data", (chunk) => (stderr += String(chunk)))
  createInterface({ input: proc.stdout! }).on("line", (text) => {
    let line: any
    try {
      line = JSON.parse(text)
    } catch {
      line = { text }
    }
    lines.push(line)
    for (const w of [...waiters]) {
      if (w.predicate(line)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(line)
      }
    }
  })
  const exit = new Promise<{ code: number | string; stderr: string }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code: code ?? signal ?? -1, stderr }))
  )
  const waitFor = (predicate: (line: any) => boolean) =>
    new Promise<any>((resolve, reject) => {
      const seen = lines.find(predicate)
      if (seen !== undefined) return resolve(seen)
      waiters.push({ predicate, resolve })
      void exit.then(({ code, stderr }) => reject(new Error(`child exited (${code}) before the awaited line: ${stderr.slice(0, 500)}`)))
    })
  return { process: proc, lines, waitFor, exit }
}
