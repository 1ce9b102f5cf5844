/**
 * `wa-contacts mock serve` and `mock openapi` as users meet them: the BUILT bin as real processes
 * on 127.0.0.1. Issue #16's "Done when" (a real `check` of 10 numbers, then the journal and the
 * per-number counts; reset; a version switch mid-run that the client reports), issue #14's
 * version rule (refused the same way with `--mock` and `mock serve`), issue #13's busy port and
 * first-login banner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { built, type Server, startServer, waBin } from "./support/bin.ts"

const TOKEN = "tok-mock-serve-5b1e"
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-mock-"))
const ndjson = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, any>)
const get = async (url: string): Promise<any> => (await fetch(url)).json()
/** The banner is printed after the URL: wait for its last line. */
const bannerOf = async (server: Server): Promise<string> => {
  for (let i = 0; i < 100 && !server.output().includes("Ctrl-C stops the server"); i++) await new Promise((r) => setTimeout(r, 20))
  return server.output()
}

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

// The six users of the default directory and four numbers that are not users.
const TEN = [
  "+16315551000", "+16315551001", "+16315551004", "+16315551005", "+15162837151",
  "+5491156121008", "+16315551002", "+16315551003", "+16315551006", "+16315551007"
]

describe("mock serve: a real check of 10 numbers, then the journal and the counts", () => {
  let server: Server
  const dir = tmp()
  const journalFile = path.join(dir, "journal.ndjson")
  const env = () => ({ WA_BASE_URL: server.url, WA_TOKEN: TOKEN })

  beforeAll(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "300", "--journal", journalFile])
  })
  afterAll(async () => {
    await server?.stop()
  })

  it("the journal lists the check requests with those numbers; each number was checked once, re-sends visible as such", async () => {
    // --no-wait: lists are sent with `wait` by default, which needs no re-send; no_wait's re-sends are the point here.
    const run = await waBin(["check", "--no-wait", ...TEN], { env: env() })
    expect(run.code).toBe(0)
    expect(ndjson(run.stdout)).toHaveLength(10)

    const page = await get(`${server.url}/_simulator/requests?method=POST&path=/v1/contacts&order=oldest`)
    expect(page.matched).toBeGreaterThanOrEqual(1)
    const seen = new Set(page.entries.flatMap((e: any) => e.numbers))
    expect([...seen].sort()).toEqual([...TEN].sort())
    // No token in the journal, ever.
    expect(JSON.stringify(page)).not.toContain(TOKEN)

    let resends = 0
    for (const number of TEN) {
      const counts = await get(`${server.url}/_simulator/numbers/${encodeURIComponent(number)}`)
      // Exactly one reception that was not a re-send after a processing answer: checked once.
      expect(counts.received - counts.resent_after_processing, number).toBe(1)
      resends += counts.resent_after_processing
    }
    // 300 ms lookups: the client's no_wait re-sends happened, and the journal marks them.
    const marked = page.entries.reduce((n: number, e: any) => n + e.resent.length, 0)
    expect(marked).toBe(resends)
    expect(resends).toBeGreaterThan(0)
    console.log(`[mock serve] 10 numbers: ${page.matched} check requests, ${resends} re-sends after processing`)

    // `--journal FILE` appended the same entries as NDJSON.
    await new Promise((r) => setTimeout(r, 100))
    const lines = ndjson(fs.readFileSync(journalFile, "utf8"))
    expect(lines.filter((l) => l["path"] === "/v1/contacts")).toHaveLength(page.matched)
    expect(fs.readFileSync(journalFile, "utf8")).not.toContain(TOKEN)
  })

  it("a reset empties the journal, the cache and the blocklist", async () => {
    await server.control("inbound", { from: "+16315551000" })
    expect((await waBin(["block", "+16315551000"], { env: env() })).code).toBe(0)
    const before = await get(`${server.url}/_simulator/state`)
    expect(before.blocklist).toBe(1)
    expect(before.cached_results).toBeGreaterThan(0)
    expect(await server.control("reset", {})).toEqual({ reset: true })
    const after = await get(`${server.url}/_simulator/state`)
    expect(after).toMatchObject({ blocklist: 0, cached_results: 0, requests: {}, responses: {} })
    expect((await get(`${server.url}/_simulator/requests`)).matched).toBe(0)
    const list = await waBin(["blocklist", "--all", "--format", "json"], { env: env() })
    expect(JSON.parse(list.stdout)).toEqual([])
  })
})

