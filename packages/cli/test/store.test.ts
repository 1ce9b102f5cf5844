/**
 * Issue #12 "Done when", end to end: the BUILT bin as a subprocess, `wa-contacts mock serve` on
 * 127.0.0.1 as the server, and real stores — a SQLite file, and a real PostgreSQL (found as the
 * store package's tests find it; the PostgreSQL suite is registered as skipped, by name, when none
 * is reachable). The simulator's own count of numbers received (`contacts_checked`, re-sends
 * included) is the measure of what was sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { findPostgres, freshSchema, withSchema } from "../../store/test/support/postgres.ts"
import { built, type Server, spawnBin, startServer, waBin } from "./support/bin.ts"

const TOKEN = "tok-store-RECOGNISABLE"
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-store-"))
const ndjson = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
const numbers = (n: number, from: number) => Array.from({ length: n }, (_, i) => `+1631555${String(from + i).padStart(4, "0")}`)

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

describe("a store that cannot be opened", () => {
  it("an unreachable PostgreSQL is said in words, exit 1, the password never shown", async () => {
    const run = await waBin(["check", "--mock", "--store", "postgres://u:Hunter2-secret@127.0.0.1:1/x", "16315551000"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("the connection to 127.0.0.1:1 was refused")
    expect(run.stderr).not.toContain("ECONNREFUSED")
    expect(run.stderr).not.toContain("Hunter2-secret")
  })
})

describe("check --mock --store, twice over the same list", () => {
  it("the second run sends no request and gives the same statuses, answered from the store", async () => {
    const store = path.join(tmp(), "s.db")
    const args = ["check", "--mock", "--store", store, "16315551000", "+1 631 555 1001", "6315551002", "+1 (631) 555-1004", "1-631-555-1005", "+163155588"]
    const first = await waBin(args)
    const second = await waBin(args)
    expect([first.code, second.code]).toEqual([0, 0])
    expect(second.stderr).toContain("sent: 0 requests")
    expect(first.stderr).not.toContain("sent: 0 requests")
    const statuses = (run: { stdout: string }) => ndjson(run.stdout).map((r) => r["status"])
    expect(statuses(second)).toEqual(statuses(first))
    expect(ndjson(first.stdout).map((r) => r["source"])).toEqual(Array(6).fill("checked"))
    expect(ndjson(second.stdout).map((r) => r["source"])).toEqual(Array(6).fill("stored"))
  })
})

/** The simulator's count of numbers received in check requests, re-sends included. */
const received = async (server: Server): Promise<number> =>
  ((await (await fetch(`${server.url}/_simulator/state`)).json()) as { contacts_checked: number }).contacts_checked

/**
 * A `mock serve` for the enclosing suite (started before its tests, stopped after): the server as
 * it is now, and the environment that connects the CLI to it.
 */
const suiteServer = () => {
  let server: Server | undefined
  beforeAll(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "0"])
  })
  afterAll(async () => {
    await server?.stop()
  })
  const current = (): Server => server!
  return { current, env: () => ({ WA_BASE_URL: current().url, WA_TOKEN: TOKEN }) }
}

