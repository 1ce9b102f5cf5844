/**
 * Run the CLI in process, as `wa-contacts ARGS` would: stdout through a test `Stdio` (records)
 * and `TestConsole` (help), stderr through `TestConsole`, files through Node's `FileSystem`, the
 * terminal facts pinned (no terminal: NDJSON by default, no colour, no progress bar).
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer, Sink, Stdio, Stream } from "effect"
import { TestConsole } from "effect/testing"
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

/** Run `wa-contacts ...argv`; `terminal` pretends stdout is a terminal (tables, colour off). */
export const wa = (
  argv: ReadonlyArray<string>,
  options: { readonly terminal?: boolean; readonly stdin?: ReadonlyArray<Uint8Array | string> } = {}
): Promise<Run> => {
  const out: Array<string> = []
  return Effect.runPromise(
    Effect.gen(function*() {
      const code = yield* Cli.run(argv)
      const logged = yield* TestConsole.logLines
      const err = yield* TestConsole.errorLines
      const printed = logged.map((l) => `${String(l)}\n`).join("") + out.join("")
      return { code, stdout: printed.replace(/\n$/, ""), stderr: err.map(String).join("\n") }
    }).pipe(
      Effect.provide(TestConsole.layer),
      Effect.provideService(Tty, { stdout: options.terminal === true, stderr: false, color: false, columns: 120 }),
      Effect.provide(testStdio(out, options.stdin)),
      Effect.provide(NodeServices.layer)
    )
  )
}

/** The NDJSON records a run printed. */
export const records = (run: Run): Array<Record<string, unknown>> =>
  run.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)

/** The vendor's sample inputs (spec §2), as the root README's quick start checks them. */
export const QUICK_START = ["16315551000", "+1 631 555 1001", "6315551002", "+1 (631) 555-1004", "1-631-555-1005", "+163155588"]
