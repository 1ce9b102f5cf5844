/**
 * Run the CLI in process, as `wa-contacts ARGS` would: stdout through a test `Stdio` (records)
 * and `TestConsole` (help), stderr through `TestConsole`, files through Node's `FileSystem` (or an
 * in-memory one), time on a `TestClock`, the terminal facts pinned (no terminal: NDJSON by
 * default, no colour, no progress bar).
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { type Duration, Effect, Fiber, FileSystem, Layer, Sink, Stdio, Stream } from "effect"
import { TestClock, TestConsole } from "effect/testing"
import { Cli } from "@wa-contacts/cli"
import { Tty } from "../../src/Tty.ts"

/** What a run printed and how it ended. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A `Stdio` whose stdout is collected into `out` and whose stdin is `stdin`. */
export const testStdio = (out: Array<string>, stdin: ReadonlyArray<Uint8Array | string> = []): Layer.Layer<Stdio.Stdio> =>
  Stdio.layerTest({
    stdout: () => Sink.forEach((chunk: string | Uint8Array) => Effect.sync(() => {
      out.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"))
    })),
    stdin: Stream.fromIterable(stdin.map((c) => typeof c === "string" ? new TextEncoder().encode(c) : c))
  })

/**
 * Run `wa-contacts ...argv` as a user would, in process, on a `TestClock` (see `waOnTestClock`):
 * the simulator's latencies, the polls and the retries take no real time. `terminal` pretends
 * stdout is a terminal (tables, colour off).
 */
export const wa = (
  argv: ReadonlyArray<string>,
  options: {
    readonly terminal?: boolean
    readonly stdin?: ReadonlyArray<Uint8Array | string>
    /** A file system instead of the machine's (e.g. `memoryFileSystem`). */
    readonly fileSystem?: FileSystem.FileSystem
  } = {}
): Promise<Run> => waOnTestClock(argv, options)

/**
 * Run `wa-contacts ...argv` on a `TestClock`: time passes only as the test advances it, by `step`
 * until the run ends (at most `limit` of simulated time): no real waiting for latencies, polls,
 * retries and deadlines.
 */
export const waOnTestClock = (
  argv: ReadonlyArray<string>,
  options: {
    readonly step?: Duration.Input
    readonly limit?: number
    readonly terminal?: boolean
    readonly stdin?: ReadonlyArray<Uint8Array | string>
    readonly fileSystem?: FileSystem.FileSystem
  } = {}
): Promise<Run & { readonly steps: number }> => {
  const out: Array<string> = []
  return Effect.runPromise(
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Cli.run(argv))
      let steps = 0
      while (fiber.pollUnsafe() === undefined && steps < (options.limit ?? 10_000)) {
        yield* TestClock.adjust(options.step ?? "100 millis")
        // Let the run reach its next sleep (file and socket work happens on the real event loop).
        yield* TestClock.withLive(Effect.sleep("1 millis"))
        steps++
      }
      const code = yield* Fiber.join(fiber)
      const logged = yield* TestConsole.logLines
      const err = yield* TestConsole.errorLines
      const printed = logged.map((l) => `${String(l)}\n`).join("") + out.join("")
      return { code, stdout: printed.replace(/\n$/, ""), stderr: err.map(String).join("\n"), steps }
    }).pipe(
      Effect.provide(TestConsole.layer),
      Effect.provide(TestClock.layer()),
      Effect.provideService(Tty, { stdout: options.terminal === true, stderr: false, color: false, columns: 120 }),
      Effect.provide(testStdio(out, options.stdin)),
      (effect) => (options.fileSystem === undefined ? effect : Effect.provideService(effect, FileSystem.FileSystem, options.fileSystem)),
      Effect.provide(NodeServices.layer)
    )
  )
}

/** The NDJSON records a run printed. */
export const records = (run: Run): Array<Record<string, unknown>> =>
  run.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)

/** The vendor's sample inputs (spec §2), as the root README's quick start checks them. */
export const QUICK_START = ["16315551000", "+1 631 555 1001", "6315551002", "+1 (631) 555-1004", "1-631-555-1005", "+163155588"]
