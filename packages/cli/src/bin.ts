#!/usr/bin/env node
/**
 * The `wa-contacts` executable: run the CLI on the process's arguments under Node's runtime, which
 * interrupts the run on Ctrl-C / SIGTERM (finalizers flush what is known), and exit with the
 * code the CLI chose.
 *
 * Start-up: most of a short command's time (`--help`, `--version`) is V8 compiling the bundled
 * Effect code. Node's compile cache keeps that compiled code on disk (in the directory named by
 * `NODE_COMPILE_CACHE`, else the OS temporary directory), so every run after the first skips it.
 * The cache must be on before the code is loaded, and static imports are evaluated before this
 * module's body: hence the only static imports are `node:module` and two small modules that import
 * nothing else (the version, the help fast path), and the CLI is imported dynamically after the call.
 *
 * @since 0.1.0
 */
import * as Module from "node:module"
import { canColor, helpRequest } from "./FastHelp.ts"
import { VERSION } from "./version.ts"

// Absent before Node 22.1; a cache that cannot be written (read-only tmp) is reported in the
// returned status, never thrown, and only costs speed.
Module.enableCompileCache?.()

// `wa-contacts --version` alone, and `wa-contacts [command…] --help`, are answered before the CLI is
// loaded, in the text effect/cli prints for them (tests compare the two): scripts call `--version`
// to probe the tool, people read `--help`, and neither needs the ~700 KB the CLI evaluates
// (evaluating it was ~50 ms above bare Node, bench figure 7).
const args = process.argv.slice(2)
const answer = args.length === 1 && args[0] === "--version" ? `wa-contacts v${VERSION}\n` : await helpPage(args)
if (answer !== undefined) {
  // As the CLI does: a reader that is gone (`| head -1`, `| true`) ends the output quietly, where an
  // unhandled EPIPE would be a stack trace and exit 1.
  process.stdout.on("error", () => {})
  process.stdout.write(answer)
} else {
  await main(args)
}

/**
 * The page effect/cli rendered at build time for `[command…] --help` (or `-h`), as it would be
 * printed here (src/FastHelp.ts); `undefined` for anything else, which the CLI answers. The pages
 * are a chunk of their own, so that other commands do not parse them.
 */
async function helpPage(argv: ReadonlyArray<string>): Promise<string | undefined> {
  const path = helpRequest(argv)
  if (path === undefined) return undefined
  // The pages exist only in the bundle (build.ts): run from source, the CLI renders the help.
  const pages = await import("wa-contacts:help-pages").then((m) => m.HELP_PAGES, () => undefined)
  if (pages === undefined) return undefined
  const page = Object.hasOwn(pages, path) ? pages[path] : undefined
  return page?.[canColor(process.env, process.stdout.isTTY === true) ? 1 : 0]
}

/** Load the CLI and run it under Node's runtime. */
async function main(argv: ReadonlyArray<string>): Promise<void> {
  // A bulk check's live heap is ~30 MiB (a heap snapshot mid-run), but V8 sizes its heap by
  // allocation rate: left alone it commits 200–400 MiB on a long list, growing with the list.
  // Favouring size keeps the young generation small and the old one near its live data: peak RSS
  // ~130 MiB at 100k lines, ~155 at 1M, for about 1.6x the client's CPU time, which still checks
  // ~50k numbers/s, five times the server's documented ceiling (bench figures 6, 12; README
  // "Performance"). Set before the CLI is loaded; the young generation's size is set at start-up
  // (withYoungGeneration).
  if (argv.includes("check") || argv.includes("revalidate")) {
    withYoungGeneration(argv)
    const v8 = await import("node:v8")
    v8.setFlagsFromString("--optimize-for-size")
    v8.setFlagsFromString("--semi-space-growth-factor=1")
  }
  // Module paths, not the `effect` barrel: a dynamic import of a barrel keeps all of it in the bundle.
  const [NodeRuntime, NodeServices, Effect, Exit, Runtime, { run }, { ExitCode }] = await Promise.all([
    import("@effect/platform-node/NodeRuntime"),
    import("@effect/platform-node/NodeServices"),
    import("effect/Effect"),
    import("effect/Exit"),
    import("effect/Runtime"),
    import("./Cli.ts"),
    import("./ExitCode.ts")
  ])

  run(argv).pipe(
    Effect.provide(NodeServices.layer),
    NodeRuntime.runMain({
      // Errors are reported by the CLI itself; the runtime must not print a cause (or a secret in one).
      disableErrorReporting: true,
      teardown: (exit, onExit) => {
        if (Exit.isSuccess(exit)) {
          process.exitCode = exit.value as number
          return onExit(exit.value as number)
        }
        Runtime.defaultTeardown(exit, (code) => onExit(code === 130 ? ExitCode.Interrupted : code))
      }
    })
  )
}

/**
 * The young generation's size, which V8 reads only at start-up: run again in this same process
 * (`process.execve`, Node 22.15+; same pid, signals and standard streams) with semi-spaces of 2
 * MiB. `--optimize-for-size` alone leaves them at 1 MiB, where a batch of 500 inputs (~1 MiB of
 * garbage from line to output record) outlives two scavenges and is promoted: 30% of what a check
 * allocates reached the old generation, whose marking then overshot its limit by up to V8's 32 MiB
 * margin while the check ran flat out on repeats (--trace-gc-nvp; peak RSS 180–193 MiB at 10M
 * lines against 152 at 1M). With 2 MiB: 162–164 against 153–155 (bench figure 12). A user's own
 * setting wins (`node --max-semi-space-size=…`, NODE_OPTIONS); where execve is missing (Windows,
 * older Node) or fails, the check runs as it is.
 *
 * The new image also gets glibc's `MALLOC_ARENA_MAX=1` (unless set; other C libraries ignore it),
 * which a process cannot set for itself once started, and V8's `--no-concurrent-recompilation`:
 * what still grew with the list was C memory of V8's background threads, not the JS heap
 * (`--trace-gc`: the same 40–50 MB heap at 100k and 1M lines). Against a server with instant
 * answers, 1M lines peaked at 143–151 MiB against 126 at 100k; `smaps` put the growth in the
 * threads' malloc arena (11 MiB) and the main one (6). One arena alone: 143–148; without
 * concurrent recompilation alone (the optimizing compiler works on the main thread, its memory
 * freed as each job ends): 126–138; both: 124–127 at 1M and 123–124 at 100k, in the same time
 * (12–13 s against 13–15). With threads' own arenas (Node's default) it was 165 MiB.
 */
function withYoungGeneration(argv: ReadonlyArray<string>): void {
  const set = (flags: ReadonlyArray<string>) => flags.some((f) => f.startsWith("--max-semi-space-size") || f.startsWith("--min-semi-space-size"))
  if (typeof process.execve !== "function" || set(process.execArgv) || set((process.env["NODE_OPTIONS"] ?? "").split(/\s+/))) return
  const script = process.argv[1]
  if (script === undefined) return
  try {
    const env = { ...process.env, MALLOC_ARENA_MAX: process.env["MALLOC_ARENA_MAX"] ?? "1" }
    // Before the user's own flags, which win (V8 takes the last of a flag).
    const flags = ["--min-semi-space-size=2", "--max-semi-space-size=2", "--no-concurrent-recompilation"]
    process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, script, ...argv], env)
  } catch {
    // Not replaced (an exotic runtime, a vanished binary): the check still runs, with V8's sizes.
  }
}
