/**
 * Start-up of the built bin (issue 15, goal 4): Node's compile cache is on, so a second run reuses
 * V8's compiled code, and `--version` alone and `[command…] --help` are answered without loading
 * the CLI — in exactly the text effect/cli itself prints for them, colour included. Timings are
 * bench figure 7, not assertions here.
 */
import { describe, expect, it } from "vitest"
import { ConfigProvider, Effect, Layer, Stdio } from "effect"
import { TerminalCapabilities } from "effect/cli"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { commandPaths, render } from "../helpPages.ts"
import { canColor, helpRequest } from "../src/FastHelp.ts"
import { BIN, built, cleanEnv, waBin, waShell } from "./support/bin.ts"
import { wa } from "./support/inProcess.ts"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

describe("start-up", () => {
  it("--version (answered before the CLI loads) prints the line effect/cli prints for it", async () => {
    const fast = await waBin(["--version"])
    const full = await wa(["--version"])
    expect(fast.code).toBe(0)
    expect(full.code).toBe(0)
    expect(fast.stdout.trim()).toBe(full.stdout.trim())
    expect(fast.stdout).toMatch(/^wa-contacts v\d+\.\d+\.\d+/)
    expect(fast.stderr).toBe("")
  })

  it("the bin writes Node's compile cache where NODE_COMPILE_CACHE says, for the CLI's chunks too", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wa-compile-cache-"))
    try {
      // Help through the full CLI (a global flag first keeps the bin's own help pages out).
      const full = ["--log-level", "info", "--help"]
      const run = await waBin(full, { env: { NODE_COMPILE_CACHE: dir } })
      expect(run.code).toBe(0)
      const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      // One entry per module compiled: the entry and the chunks it imported after enabling the cache.
      expect(files.length).toBeGreaterThan(5)
      const again = await waBin(full, { env: { NODE_COMPILE_CACHE: dir } })
      expect(again.stdout).toBe(run.stdout)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("--version and --help to a reader that is already gone exit 0 and print nothing on stderr, as the CLI does", async () => {
    for (const args of ["--version", "--help", "store import -h"]) {
      const run = await waShell(`wa-contacts ${args} | true; echo "exit=\${PIPESTATUS[0]}"`)
      expect(run.stdout).toBe("exit=0\n")
      expect(run.stderr).toBe("")
    }
  })
})

/** `wa-contacts ...argv` as the bin prints it and as the full CLI prints it, to compare. */
const bothWays = async (argv: ReadonlyArray<string>, env: Record<string, string>) => {
  // A global flag before the command keeps the bin's fast path out (see `helpRequest`) and does
  // not change the page: the full CLI renders it.
  const [fast, full] = await Promise.all([waBin(argv, { env }), waBin(["--log-level", "info", ...argv], { env })])
  return { fast, full }
}

describe("--help answered before the CLI loads", () => {
  const paths = commandPaths()

  it("covers every command, by name and by alias", () => {
    const named = paths.map((p) => p.join(" "))
    for (const expected of ["", "check", "store import", "store messages add", "translate", "lint", "identity ack", "mock serve"]) {
      expect(named).toContain(expected)
    }
  })

  it("asks only about `[command…] --help` or `-h`; anything with a flag is the CLI's", () => {
    expect(helpRequest(["--help"])).toBe("")
    expect(helpRequest(["-h"])).toBe("")
    expect(helpRequest(["store", "import", "--help"])).toBe("store import")
    expect(helpRequest([])).toBeUndefined()
    expect(helpRequest(["check"])).toBeUndefined()
    expect(helpRequest(["--help", "check"])).toBeUndefined()
    expect(helpRequest(["--log-level", "info", "--help"])).toBeUndefined()
    expect(helpRequest(["check", "--mock", "--help"])).toBeUndefined()
    expect(helpRequest(["check", "+16315551000", "--help"])).toBeUndefined()
    expect(helpRequest(["--version", "--help"])).toBeUndefined()
  })

  it("the pages in the bundle are the CLI's own rendering of every command's --help, without and with colour", async () => {
    const chunks = path.join(path.dirname(BIN), "chunks")
    const file = fs.readdirSync(chunks).find((f) => f.startsWith("wa-contacts_help-pages-"))
    expect(file).toBeDefined()
    const { HELP_PAGES } = (await import(pathToFileURL(path.join(chunks, file!)).href)) as {
      HELP_PAGES: Record<string, readonly [string, string]>
    }
    expect(Object.keys(HELP_PAGES).sort()).toEqual(paths.map((p) => p.join(" ")).sort())
    for (const p of paths) {
      const [plain, color] = HELP_PAGES[p.join(" ")]!
      expect(plain).toBe((await render([...p, "--help"], false)).stdout)
      expect(color).toBe((await render([...p, "--help"], true)).stdout)
      expect(color).toContain("\x1b[")
      expect(plain).not.toContain("\x1b[")
    }
  })

  it("every command's --help prints byte for byte what the full CLI prints, exit 0, nothing on stderr (no colour, colour)", async () => {
    for (const env of [{ NO_COLOR: "1" }, { NO_COLOR: "", FORCE_COLOR: "1" }]) {
      for (const p of paths) {
        const { fast, full } = await bothWays([...p, "--help"], env)
        expect(fast.stdout).toBe(full.stdout)
        expect(fast.stdout).not.toBe("")
        expect([fast.code, fast.stderr]).toEqual([0, ""])
        expect([full.code, full.stderr]).toEqual([0, ""])
      }
    }
  })

  it.each([
    ["-h", { NO_COLOR: "1" }],
    ["store messages -h", { NO_COLOR: "", FORCE_COLOR: "1" }],
    ["--help", { NO_COLOR: "", FORCE_COLOR: "0" }],
    ["--help", { NO_COLOR: "", FORCE_COLOR: "false" }],
    ["--help", { NO_COLOR: "", FORCE_COLOR: "1", TERM: "dumb" }],
    ["check --help", { NO_COLOR: "1", FORCE_COLOR: "1" }],
    ["nope --help", { NO_COLOR: "1" }],
    // Settings from the environment are read when a command runs, not when its help is rendered.
    ["check --help", { NO_COLOR: "1", WA_BASE_URL: "http://127.0.0.1:9", WA_TOKEN: "t", WA_REGISTERED: "+4915112345678", WA_STORE: "/nonexistent/s.db" }],
    ["store import --help", { NO_COLOR: "1", WA_STORE: "/nonexistent/s.db" }]
  ])("%s with %j prints what the full CLI prints", async (args, env) => {
    const { fast, full } = await bothWays(args.split(" "), env)
    expect(fast.stdout).toBe(full.stdout)
    expect([fast.code, fast.stderr]).toEqual([full.code, full.stderr])
  })

  // util-linux `script` runs the bin with stdout on a pseudo-terminal: effect/cli colours there.
  const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0
  it.skipIf(!hasScript)("on a terminal, --help prints what the full CLI prints there (in colour)", () => {
    const onTerminal = (argv: ReadonlyArray<string>) => {
      const command = [process.execPath, BIN, ...argv].map((a) => `'${a}'`).join(" ")
      const r = spawnSync("script", ["-qec", command, "/dev/null"], { env: cleanEnv({ NO_COLOR: "" }), encoding: "utf8" })
      return { code: r.status, stdout: r.stdout }
    }
    for (const argv of [["--help"], ["store", "import", "-h"]]) {
      const fast = onTerminal(argv)
      expect(fast).toEqual(onTerminal(["--log-level", "info", ...argv]))
      expect(fast.code).toBe(0)
      expect(fast.stdout).toContain("\x1b[1m")
    }
  })

  it("colours exactly when effect/cli's terminal detection does (NO_COLOR, FORCE_COLOR, TERM, stdout a terminal)", () => {
    const values = { NO_COLOR: [undefined, "", "1"], FORCE_COLOR: [undefined, "", "0", "false", "FALSE", "1", "true", "3"], TERM: [undefined, "", "dumb", "xterm-256color"] }
    for (const noColor of values.NO_COLOR) {
      for (const forceColor of values.FORCE_COLOR) {
        for (const term of values.TERM) {
          for (const terminal of [false, true]) {
            const env: Record<string, string> = {}
            if (noColor !== undefined) env.NO_COLOR = noColor
            if (forceColor !== undefined) env.FORCE_COLOR = forceColor
            if (term !== undefined) env.TERM = term
            const effects = Effect.runSync(
              Effect.gen(function*() {
                return (yield* TerminalCapabilities.TerminalCapabilities).canColor
              }).pipe(
                Effect.provide(TerminalCapabilities.layer.pipe(
                  Layer.provide(Stdio.layerTest({ stdoutIsTerminal: Effect.succeed(terminal) })),
                  Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
                ))
              )
            )
            expect([env, terminal, canColor(env, terminal)]).toEqual([env, terminal, effects])
          }
        }
      }
    }
  })
})
