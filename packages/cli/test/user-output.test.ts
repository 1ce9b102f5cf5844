/**
 * Issue #13, "Output is data and must never be damaged", and "Messages", as a user meets them:
 * the BUILT bin in a real shell (redirections, pipes, files), against the in-process simulator or
 * `mock serve` on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { built, type Server, spawnBin, startServer, usNumbers, waBin, waShell } from "./support/bin.ts"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

const TOKEN = "tok-user-output-5d1e"
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-user-"))
const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "")

describe("usage errors: the error and a one-line hint on stderr, stdout empty, exit 1", () => {
  it("check --fromat csv 1 > r.csv leaves r.csv empty, with at most 3 lines on stderr", async () => {
    const d = tmp()
    const run = await waShell("wa-contacts check --fromat csv 1 > r.csv", { cwd: d })
    expect(run.code).toBe(1)
    expect(fs.readFileSync(path.join(d, "r.csv"), "utf8")).toBe("")
    expect(lines(run.stderr).length).toBeLessThanOrEqual(3)
    expect(run.stderr).toContain("--fromat")
    expect(run.stderr).toContain("--format")
  })

  it.each([
    ["a bad flag value", ["check", "--batch-size", "0", "1"]],
    ["a missing value", ["check", "--file"]],
    ["a repeated flag", ["check", "--format", "csv", "--format", "json", "1"]],
    ["a missing required flag", ["translate", "1"]],
    ["a typo of a command", ["chek", "1"]],
    ["help as a command", ["help"]],
    ["no command at all", []],
    ["a command group without its subcommand", ["mock"]]
  ])("%s", async (_, argv) => {
    const run = await waBin(argv)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    const err = lines(run.stderr)
    expect(err[0]).toMatch(/^error: /)
    expect(err[1]).toMatch(/--help/)
    expect(err.length).toBeLessThanOrEqual(3)
  })

  it("--help alone prints the help on stdout and exits 0", async () => {
    const run = await waBin(["check", "--help"])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("--max-wait")
    expect(run.stderr).toBe("")
  })
})

describe("a reader that goes away is a quiet stop", () => {
  const d = tmp()
  const big = path.join(d, "big.txt")
  beforeAll(() => fs.writeFileSync(big, usNumbers(20_000).join("\n") + "\n"))

  // (A JSON array is one line: `head -1` waits for all of it.)
  it.each(["ndjson", "table", "csv"])("check --mock --all-users --file big.txt --format %s | head -1", async (format) => {
    const run = await waShell(
      `wa-contacts check --mock --all-users --latency 0 --file ${JSON.stringify(big)} --format ${format} 2>err.txt | head -1; echo "exit=\${PIPESTATUS[0]}"`,
      { cwd: d }
    )
    expect(run.stdout).toMatch(/exit=0\s*$/)
    expect(lines(run.stdout)).toHaveLength(2)
    expect(fs.readFileSync(path.join(d, "err.txt"), "utf8")).toBe("")
  })
})

describe("an existing --output file is never shortened by a failed run", () => {
  let server: Server
  beforeAll(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "0"])
  })
  afterAll(async () => {
    await server?.stop()
  })
  const previous = `${JSON.stringify({ input: "+16315551000", status: "valid" })}\n`

  it("a non-empty file is not overwritten without --force (and --resume is suggested where it works)", async () => {
    const d = tmp()
    const out = path.join(d, "keep.ndjson")
    fs.writeFileSync(out, previous)
    const run = await waBin(["check", "+16315551001", "--output", out], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("--force")
    expect(run.stderr).toContain("--resume")
    expect(fs.readFileSync(out, "utf8")).toBe(previous)
    const json = path.join(d, "keep.json")
    fs.writeFileSync(json, "[]\n")
    const asJson = await waBin(["check", "+16315551001", "--output", json], { env: { WA_BASE_URL: server.url, WA_TOKEN: TOKEN } })
    expect(asJson.code).toBe(1)
    expect(asJson.stderr).not.toContain("--resume")
  })

  it("a wrong token with --force: exit 2, the file as it was, no summary", async () => {
    const d = tmp()
    const out = path.join(d, "keep.ndjson")
    fs.writeFileSync(out, previous)
    const run = await waBin(["check", "+16315551001", "--output", out, "--force"], { env: { WA_BASE_URL: server.url, WA_TOKEN: "wrong-token" } })
    expect(run.code).toBe(2)
    expect(fs.readFileSync(out, "utf8")).toBe(previous)
    expect(run.stderr).not.toMatch(/checked in|semantics/)
  })

  it("a server that is down: each retry is shown (once per wave of requests in flight), exit 3, the file as it was, no new file created", async () => {
    const d = tmp()
    const out = path.join(d, "keep.ndjson")
    fs.writeFileSync(out, previous)
    const env = { WA_BASE_URL: "http://127.0.0.1:1", WA_TOKEN: TOKEN }
    const run = await waBin(["check", "+16315551001", "--output", out, "--force"], { env })
    expect(run.code).toBe(3)
    expect(fs.readFileSync(out, "utf8")).toBe(previous)
    expect(run.stderr.match(/^retrying in \d+\.\d s: the server refused the connection/gm)?.length).toBeGreaterThanOrEqual(3)
    expect(run.stderr).not.toContain("ECONNREFUSED:")
    // Many requests in flight fail together: one line per wave of retries, not one per request.
    const list = path.join(d, "list.txt")
    fs.writeFileSync(list, Array.from({ length: 5_000 }, (_, i) => `+1631555${String(i).padStart(4, "0")}`).join("\n"))
    const bulk = await waBin(["check", "--file", list, "--batch-size", "250", "--concurrency", "20", "--output", path.join(d, "bulk.ndjson")], { env })
    expect(bulk.code).toBe(3)
    const waves = bulk.stderr.match(/^retrying in \d+\.\d s: the server refused the connection/gm)?.length ?? 0
    expect(waves).toBeGreaterThanOrEqual(3)
    expect(waves).toBeLessThanOrEqual(12)
    const fresh = path.join(d, "new.ndjson")
    const quiet = await waBin(["check", "+16315551001", "--output", fresh, "--quiet"], { env })
    expect(quiet.code).toBe(3)
    expect(quiet.stderr).not.toContain("retrying")
    expect(fs.existsSync(fresh)).toBe(false)
    // Nor a header-only CSV or an empty JSON array: the next run would refuse to overwrite it.
    for (const format of ["csv", "json"]) {
      const file = path.join(d, `new.${format}`)
      const down = await waBin(["check", "+16315551001", "--output", file, "--format", format, "--quiet"], { env })
      expect(down.code).toBe(3)
      expect(fs.existsSync(file)).toBe(false)
    }
  }, 60_000)

  it("an --output in a folder that does not exist is refused before anything is checked", async () => {
    const out = path.join(tmp(), "missing", "r.ndjson")
    const run = await waBin(["check", "--mock", "--latency", "0", "+16315551000", "--output", out])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("does not exist")
    expect(run.stderr).not.toContain("checked")
  })

  it("--force replaces the file once results come; --output - is stdout", async () => {
    const d = tmp()
    const out = path.join(d, "keep.ndjson")
    fs.writeFileSync(out, previous)
    const env = { WA_BASE_URL: server.url, WA_TOKEN: TOKEN }
    const forced = await waBin(["check", "+16315551002", "--output", out, "--force", "-q"], { env })
    expect(forced.code).toBe(0)
    expect(lines(fs.readFileSync(out, "utf8")).map((l) => (JSON.parse(l) as { input: string }).input)).toEqual(["+16315551002"])
    const dash = await waBin(["check", "+16315551002", "--output", "-", "-q"], { env, cwd: d })
    expect(lines(dash.stdout)).toHaveLength(1)
    expect(fs.existsSync(path.join(d, "-"))).toBe(false)
  })

  it("an interrupted NDJSON run says --resume, and --resume continues it", async () => {
    const d = tmp()
    const input = path.join(d, "numbers.txt")
    fs.writeFileSync(input, usNumbers(3000).join("\n") + "\n")
    const out = path.join(d, "out.ndjson")
    const env = { WA_BASE_URL: server.url, WA_TOKEN: TOKEN }
    const args = ["check", "--file", input, "--output", out, "--batch-size", "100", "--concurrency", "1"]
    const { child, done } = spawnBin([...args, "--rate", "5"], { env })
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline && (!fs.existsSync(out) || fs.statSync(out).size < 5_000)) await new Promise((r) => setTimeout(r, 50))
    child.kill("SIGINT")
    const first = await done
    expect(first.code).toBe(130)
    expect(first.stderr).toContain("--resume")
    const second = await waBin([...args, "--resume", "--rate", "0"], { env })
    expect(second.code).toBe(0)
    expect(new Set(lines(fs.readFileSync(out, "utf8")).map((l) => (JSON.parse(l) as { input: string }).input)).size).toBe(3000)
  }, 60_000)
})

describe("./dev wa-contacts keeps the user's working directory", () => {
  it("relative --file and --output resolve where the user stands", async () => {
    const d = tmp()
    fs.writeFileSync(path.join(d, "in.txt"), "+16315551000\n")
    const dev = path.resolve(import.meta.dirname, "../../../dev")
    const run = await waShell(`${JSON.stringify(dev)} wa-contacts check --mock --latency 0 --file in.txt -o out.ndjson -q`, { cwd: d })
    expect(run.code, run.stderr).toBe(0)
    expect(lines(fs.readFileSync(path.join(d, "out.ndjson"), "utf8"))).toHaveLength(1)
  }, 120_000)
})

describe("summaries and help read as a careful tool's", () => {
  it("counts are grouped alike, and re-sends are counted as numbers", async () => {
    const d = tmp()
    const input = path.join(d, "n.txt")
    fs.writeFileSync(input, usNumbers(1500).join("\n") + "\n")
    const run = await waBin(["check", "--mock", "--no-wait", "--all-users", "--latency", "50", "--file", input, "-o", path.join(d, "o.ndjson")])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/^1,500 checked in [\d.]+ s: 1,500 valid, 0 invalid, 0 failed, 0 processing$/m)
    expect(run.stderr).toMatch(/[\d,]+ numbers? re-sent while processing/)
  })

  it("the subcommand table stays a table; --quiet says what it does; log lines are plain", async () => {
    const help = await waBin(["--help"])
    const table = help.stdout.slice(help.stdout.indexOf("SUBCOMMANDS"))
    expect(table).not.toContain("Exit codes: 0 done")
    // The exit codes, written once (ExitCode.ts), defects included.
    expect(help.stdout).toMatch(/^ {2}70 internal error/m)
    expect((await waBin(["block", "--help"])).stdout).toContain("Print nothing on success")
    const insecure = await waBin(["blocklist", "--insecure"], { env: { WA_BASE_URL: "https://127.0.0.1:1", WA_TOKEN: TOKEN, WA_TIMEOUT: "200" } })
    expect(insecure.stderr).toMatch(/^warning: /m)
    expect(insecure.stderr).not.toMatch(/timestamp=|level=|fiber=/)
  }, 60_000)
})
