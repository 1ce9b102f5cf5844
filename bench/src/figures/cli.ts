// Figure 7: the bundled CLI's start-up time (memory figures: memory.ts).
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Figure, median } from "../harness.ts"

const BIN = join(import.meta.dirname, "../../../packages/cli/dist/wa-contacts.js")

const ensureBuilt = () => {
  try {
    statSync(BIN)
  } catch {
    throw new Error(`${BIN} is missing: build the CLI first (./dev pnpm build)`)
  }
}

const timeRun = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): number => {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { stdio: "ignore", env })
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}`)
  return performance.now() - t0
}

/**
 * Figure 7: `--help` and `--version` against `node -e 0`, each the median of 10 runs with a warm
 * compile cache (a fresh NODE_COMPILE_CACHE directory per bench run, so the first run is cold and
 * reported on its own). Rounds interleave the three commands, so all see the same machine.
 */
export const startupFigure = (): Figure => {
  ensureBuilt()
  const runs = 10
  const cache = mkdtempSync(join(tmpdir(), "wa-bench-cc-"))
  const env = { ...process.env, NODE_COMPILE_CACHE: cache, NO_COLOR: "1" }
  try {
    const coldHelp = timeRun([BIN, "--help"], env)
    const coldVersion = timeRun([BIN, "--version"], env)
    timeRun(["-e", "0"], env)
    const bare: Array<number> = []
    const help: Array<number> = []
    const version: Array<number> = []
    for (let i = 0; i < runs; i++) {
      bare.push(timeRun(["-e", "0"], env))
      help.push(timeRun([BIN, "--help"], env))
      version.push(timeRun([BIN, "--version"], env))
    }
    const anchor = median(bare)
    const h = median(help)
    const v = median(version)
    const value = Math.max(h, v)
    return {
      id: 7,
      name: `CLI start-up: the slower of wa-contacts --help / --version, median of ${runs}, warm compile cache`,
      value,
      unit: "ms",
      anchor,
      anchorName: "node -e 0",
      ratio: value / anchor,
      goal: "ratio <= 3",
      met: value / anchor <= 3,
      notes: `--help ${h.toFixed(1)} ms (${(h / anchor).toFixed(2)}x), --version ${v.toFixed(1)} ms (${(v / anchor).toFixed(2)}x), node -e 0 ${anchor.toFixed(1)} ms; ` +
        `first run, cold cache: --help ${coldHelp.toFixed(0)} ms, --version ${coldVersion.toFixed(0)} ms`
    }
  } finally {
    rmSync(cache, { recursive: true, force: true })
  }
}
