/**
 * Start-up of the built bin (issue 15, goal 4): Node's compile cache is on, so a second run reuses
 * V8's compiled code, and `--version` alone is answered without loading the CLI — in exactly the
 * line effect/cli itself prints for `--version`. Timings are bench figure 7, not assertions here.
 */
import { describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { built, waBin } from "./support/bin.ts"
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
      const run = await waBin(["--help"], { env: { NODE_COMPILE_CACHE: dir } })
      expect(run.code).toBe(0)
      const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      // One entry per module compiled: the entry and the chunks it imported after enabling the cache.
      expect(files.length).toBeGreaterThan(5)
      const again = await waBin(["--help"], { env: { NODE_COMPILE_CACHE: dir } })
      expect(again.stdout).toBe(run.stdout)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
