/**
 * End to end: the BUILT bin as a subprocess against `wa-contacts mock serve --port 0` on
 * 127.0.0.1 — real processes, real sockets. Build first (`pnpm --filter @wa-contacts/cli build`;
 * the root test script does). Bigger sizes run with WA_FULL=1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { makeSelfSigned } from "../../../testing/certificate.ts"
import { built, type Server, spawnBin, startServer, usNumbers, waBin } from "./support/bin.ts"

const FULL = process.env["WA_FULL"] === "1"
const TOKEN = "tok-RECOGNISABLE-7f3a9c"
const PASSWORD = "pw-RECOGNISABLE-Q8#x"

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-e2e-"))
const ndjson = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

describe("the bundled bin", () => {
  it("--help starts well under a second and documents the exit codes", async () => {
    const run = await waBin(["--help"])
    expect(run.code).toBe(0)
    expect(run.ms).toBeLessThan(1000)
    for (const code of ["0  success", "1  usage", "2  authentication", "3  API or transport", "4  some contacts still processing"]) {
      expect(run.stdout).toContain(code)
    }
    for (const command of ["check", "translate", "block", "unblock", "blocklist", "report", "identity", "mock"]) {
      expect(run.stdout).toMatch(new RegExp(`\\n\\s+${command}\\b`))
    }
  })

  it("--version prints the version of package.json", async () => {
    const run = await waBin(["--version"])
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(run.stdout.trim()).toBe(`wa-contacts v${pkg.version}`)
  })

  it("check --mock: the quick start prints every status and exits 0", async () => {
    const run = await waBin(["check", "--mock", "--no-wait", "16315551000", "+1 631 555 1001", "6315551002", "+1 (631) 555-1004", "1-631-555-1005", "+163155588"])
    expect(run.code).toBe(0)
    expect(ndjson(run.stdout).map((r) => r["status"])).toEqual(["valid", "valid", "invalid", "valid", "valid", "failed"])
    expect(run.stderr).toContain("re-sent while processing")
  })
})

describe("against mock serve", () => {
  let server: Server
  const env = () => ({ WA_BASE_URL: server.url, WA_TOKEN: TOKEN })

  beforeAll(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "0", "--registered", "+16315550000"])
  })
  afterAll(async () => {
    await server?.stop()
  })

  describe("check", () => {
    it("numbers as arguments", async () => {
      const run = await waBin(["check", "+16315551000", "+16315551002", "--registered", "+16315550000"], { env: env() })
      expect(run.code).toBe(0)
      expect(ndjson(run.stdout).map((r) => [r["input"], r["status"]])).toEqual([["+16315551000", "valid"], ["+16315551002", "invalid"]])
      expect(run.stderr).toContain("semantics: legacy")
    })

    it("a file, stdin, and a CSV column", async () => {
      const d = tmp()
      const file = path.join(d, "n.txt")
      fs.writeFileSync(file, "+16315551000\n+16315551004\n")
      const fromFile = await waBin(["check", "--file", file], { env: env() })
      expect(ndjson(fromFile.stdout).map((r) => r["line"])).toEqual([1, 2])
      const fromStdin = await waBin(["check", "--file", "-"], { env: env(), stdin: "+16315551001\n\n+16315551002\n" })
      expect(ndjson(fromStdin.stdout).map((r) => [r["input"], r["line"], r["status"]])).toEqual([
        ["+16315551001", 1, "valid"],
        ["+16315551002", 3, "invalid"]
      ])
      const csv = path.join(d, "c.csv")
      fs.writeFileSync(csv, "name,phone\nA,+16315551005\nB,\"+1 631 555 1004\"\n")
      const fromCsv = await waBin(["check", "--file", csv, "--column", "phone"], { env: env() })
      expect(ndjson(fromCsv.stdout).map((r) => r["input"])).toEqual(["+16315551005", "+1 631 555 1004"])
      const csvFromStdin = await waBin(["check", "--file", "-", "--column", "1"], { env: env(), stdin: "+16315551000\n" })
      expect(ndjson(csvFromStdin.stdout)).toHaveLength(1)
    })

    it("every format", async () => {
      const args = ["check", "+16315551000", "+16315551002"]
      const table = await waBin([...args, "--format", "table"], { env: env() })
      expect(table.stdout.split("\n")[0]).toMatch(/^INPUT\s+STATUS/)
      const json = await waBin([...args, "--format", "json"], { env: env() })
      expect((JSON.parse(json.stdout) as Array<unknown>).length).toBe(2)
      const csv = await waBin([...args, "--format", "csv"], { env: env() })
      expect(csv.stdout.trim().split("\n")).toHaveLength(3)
      const nd = await waBin([...args, "--format", "ndjson"], { env: env() })
      expect(ndjson(nd.stdout)).toHaveLength(2)
      // Not a terminal and no --format: NDJSON.
      expect(ndjson((await waBin(args, { env: env() })).stdout)).toHaveLength(2)
    })
  })

  describe("block, unblock, blocklist, report", () => {
    it("block needs engagement; after an inbound message it works, shows in the blocklist, and unblock removes it", async () => {
      const number = "+16315551004"
      expect((await waBin(["block", number], { env: env() })).code).toBe(3)
      await server.control("inbound", { from: number })
      const blocked = await waBin(["block", number, "--reason", "spam"], { env: env() })
      expect(blocked.code).toBe(0)
      const list = await waBin(["blocklist", "--format", "json"], { env: env() })
      expect(JSON.parse(list.stdout)).toContainEqual({ wa_id: "16315551004", jid: "16315551004@s.whatsapp.net" })
      expect((await waBin(["unblock", number], { env: env() })).code).toBe(0)
      const after = await waBin(["blocklist", "--all", "--format", "ndjson"], { env: env() })
      expect(ndjson(after.stdout).map((r) => r["wa_id"])).not.toContain("16315551004")
    })

    it("report with --block and a message id the contact sent", async () => {
      const number = "+16315551005"
      const { message_id } = await server.control("inbound", { from: number })
      const run = await waBin(["report", number, "--block", "--message-id", String(message_id), "--reason", "spam"], { env: env() })
      expect(run.code).toBe(0)
      expect(run.stdout).toContain("reported")
      const list = await waBin(["blocklist", "--limit", "200", "--format", "csv"], { env: env() })
      expect(list.stdout).toContain("16315551005,16315551005@s.whatsapp.net")
      const unknownMessage = await waBin(["report", number, "--message-id", "wamid.nope"], { env: env() })
      expect(unknownMessage.code).toBe(3)
    })
  })

  describe("identity", () => {
    it("get shows an unacknowledged change; ack with its hash acknowledges it", async () => {
      const { hash } = await server.control("identity-change", { wa_id: "16315551001" })
      const before = ndjson((await waBin(["identity", "get", "16315551001", "--format", "ndjson"], { env: env() })).stdout)[0]
      expect(before).toMatchObject({ hash, acknowledged: false })
      expect((await waBin(["identity", "ack", "16315551001", "--hash", "c3RhbGU="], { env: env() })).code).toBe(3)
      expect((await waBin(["identity", "ack", "16315551001", "--hash", String(hash)], { env: env() })).code).toBe(0)
      const after = ndjson((await waBin(["identity", "get", "16315551001", "--format", "ndjson"], { env: env() })).stdout)[0]
      expect(after).toMatchObject({ hash, acknowledged: true })
    })
  })

  describe("exit codes", () => {
    it("0, 1, 2, 3 and 4", async () => {
      expect((await waBin(["check", "+16315551000"], { env: env() })).code).toBe(0)
      expect((await waBin(["check"], { env: env() })).code).toBe(1)
      expect((await waBin(["check", "+16315551000"], { env: { WA_BASE_URL: server.url, WA_TOKEN: "wrong-token" } })).code).toBe(2)
      expect((await waBin(["block", "+16315551000"], { env: env() })).code).toBe(3)
      const slow = await startServer(["--token", TOKEN, "--latency", "60000"])
      try {
        const run = await waBin(["check", "+16315551000", "--no-wait", "--max-wait", "0.3"], { env: { WA_BASE_URL: slow.url, WA_TOKEN: TOKEN } })
        expect(run.code).toBe(4)
        expect(ndjson(run.stdout)).toMatchObject([{ status: "processing" }])
      } finally {
        await slow.stop()
      }
    })

    it("3 for an answer that cannot be read, on a call that is not repeated (report)", async () => {
      const faulty = await startServer(["--token", TOKEN])
      try {
        await faulty.control("faults", { malformed_next: 1 })
        const run = await waBin(["report", "+16315551000"], { env: { WA_BASE_URL: faulty.url, WA_TOKEN: TOKEN } })
        expect(run.code).toBe(3)
        expect(run.stderr).toContain("could not be read")
      } finally {
        await faulty.stop()
      }
    })

    it.runIf(FULL)("3 when the server keeps failing after the retries: 503 on every attempt", async () => {
      const faulty = await startServer(["--token", TOKEN])
      try {
        await faulty.control("faults", { overloaded_next: 100 })
        const run = await waBin(["check", "+16315551000"], { env: { WA_BASE_URL: faulty.url, WA_TOKEN: TOKEN } })
        expect(run.code).toBe(3)
        expect(run.stderr).toContain("503")
      } finally {
        await faulty.stop()
      }
    })
  })

  describe("secrets", () => {
    it("a token or password never appears in output, errors or logs", async () => {
      const runs = await Promise.all([
        waBin(["check", "+16315551000"], { env: env() }),
        waBin(["check", "+16315551000", "--token", TOKEN, "--base-url", server.url, "--format", "table"]),
        waBin(["check", "+16315551000", "--base-url", server.url, "--username", "admin", "--password", PASSWORD]),
        waBin(["block", "+16315551000", "--base-url", server.url, "--token", TOKEN]),
        waBin(["check", "+16315551000", "--base-url", "http://127.0.0.1:1", "--token", TOKEN, "--password", PASSWORD, "--username", "admin", "--max-wait", "0"]),
        waBin(["check", "+16315551000", "--base-url", `https://admin:${PASSWORD}@127.0.0.1:1`, "--token", TOKEN, "--insecure"]),
        waBin(["identity", "get", "16315551000", "--base-url", server.url, "--token", TOKEN, "--log-level", "all"])
      ])
      for (const run of runs) {
        expect(run.stdout + run.stderr).not.toContain(TOKEN)
        expect(run.stdout + run.stderr).not.toContain(PASSWORD)
        expect(run.stdout + run.stderr).not.toContain(encodeURIComponent(PASSWORD))
      }
      // The server was given the token too: it says how to authenticate without echoing it.
      expect(server.output()).not.toContain(TOKEN)
    }, 60_000)
  })
})

describe("resume after kill -9", () => {
  const size = FULL ? 200_000 : 20_000

  it(`a check of ${size.toLocaleString("en-US")} numbers killed mid-run continues with --resume: exactly one record per input`, async () => {
    const server = await startServer(["--all-users", "--latency", "0", "--token", TOKEN])
    try {
      const d = tmp()
      const input = path.join(d, "numbers.txt")
      const numbers = usNumbers(size)
      fs.writeFileSync(input, numbers.join("\n") + "\n")
      const out = path.join(d, "out.ndjson")
      const env = { WA_BASE_URL: server.url, WA_TOKEN: TOKEN }
      // Slow on purpose: 200 numbers a request, 4 requests a second.
      const { child } = spawnBin(["check", "--file", input, "--output", out, "--batch-size", "200", "--rate", "4", "--concurrency", "1"], { env })
      const exited = new Promise((r) => child.on("exit", r))
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && (!fs.existsSync(out) || fs.statSync(out).size < 100_000)) await new Promise((r) => setTimeout(r, 50))
      child.kill("SIGKILL")
      await exited
      const partial = fs.readFileSync(out, "utf8").split("\n").filter((l) => l !== "").length
      expect(partial).toBeGreaterThan(0)
      expect(partial).toBeLessThan(size)

      const resumed = await waBin(["check", "--file", input, "--output", out, "--resume", "--batch-size", "1000", "--rate", "0"], { env })
      expect(resumed.code).toBe(0)
      expect(resumed.stderr).toMatch(/skipped \(already in the output\)/)
      const inputs = fs.readFileSync(out, "utf8").split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { input: string }).input)
      expect(inputs).toHaveLength(size)
      expect(new Set(inputs).size).toBe(size)
      expect(inputs).toEqual(numbers)
    } finally {
      await server.stop()
    }
  }, 120_000)

  it("Ctrl-C (SIGINT) writes what is known: a JSON array that parses, exit 130", async () => {
    const server = await startServer(["--all-users", "--latency", "0", "--token", TOKEN])
    try {
      const d = tmp()
      const input = path.join(d, "numbers.txt")
      fs.writeFileSync(input, usNumbers(5000).join("\n") + "\n")
      const out = path.join(d, "out.json")
      const { child } = spawnBin(["check", "--file", input, "--output", out, "--batch-size", "100", "--rate", "5", "--concurrency", "1"], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
      let stderr = ""
      child.stderr!.on("data", (t: Buffer) => (stderr += t.toString()))
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)))
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && (!fs.existsSync(out) || fs.statSync(out).size < 5_000)) await new Promise((r) => setTimeout(r, 50))
      child.kill("SIGINT")
      expect(await exited).toBe(130)
      const records = JSON.parse(fs.readFileSync(out, "utf8")) as Array<unknown>
      expect(records.length).toBeGreaterThan(0)
      expect(records.length).toBeLessThan(5000)
      expect(stderr).toContain("interrupted")
      // JSON cannot be appended to: --resume is suggested only for NDJSON and CSV (issue #13, item 4).
      expect(stderr).not.toContain("--resume")
    } finally {
      await server.stop()
    }
  }, 60_000)
})

describe("mock serve", () => {
  it("stops cleanly on SIGINT and SIGTERM", async () => {
    const a = await startServer()
    expect(await a.stop()).toBe(130)
    const { child: b } = spawnBin(["mock", "serve", "--port", "0"])
    await new Promise<void>((r) => b.stdout!.once("data", () => r()))
    const exited = new Promise<number | null>((r) => b.on("exit", (code) => r(code)))
    b.kill("SIGTERM")
    expect(await exited).toBe(130)
  })

  it("--no-control turns the control surface off; a users file adds WhatsApp users", async () => {
    const d = tmp()
    const users = path.join(d, "users.json")
    fs.writeFileSync(users, JSON.stringify([{ number: "+447911123456" }]))
    const s = await startServer(["--no-control", "--users", users, "--token", TOKEN])
    try {
      const control = await fetch(`${s.url}/_simulator/state`)
      expect(control.status).toBe(404)
      const run = await waBin(["check", "+447911123456", "+16315551000"], { env: { WA_BASE_URL: s.url, WA_TOKEN: TOKEN } })
      expect(ndjson(run.stdout).map((r) => r["status"])).toEqual(["valid", "invalid"])
    } finally {
      await s.stop()
    }
  })

  it("--tls-cert/--tls-key serve HTTPS: trusted with --ca-file, refused without (exit 3)", async () => {
    const certificate = makeSelfSigned()
    const key = certificate.keyFile
    const cert = certificate.certFile
    const s = await startServer(["--tls-cert", cert, "--tls-key", key, "--token", TOKEN, "--latency", "0"])
    try {
      expect(s.url.startsWith("https://127.0.0.1:")).toBe(true)
      const env = { WA_BASE_URL: s.url, WA_TOKEN: TOKEN }
      expect((await waBin(["check", "+16315551000", "--ca-file", cert], { env })).code).toBe(0)
      const untrusted = await waBin(["check", "+16315551000"], { env })
      expect(untrusted.code).toBe(3)
      expect(untrusted.stderr).toContain("TLS")
    } finally {
      certificate.remove()
      await s.stop()
    }
  })

  it("a bad users file is a usage error (exit 1)", async () => {
    const d = tmp()
    const users = path.join(d, "users.json")
    fs.writeFileSync(users, "{\"nope\": 1}")
    const run = await waBin(["mock", "serve", "--port", "0", "--users", users])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("--users")
  })
})
