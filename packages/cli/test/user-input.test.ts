/**
 * Issue #13, "Inputs get a clear answer", "Connection and first use" and "Lint tells the truth" (the
 * CLI's part), as a user meets them: the BUILT bin, real files, `mock serve` on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { built, type Server, startServer, waBin } from "./support/bin.ts"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

const TOKEN = "tok-user-input-93a7"
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-user-in-"))
const write = (name: string, content: string | Buffer): string => {
  const file = path.join(tmp(), name)
  fs.writeFileSync(file, content)
  return file
}
const ndjson = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
const mock = ["--mock", "--latency", "0"]

describe("inputs: a clear answer before anything is checked", () => {
  it("a binary file is a usage error: exit 1, nothing checked", async () => {
    const run = await waBin(["check", ...mock, "--file", write("photo.jpg", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x0a, 0x00]))])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("not a text file")
  })

  it("a .csv or .tsv without --column says to pass it", async () => {
    for (const name of ["contacts.csv", "contacts.tsv"]) {
      const run = await waBin(["check", ...mock, "--file", write(name, "name,phone\nA,+16315551000\n")])
      expect(run.code).toBe(1)
      expect(run.stdout).toBe("")
      expect(run.stderr).toContain("--column")
    }
  })

  it("a column beyond the first row is a usage error (exit 1, nothing checked), like an unknown column name", async () => {
    const file = write("c.csv", "name,phone\nA,+16315551000\nB,+16315551001\n")
    for (const column of ["9", "telephone"]) {
      const run = await waBin(["check", ...mock, "--file", file, "--column", column])
      expect(run.code).toBe(1)
      expect(run.stdout).toBe("")
    }
  })

  it("semicolon- and tab-separated files are read (delimiter detected, or --delimiter)", async () => {
    const semi = await waBin(["check", ...mock, "--file", write("s.csv", "name;phone\nA;+16315551000\n"), "--column", "phone", "-q"])
    expect(ndjson(semi.stdout).map((r) => [r["input"], r["line"]])).toEqual([["+16315551000", 2]])
    const tab = await waBin(["check", ...mock, "--file", write("t.tsv", "name\tphone\nA\t+16315551001\n"), "--column", "2", "-q"])
    expect(ndjson(tab.stdout).map((r) => r["input"])).toEqual(["+16315551001"])
    const forced = await waBin(["check", ...mock, "--file", write("p.txt", "name|phone\nA|+16315551004\n"), "--column", "phone", "--delimiter", "|", "-q"])
    expect(ndjson(forced.stdout).map((r) => r["input"])).toEqual(["+16315551004"])
  })
})

describe("durations and versions", () => {
  it.each(["3s", "500ms", "2m", "1h", "1.5s", "10"])("--max-wait %s is accepted", async (value) => {
    const run = await waBin(["check", ...mock, "--max-wait", value, "+16315551000", "-q"])
    expect(run.code, run.stderr).toBe(0)
  })

  it("--max-wait 3x is refused, saying what a duration looks like", async () => {
    const run = await waBin(["check", ...mock, "--max-wait", "3x", "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("3s, 500ms, 2m or 1h")
  })

  it("--api-version accepts a version or legacy/repurposed (unknown too, where no simulator must play it), and refuses anything else", async () => {
    expect((await waBin(["check", ...mock, "--api-version", "legasy", "+16315551000"])).code).toBe(1)
    for (const ok of ["2.45.1", "legacy", "repurposed"]) {
      expect((await waBin(["check", ...mock, "--api-version", ok, "+16315551000", "-q"])).code).toBe(0)
    }
  })
})

describe("connection and first use", () => {
  let indian: Server
  let factory: Server
  beforeAll(async () => {
    indian = await startServer(["--token", TOKEN, "--latency", "0", "--registered", "+919876543210"])
    factory = await startServer(["--latency", "0"])
  })
  afterAll(async () => {
    await indian?.stop()
    await factory?.stop()
  })
  const env = (extra: Record<string, string> = {}) => ({ WA_BASE_URL: indian.url, WA_TOKEN: TOKEN, ...extra })

  it("WA_REGISTERED is honoured by check over HTTP: the mistranslation warning fires", async () => {
    const run = await waBin(["check", "1-631-555-1002", "-q"], { env: env({ WA_REGISTERED: "+919876543210" }) })
    expect(ndjson(run.stdout)[0]).toMatchObject({ translated: "+9116315551002", warnings: ["NO_PLUS", "LIKELY_MISTRANSLATED"] })
  })

  it("without a registered number, numbers without + are pointed out once per run", async () => {
    const run = await waBin(["check", "1-631-555-1002", "6315551000", "+16315551000"], { env: env() })
    expect(run.stderr.match(/^note: .*without \+/gm)).toHaveLength(1)
    expect(run.stderr).toContain("WA_REGISTERED")
  })

  it("with --mock, WA_REGISTERED registers the simulator too", async () => {
    const run = await waBin(["check", ...mock, "6315551002", "-q"], { env: { WA_REGISTERED: "+919876543210" } })
    expect(ndjson(run.stdout)[0]).toMatchObject({ translated: "+916315551002" })
  })

  it("--registered that is not an international number is refused (exit 1)", async () => {
    expect((await waBin(["check", "+16315551000", "--registered", "6315550000"], { env: env() })).code).toBe(1)
  })

  it("the factory account: the error names --new-password; a weak one exits 2; a strong one logs in", async () => {
    const login = { WA_BASE_URL: factory.url, WA_USERNAME: "admin", WA_PASSWORD: "secret" }
    expect((await waBin(["check", "--help"])).stdout).toContain("WA_NEW_PASSWORD")
    const first = await waBin(["check", "+16315551000"], { env: login })
    expect(first.code).toBe(2)
    expect(first.stderr).toContain("--new-password")
    const weak = await waBin(["check", "+16315551000", "--new-password", "weakpass"], { env: login })
    expect(weak.code).toBe(2)
    expect(weak.stderr).toContain("too weak")
    expect(weak.stderr).not.toContain("weakpass")
    const strong = await waBin(["check", "+16315551000", "-q"], { env: { ...login, WA_NEW_PASSWORD: "Str0ng!Passw0rd" } })
    expect(strong.code, strong.stderr).toBe(0)
    expect(strong.stderr).not.toContain("Str0ng!Passw0rd")
  })

  it("settings that cannot work are said in words: WA_TIMEOUT, a missing file, --insecure over http", async () => {
    const timeout = await waBin(["check", "+16315551000"], { env: env({ WA_TIMEOUT: "abc" }) })
    expect(timeout.code).toBe(1)
    expect(timeout.stderr).toContain("WA_TIMEOUT")
    expect(timeout.stderr).not.toMatch(/SchemaError|ConfigError/)
    const missing = await waBin(["check", ...mock, "--file", path.join(tmp(), "nope.txt")])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("no such file")
    expect(missing.stderr).not.toContain("ENOENT")
    const insecure = await waBin(["check", "+16315551000", "--insecure", "-q"], { env: env() })
    expect(insecure.code).toBe(0)
    expect(insecure.stderr).not.toContain("TLS")
  })
})

describe("lint of every phone argument, and fields named for what they hold", () => {
  let server: Server
  beforeAll(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "0", "--registered", "+919876543210"])
  })
  afterAll(async () => {
    await server?.stop()
  })
  const env = (extra: Record<string, string> = {}) => ({ WA_BASE_URL: server.url, WA_TOKEN: TOKEN, ...extra })

  it.each([["block"], ["unblock"], ["report"], ["identity", "get"]])("%s %s warns about a number without + as check does", async (...command) => {
    const argv = [...command.filter((c) => c !== undefined), "1-631-555-1000"]
    const known = await waBin(argv, { env: env({ WA_REGISTERED: "+919876543210" }) })
    expect(known.stderr).toContain("+9116315551000")
    expect(known.stderr).toContain("+16315551000 probably was meant")
    const unknown = await waBin(argv, { env: env() })
    expect(unknown.stderr).toContain("WA_REGISTERED")
  })

  it("a number that cannot be one is refused before sending (exit 1)", async () => {
    const run = await waBin(["block", "12"], { env: env({ WA_REGISTERED: "+919876543210" }) })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("nothing was sent")
  })

  it("identity get names the number asked about input, not wa_id", async () => {
    await server.control("identity-change", { wa_id: "16315551000" })
    const run = await waBin(["identity", "get", "+16315551000"], { env: env() })
    const [record] = ndjson(run.stdout)
    expect(record?.["input"]).toBe("+16315551000")
    expect(record).not.toHaveProperty("wa_id")
  })
})

describe("translate --file", () => {
  it("lints a whole list offline, with --column, one record per row with its line", async () => {
    const file = write("list.csv", "name,phone\nA,1-631-555-1002\nB,+16315551002\n")
    const run = await waBin(["translate", "--file", file, "--column", "phone", "--registered", "+919876543210"])
    expect(run.code).toBe(0)
    expect(ndjson(run.stdout).map((r) => [r["input"], r["line"], r["valid"]])).toEqual([["1-631-555-1002", 2, false], ["+16315551002", 3, true]])
    expect(ndjson(run.stdout)[0]?.["warnings"]).toContain("LIKELY_MISTRANSLATED")
  })
})
