/**
 * Reliability (issue #8): crash and resume. `wa-contacts check --file … --output …` (the bundled
 * binary, as a child process) against a simulator server on 127.0.0.1 is killed with SIGKILL
 * mid-run, then run again with `--resume`: the output ends with exactly one record per input, and
 * the numbers the server received twice are no more than what was in flight (sent, not yet
 * written) at the kill.
 *
 * 20,000 numbers by default; 100,000 with WA_FULL=1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { completeLines, ensureBuilt, spawnCli, startServer, type TestServer, waBin } from "./support/reliability.ts"

const FULL = process.env["WA_FULL"] === "1"
const N = FULL ? 100_000 : 20_000
const BATCH = 100
const CONCURRENCY = 4
const TOKEN = "TOKEN-s3cr3t-XYZ"

let server: TestServer
beforeAll(async () => {
  ensureBuilt()
  server = await startServer({ allUsers: true, lookupLatencyMs: 0, tokens: [TOKEN], rateLimit: false })
})
afterAll(() => server?.close())

describe(`crash and resume: kill -9 mid-run, then --resume (${N} numbers)`, () => {
  it("the output holds exactly one record per input; re-sent numbers ≤ what was in flight at the kill", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wa-crash-"))
    const file = path.join(dir, "numbers.txt")
    const output = path.join(dir, "results.ndjson")
    const inputs = Array.from({ length: N }, (_, i) => `+1631${String(2_000_000 + i)}`)
    fs.writeFileSync(file, inputs.join("\n") + "\n")
    const common = ["--file", file, "--output", output, "--base-url", server.url, "--token", TOKEN, "--batch-size", String(BATCH), "--concurrency", String(CONCURRENCY), "--quiet"]

    // Slow enough (rate × batch numbers per second) to be mid-run when killed.
    const rate = FULL ? 100 : 40
    const first = spawnCli(["check", ...common, "--rate", String(rate)])
    const killAt = Math.floor(N * 0.4)
    const started = Date.now()
    while (completeLines(output) < killAt && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20))
    first.child.kill("SIGKILL")
    const killed = await first.done
    const writtenAtKill = completeLines(output)
    const receivedAtKill = server.counts().contacts
    const requestsAtKill = server.counts().requests
    expect(killed.signal).toBe("SIGKILL")
    expect(writtenAtKill).toBeLessThan(N)

    const second = await waBin(["check", ...common, "--resume", "--rate", "0"])
    expect(second.code, second.stderr).toBe(0)

    const records = fs.readFileSync(output, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as { input: string; status: string })
    const byInput = new Map<string, number>()
    for (const r of records) byInput.set(r.input, (byInput.get(r.input) ?? 0) + 1)
    const missing = inputs.filter((i) => !byInput.has(i)).length
    const duplicated = [...byInput.values()].filter((n) => n > 1).length
    const resent = server.counts().receivedAgain
    const inFlightAtKill = receivedAtKill - writtenAtKill
    const figures = {
      inputs: N,
      killedAfterMs: Date.now() - started,
      writtenAtKill,
      receivedAtKill,
      requestsAtKill,
      inFlightAtKill: `${inFlightAtKill} numbers (${Math.ceil(inFlightAtKill / BATCH)} batches of ${BATCH})`,
      records: records.length,
      missing,
      duplicated,
      notValid: records.filter((r) => r.status !== "valid").length,
      serverRequests: server.counts().requests,
      numbersReceived: server.counts().contacts,
      numbersSentTwice: resent
    }
    console.log(`[reliability] crash/resume ${JSON.stringify(figures)}`)

    expect(records.length).toBe(N)
    expect(missing).toBe(0)
    expect(duplicated).toBe(0)
    expect(records.map((r) => r.input)).toEqual(inputs)
    expect(figures.notValid).toBe(0)
    expect(server.counts().distinct).toBe(N)
    // Sent twice: only what the server had received but the killed run had not yet written.
    expect(resent).toBeLessThanOrEqual(inFlightAtKill)
    fs.rmSync(dir, { recursive: true, force: true })
  }, FULL ? 600_000 : 60_000)
})