/** The revalidation scenario of issue #12 against a `mock serve` of its own, with the store at `store`. */
const scenario = (label: string, store: () => Promise<string>) => {
  const suite = suiteServer()
  const env = suite.env

  it(`${label}: 1,000 numbers stored; revalidate --budget 100 sends at most 100 and writes a record for each; --budget 5000 re-checks exactly the deferred`, async () => {
    const d = tmp()
    const list = path.join(d, "n.txt")
    fs.writeFileSync(list, numbers(1000, 2000).join("\n") + "\n")
    const location = await store()
    const checked = await waBin(["check", "--file", list, "--store", location, "-q"], { env: env() })
    expect(checked.code).toBe(0)
    await new Promise((r) => setTimeout(r, 5_500))

    let before = await received(suite.current())
    const first = await waBin(["revalidate", "--store", location, "--max-age", "5s", "--budget", "100"], { env: env() })
    const sentFirst = (await received(suite.current())) - before
    before = await received(suite.current())
    const second = await waBin(["revalidate", "--store", location, "--max-age", "5s", "--budget", "5000"], { env: env() })
    const sentSecond = (await received(suite.current())) - before

    expect([first.code, second.code]).toEqual([0, 0])
    const r1 = ndjson(first.stdout)
    const r2 = ndjson(second.stdout)
    expect(sentFirst).toBeLessThanOrEqual(100)
    expect(r1).toHaveLength(1000)
    expect(new Set(r1.map((r) => r["input"])).size).toBe(1000)
    const deferred = r1.filter((r) => r["source"] === "deferred")
    const rechecked = new Set(r1.filter((r) => r["source"] === "checked").map((r) => r["input"]))
    expect(rechecked.size + deferred.length).toBe(1000)
    expect(deferred[0]?.["status"]).toBe("deferred")
    expect(String(deferred[0]?.["detail"])).toMatch(/budget of 100 checks is spent/)
    expect(first.stderr).toMatch(/1,000 due: 100 re-checked, 900 deferred/)
    // At once: the 100 just re-checked are fresh; exactly the deferred are due and re-checked.
    expect(r2.map((r) => r["input"])).toEqual(deferred.map((r) => r["input"]))
    expect(r2.every((r) => r["source"] === "checked" && !rechecked.has(r["input"]))).toBe(true)
    expect(sentSecond).toBe(deferred.length)
    console.log(`[store] ${label}: revalidate --budget 100 sent ${sentFirst}, then --budget 5000 sent ${sentSecond} (deferred ${deferred.length})`)
  }, 120_000)
}

describe("against mock serve, with a SQLite store", () => {
  scenario("SQLite", async () => path.join(tmp(), "r.db"))
})

const pg = await findPostgres()
if (pg.available) {
  describe("against mock serve, with a PostgreSQL store", () => {
    scenario("PostgreSQL", async () => withSchema(pg.url, freshSchema()))

    it("four processes on overlapping lists sharing one PostgreSQL store check each distinct number once", async () => {
      const server = await startServer(["--token", TOKEN, "--latency", "300"])
      try {
        const location = withSchema(pg.url, freshSchema())
        const d = tmp()
        const lists = [0, 150, 300, 75].map((from, i) => {
          const file = path.join(d, `l${i}.txt`)
          fs.writeFileSync(file, numbers(300, 4000 + from).join("\n") + "\n")
          return file
        })
        const before = await received(server)
        const runs = await Promise.all(lists.map((file) =>
          waBin(["check", "--file", file, "--store", location, "--batch-size", "50", "--wait"], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
        ))
        expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0])
        runs.forEach((r) => expect(ndjson(r.stdout)).toHaveLength(300))
        const distinct = new Set(lists.flatMap((f) => fs.readFileSync(f, "utf8").trim().split("\n"))).size
        expect((await received(server)) - before).toBe(distinct)
        console.log(`[store] 4 processes, ${distinct} distinct numbers: ${(await received(server)) - before} sent`)
      } finally {
        await server.stop()
      }
    }, 120_000)
  })
} else {
  describe.skip(`against mock serve, with a PostgreSQL store (skipped: ${pg.reason})`, () => {
    it("PostgreSQL: the revalidation scenario and four processes sharing a store", () => {})
  })
}