describe("mock serve: switching the version mid-run", () => {
  let server: Server
  beforeAll(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "0"])
  })
  afterAll(async () => {
    await server?.stop()
  })

  it("an upgrade to 2.45.1 after the first requests: later results are repurposed and the client reports it", async () => {
    // The server switches after 2 check requests; the client sends 5 (2 numbers each, one at a time).
    expect(await server.control("version", { version: "2.45.1", after_checks: 2 })).toEqual({ version: "2.41.3" })
    const run = await waBin(["check", ...TEN, "--batch-size", "2", "--concurrency", "1"], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
    expect(run.code).toBe(0)
    const records = ndjson(run.stdout)
    expect(records).toHaveLength(10)
    // The first 4 answers came from 2.41.3: wa_ids trusted. The last 6 from 2.45.1: untrusted hints, non-users `valid`.
    expect(records.slice(0, 4).map((r) => r["wa_id_trusted"])).toEqual([true, true, true, true])
    expect(records.slice(4).every((r) => r["wa_id_trusted"] === false && r["status"] === "valid")).toBe(true)
    expect(run.stderr).toContain("semantics: repurposed")
    const versions = (await get(`${server.url}/_simulator/requests?path=/v1/contacts&order=oldest`)).entries.length
    expect(versions).toBe(5)
  })
})

describe("the version rule is the core's, with --mock and mock serve alike", () => {
  it("--api-version nonsense (or 2) is a clear usage error for mock serve and for check --mock", async () => {
    for (const version of ["nonsense", "2"]) {
      const served = await waBin(["mock", "serve", "--port", "0", "--api-version", version])
      expect(served.code, version).toBe(1)
      expect(served.stderr).toContain(`"${version}" is not a server version`)
      const mocked = await waBin(["check", "--mock", "--api-version", version, "6315551002"])
      expect(mocked.code, version).toBe(1)
      expect(mocked.stderr).toContain(`"${version}" is not a server version`)
      expect(mocked.stdout).toBe("")
    }
  })

  it("--api-version 2.41 agrees in check --mock and against mock serve: no anomaly", async () => {
    const mocked = await waBin(["check", "--mock", "--api-version", "2.41", "6315551002"])
    const server = await startServer(["--token", TOKEN, "--latency", "0", "--api-version", "2.41"])
    try {
      const served = await waBin(["check", "--api-version", "2.41", "--registered", "+16315550000", "6315551002"], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
      const strip = (r: Record<string, any>) => ({ status: r["status"], detail: r["detail"], trusted: r["wa_id_trusted"] })
      expect(ndjson(served.stdout).map(strip)).toEqual(ndjson(mocked.stdout).map(strip))
      expect(ndjson(served.stdout)[0]).toMatchObject({ status: "invalid", detail: null })
    } finally {
      await server.stop()
    }
  })
})

describe("mock serve: starting", () => {
  it("a busy port is said in words, not an empty reason", async () => {
    const first = await startServer(["--token", TOKEN])
    try {
      const port = new URL(first.url).port
      const second = await waBin(["mock", "serve", "--port", port])
      expect(second.code).toBe(1)
      expect(second.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`)
    } finally {
      await first.stop()
    }
  })

  it("the banner explains the first login honestly, and the command it suggests works", async () => {
    const server = await startServer(["--latency", "0"])
    try {
      const banner = await bannerOf(server)
      expect(banner).toContain("WA_NEW_PASSWORD")
      expect(banner).toContain("--new-password")
      expect(banner).toContain("/_simulator/openapi.json")
      const suggested = /try:\s+(.*) wa-contacts check 16315551000/.exec(banner)![1]!
      const env = Object.fromEntries([...suggested.matchAll(/(\w+)=('([^']*)'|\S+)/g)].map((m) => [m[1]!, m[3] ?? m[2]!]))
      expect(Object.keys(env).sort()).toEqual(["WA_BASE_URL", "WA_NEW_PASSWORD", "WA_PASSWORD", "WA_USERNAME"])
      const run = await waBin(["check", "16315551000", "--registered", "+16315550000"], { env })
      expect(run.code).toBe(0)
      expect(ndjson(run.stdout)[0]).toMatchObject({ status: "valid" })
      // A later run with the same settings logs in with the new password.
      expect((await waBin(["check", "16315551001", "--registered", "+16315550000"], { env })).code).toBe(0)
    } finally {
      await server.stop()
    }
  })

  it("--scenario names a scenario or is refused with the list; --rate and --burst are separate", async () => {
    const refused = await waBin(["mock", "serve", "--port", "0", "--scenario", "nope"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("upgrade-to-2.43")
    const server = await startServer(["--token", TOKEN, "--scenario", "overloaded", "--rate", "5"])
    try {
      expect(await bannerOf(server)).toContain("rate limit 5/s, bursts of 60")
      expect(server.output()).toContain("scenario overloaded")
      const run = await waBin(["check", "+16315551000", "--max-wait", "30"], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
      expect(run.code).toBe(0)
      expect((await get(`${server.url}/_simulator/requests?status=503`)).matched).toBe(5)
    } finally {
      await server.stop()
    }
  })
})

describe("mock openapi", () => {
  it("prints the OpenAPI 3.1 document, or writes it with --output", async () => {
    const printed = await waBin(["mock", "openapi"])
    expect(printed.code).toBe(0)
    const document = JSON.parse(printed.stdout)
    expect(document.openapi).toBe("3.1.0")
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/v1/contacts", "/_simulator/requests", "/_simulator/numbers/{number}"]))
    const file = path.join(tmp(), "openapi.json")
    expect((await waBin(["mock", "openapi", "--output", file])).code).toBe(0)
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(document)
  })
})
