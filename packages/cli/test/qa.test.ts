/**
 * Defects found by using the built `wa-contacts` as a new user would (branch qa): each test runs the
 * BUILT bin as a real process, as a user types it.
 */
import { describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { execFileSync, spawn } from "node:child_process"
import { BIN, built, cleanEnv, spawnBin, startServer, usNumbers, waBin } from "./support/bin.ts"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

const mock = ["--mock", "--latency", "0"]
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-qa-"))

describe("a bad flag value is said once, in plain words", () => {
  it.each([
    [["--max-wait", "abc"], "--max-wait: \"abc\": expected a duration such as 3s"],
    [["--batch-size", "0"], "--batch-size: \"0\": expected a whole number of at least 1"],
    [["--concurrency", "0"], "--concurrency: \"0\": expected a whole number of at least 1"],
    [["--rate", "-1"], "--rate: \"-1\": expected 0 or more requests per second"]
  ])("check %j: one 'expected', exit 1, stdout empty", async (flags, said) => {
    const run = await waBin(["check", ...mock, ...flags, "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain(said)
    expect(run.stderr).not.toMatch(/expected expected/i)
    expect(run.stderr.trim().split("\n")).toHaveLength(2)
  })

  it.each([
    [["check", "--mock", "--latency", "abc", "1"], "--latency: \"abc\": expected a number"],
    [["mock", "serve", "--port", "x"], "--port: \"x\": expected a number"],
    [["check", ...mock, "--batch-size", "1.5", "1"], "--batch-size: \"1.5\": expected a whole number"]
  ])("%j: the parser's wording is put in the user's words", async (args, said) => {
    const run = await waBin(args)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain(said)
    expect(run.stderr).not.toContain("string representing")
  })
})

describe("the summary claims no semantics before the server has answered", () => {
  it("a run interrupted before any answer: exit 130, no 'semantics: unknown' line", async () => {
    const d = tmp()
    fs.writeFileSync(path.join(d, "in.txt"), usNumbers(50).join("\n") + "\n")
    // Lookups take 30 s: the answer cannot come before the interrupt.
    const { child, done } = spawnBin(["check", "--mock", "--latency", "30000", "--file", "in.txt", "-o", "out.ndjson"], { cwd: d })
    await new Promise((r) => setTimeout(r, 1500))
    child.kill("SIGINT")
    const run = await done
    expect(run.code).toBe(130)
    expect(run.stderr).toContain("0 checked")
    expect(run.stderr).not.toContain("semantics")
    // Opened late: no file was created, and the summary does not claim one was written to.
    expect(fs.existsSync(path.join(d, "out.ndjson"))).toBe(false)
    expect(run.stderr).toContain("interrupted before the first record: nothing written (out.ndjson left as it was)")
  }, 30_000)

  it("--resume with every input already in the output: nothing sent, no semantics claimed", async () => {
    const d = tmp()
    fs.writeFileSync(path.join(d, "in.txt"), "+16315551000\n+16315551001\n")
    const args = ["check", ...mock, "--file", "in.txt", "-o", "out.ndjson"]
    expect((await waBin(args, { cwd: d })).code).toBe(0)
    const again = await waBin([...args, "--resume"], { cwd: d })
    expect(again.code).toBe(0)
    expect(again.stderr).toContain("2 skipped (already in the output)")
    expect(again.stderr).not.toContain("semantics")
  })

  it("--api-version given: the summary names its semantics even before any answer", async () => {
    const d = tmp()
    fs.writeFileSync(path.join(d, "in.txt"), "+16315551000\n")
    const args = ["check", ...mock, "--api-version", "2.45.1", "--file", "in.txt", "-o", "out.ndjson"]
    expect((await waBin(args, { cwd: d })).code).toBe(0)
    const again = await waBin([...args, "--resume"], { cwd: d })
    expect(again.stderr).toContain("semantics: repurposed")
  })
})

describe("a UTF-16 file (a spreadsheet's \"Unicode text\") gets a clear answer", () => {
  it.each([["LE", "utf16le", [0xff, 0xfe]], ["BE", "utf16be", [0xfe, 0xff]]] as const)("UTF-16 %s with a byte-order mark: exit 1, says to save it as UTF-8, nothing checked", async (_, __, bom) => {
    const d = tmp()
    const text = Buffer.from("+16315551000\n+16315551001\n", "utf16le")
    if (bom[0] === 0xfe) text.swap16()
    fs.writeFileSync(path.join(d, "numbers.txt"), Buffer.concat([Buffer.from(bom), text]))
    const run = await waBin(["check", ...mock, "--file", "numbers.txt"], { cwd: d })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("numbers.txt is UTF-16 text: save it as UTF-8")
  })
})

describe("--output is never the --file being read", () => {
  const big = () => {
    const d = tmp()
    const text = usNumbers(20_000).join("\n") + "\n"
    fs.writeFileSync(path.join(d, "list.txt"), text)
    return { d, text }
  }

  it("check --file list.txt -o list.txt --force: exit 1, nothing checked, the list intact", async () => {
    const { d, text } = big()
    const run = await waBin(["check", "--mock", "--all-users", "--latency", "0", "--file", "list.txt", "-o", "list.txt", "--force"], { cwd: d })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("--output list.txt is the --file being read")
    expect(fs.readFileSync(path.join(d, "list.txt"), "utf8")).toBe(text)
  })

  it("the same file under another name (./list.txt, a symlink) is recognised; translate too", async () => {
    const { d, text } = big()
    fs.symlinkSync(path.join(d, "list.txt"), path.join(d, "link.ndjson"))
    const check = await waBin(["check", ...mock, "--file", "list.txt", "-o", "link.ndjson", "--force"], { cwd: d })
    expect(check.code).toBe(1)
    expect(check.stderr).toContain("is the --file being read")
    const translate = await waBin(["translate", "--registered", "+16315550000", "--file", "./list.txt", "-o", "list.txt", "--force"], { cwd: d })
    expect(translate.code).toBe(1)
    expect(translate.stderr).toContain("is the --file being read")
    expect(fs.readFileSync(path.join(d, "list.txt"), "utf8")).toBe(text)
  })
})

describe("block and report with --mock point to where they can work", () => {
  it("block --mock: exit 3 (not engaged) with a hint to mock serve and /_simulator/inbound; following it, block succeeds", async () => {
    const run = await waBin(["block", ...mock, "+16315551000"])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("Not engaged contact")
    expect(run.stderr).toContain("POST /_simulator/inbound")
    const report = await waBin(["report", ...mock, "+16315551000"])
    expect(report.stderr).toContain("POST /_simulator/inbound")

    const server = await startServer(["--token", "tok-qa-engaged-41c2", "--latency", "0"])
    try {
      await server.control("inbound", { from: "+16315551000" })
      const env = { WA_BASE_URL: server.url, WA_TOKEN: "tok-qa-engaged-41c2" }
      const blocked = await waBin(["block", "+16315551000"], { env })
      expect(blocked.code, blocked.stderr).toBe(0)
      // Over HTTP the hint is not about the simulator.
      const other = await waBin(["block", "+16315551001"], { env })
      expect(other.code).toBe(3)
      expect(other.stderr).not.toContain("/_simulator")
    } finally {
      await server.stop()
    }
  })
})

describe("mock serve: a folder given for a file is named as one", () => {
  it.each(["--journal", "--users"])("mock serve %s <a folder>: exit 1, 'it is a directory'", async (flag) => {
    const run = await waBin(["mock", "serve", "--port", "0", flag, tmp()])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain(": it is a directory")
  })
})

describe("a value that starts with - is explained, not reported as missing", () => {
  it("block --reason -spam: says to write --reason=-spam (exit 1, stdout empty); written so, it is taken", async () => {
    const run = await waBin(["block", ...mock, "+16315551000", "--reason", "-spam"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain(`--reason "-spam": a value that starts with - is read as a flag; write --reason=-spam`)
    expect(run.stderr).not.toContain("more)")
    const written = await waBin(["block", ...mock, "+16315551000", "--reason=-spam"])
    expect(written.code).toBe(3) // parsed, sent, and refused by the simulator as not engaged
  })

  it("check --max-wait -3s: the same explanation; a missing value at the end is still 'missing'", async () => {
    const run = await waBin(["check", ...mock, "--max-wait", "-3s", "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("write --max-wait=-3s")
    const missing = await waBin(["check", ...mock, "--max-wait"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("Missing value for flag --max-wait")
  })
})

describe("--wizard without a terminal", () => {
  it("check --wizard with stdin not a terminal: exit 1, stdout empty, says why", async () => {
    const run = await waBin(["check", "--wizard"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("--wizard asks its questions on a terminal")
  })
})

/** A Node older than the package's engines (22.19), when the machine has one beside the toolchain's. */
const oldNode = ["/usr/bin/node", "/usr/local/bin/node"].find((candidate) => {
  if (!fs.existsSync(candidate)) return false
  const [major = 0, minor = 0] = execFileSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" }).trim().split(".").map(Number)
  return major >= 18 && (major < 22 || (major === 22 && minor < 19))
})

/** The bin run by the old Node with `args`: its exit code and output. */
const onOldNode = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(oldNode!, [BIN, ...args], { env: cleanEnv() })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (t: Buffer) => (stdout += t.toString()))
    child.stderr.on("data", (t: Buffer) => (stderr += t.toString()))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

describe("an unsupported Node is said in words, not as an internal error", () => {
  it.skipIf(oldNode === undefined)("over HTTP on Node < 22.19: exit 1, names the Node version needed (was exit 70, 'reading bind')", async () => {
    const run = await onOldNode(["check", "--base-url", "http://127.0.0.1:9", "--token", "t", "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("connecting to a server needs Node 22.19 or later")
    expect(run.stderr).not.toContain("internal error")
  })

  it.skipIf(oldNode === undefined)("a SQLite store on Node < 22.19 (no node:sqlite): exit 1, names the Node version needed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wa-qa-oldnode-"))
    try {
      const run = await onOldNode(["check", "--mock", "--store", path.join(dir, "s.db"), "+16315551000"])
      expect(run.code).toBe(1)
      expect(run.stdout).toBe("")
      expect(run.stderr).toContain("the SQLite store needs Node 22.19 or later")
      expect(run.stderr).not.toContain("internal error")
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("connection failures in words, without raw codes", () => {
  it("https:// to a plain-http server: says to use http://, no --ca-file advice, no OpenSSL dump; a non-HTTP server: no UND_ERR code", async () => {
    const server = await startServer(["--token", "tok-qa-tls-7d1e", "--latency", "0"])
    try {
      const https = server.url.replace("http://", "https://")
      const run = await waBin(["check", "--base-url", https, "--token", "tok-qa-tls-7d1e", "-q", "+16315551000"])
      expect(run.code).toBe(3)
      expect(run.stderr).toContain("is the server speaking plain http:? then use http://")
      expect(run.stderr).not.toContain("--ca-file")
      expect(run.stderr).not.toMatch(/ERR_SSL|openssl|\.c:\d+/)
    } finally {
      await server.stop()
    }
    // A server that closes the connection on an HTTP request (not an HTTP server at all).
    const net = await import("node:net")
    const closer = net.createServer((socket) => socket.destroy())
    await new Promise<void>((r) => closer.listen(0, "127.0.0.1", r))
    try {
      const port = (closer.address() as import("node:net").AddressInfo).port
      const run = await waBin(["check", "--base-url", `http://127.0.0.1:${port}`, "--token", "t", "-q", "+16315551000"])
      expect(run.code).toBe(3)
      expect(run.stderr).toContain("the connection was reset")
      expect(run.stderr).not.toContain("UND_ERR")
    } finally {
      closer.close()
    }
  }, 60_000)
})