describe("the budget and the store commands", () => {
  const suite = suiteServer()
  const env = suite.env

  it("revalidate with no messages recorded refuses before sending and says how to go on; with messages it stays within them", async () => {
    const store = path.join(tmp(), "b.db")
    const imported = await waBin(["store", "import", "--store", store, ...numbers(20, 100)])
    expect(imported.stdout).toContain("20 numbers added")
    const before = await received(suite.current())
    const refused = await waBin(["revalidate", "--store", store], { env: env() })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/no messages recorded/)
    expect(refused.stderr).toMatch(/store messages add N.*--budget N.*--no-budget/)
    expect(await received(suite.current())).toBe(before)
    expect((await waBin(["store", "messages", "add", "8", "--store", store])).stdout).toContain("allows 8 more checks")
    const run = await waBin(["revalidate", "--store", store], { env: env() })
    const records = ndjson(run.stdout)
    expect(records.filter((r) => r["source"] === "checked")).toHaveLength(8)
    expect(records.filter((r) => r["source"] === "deferred")).toHaveLength(12)
    expect((await received(suite.current())) - before).toBe(8)
    const stats = ndjson((await waBin(["store", "stats", "--store", store, "--format", "ndjson"])).stdout)
    expect(stats).toContainEqual({ measure: "budget left", count: 0 })
    expect(stats).toContainEqual({ measure: "never checked", count: 12 })
  })

  it("--changes-only keeps just the changes; export writes the current state in every format; prune removes old results", async () => {
    const d = tmp()
    const store = path.join(d, "c.db")
    const list = numbers(6, 3000) // not among the simulator's users: all invalid at first
    await waBin(["check", "--store", store, ...list], { env: env() })
    // The number becomes a WhatsApp user; the server's cache is skipped so that the change shows.
    await suite.current().control("users", [list[1]])
    const all = await waBin(["revalidate", "--store", store, "--max-age", "0s", "--no-budget", "--force-check", "--changes-only"], { env: env() })
    expect(all.code).toBe(0)
    expect(ndjson(all.stdout).map((r) => [r["input"], r["change"], r["previous_status"], r["status"]])).toEqual([[list[1], "newly_valid", "invalid", "valid"]])
    expect(all.stderr).toMatch(/6 re-checked, 0 deferred, 1 changed/)
    for (const format of ["json", "csv", "ndjson", "table"]) {
      const out = await waBin(["store", "export", "--store", store, "--format", format])
      expect(out.code).toBe(0)
      expect(out.stdout).toContain(list[5])
    }
    const exported = ndjson((await waBin(["store", "export", "--store", store])).stdout)
    expect(exported.map((r) => r["number"])).toEqual([...list].sort())
    await new Promise((r) => setTimeout(r, 1100))
    const pruned = await waBin(["store", "prune", "--store", store, "--older-than", "1s"])
    expect(pruned.stdout).toContain("pruned 6 numbers")
  })

  it("a password in a PostgreSQL URL is never printed, even when the store cannot be opened", async () => {
    const secret = "pw-NEVER-SHOWN-93kq"
    const run = await waBin(["store", "stats", "--store", `postgresql://postgres:${secret}@127.0.0.1:1/test`])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/store/)
    expect(run.stdout + run.stderr).not.toContain(secret)
    const viaEnv = await waBin(["store", "stats"], { env: { WA_STORE: `postgres://u:${secret}@127.0.0.1:1/x` } })
    expect(viaEnv.stdout + viaEnv.stderr).not.toContain(secret)
  })

  it("kill -9 in the middle of a revalidation, then again: every stored number keeps exactly one current result", async () => {
    const slow = await startServer(["--token", TOKEN, "--latency", "400"])
    try {
      const d = tmp()
      const store = path.join(d, "k.db")
      const list = numbers(600, 5000)
      fs.writeFileSync(path.join(d, "n.txt"), list.join("\n") + "\n")
      const slowEnv = { WA_BASE_URL: slow.url, WA_TOKEN: TOKEN }
      expect((await waBin(["check", "--store", store, "--file", path.join(d, "n.txt"), "-q", "--output", path.join(d, "c.ndjson")], { env: slowEnv })).code).toBe(0)
      const killOnce = async () => {
        const { child } = spawnBin(["revalidate", "--store", store, "--max-age", "0s", "--no-budget", "--batch-size", "25", "--rate", "10"], { env: slowEnv })
        let lines = 0
        await new Promise<void>((resolve) => {
          child.stdout!.on("data", (t: string) => {
            lines += t.split("\n").length - 1
            if (lines >= 50) {
              child.kill("SIGKILL")
              resolve()
            }
          })
          child.on("exit", () => resolve())
        })
        return lines
      }
      const firstKill = await killOnce()
      // The killed run's claims lapse after their lease (30 s): the second run waits for them, then goes on.
      const secondKill = await killOnce()
      expect(firstKill).toBeGreaterThanOrEqual(50)
      expect(secondKill).toBeGreaterThanOrEqual(50)
      const exported = ndjson((await waBin(["store", "export", "--store", store])).stdout)
      expect(exported).toHaveLength(600)
      expect(new Set(exported.map((r) => r["number"])).size).toBe(600)
      expect(exported.every((r) => r["status"] === "valid" || r["status"] === "invalid")).toBe(true)
      // And a run to the end finds nothing left half-done.
      const finish = await waBin(["revalidate", "--store", store, "--max-age", "1h", "--no-budget"], { env: slowEnv })
      expect(finish.code).toBe(0)
    } finally {
      await slow.stop()
    }
  }, 120_000)
})
