// The help pages that the bin prints without loading the CLI (src/bin.ts, src/FastHelp.ts),
// rendered at build time by the CLI itself: `run([...path, "--help"])` from src/Cli.ts, with
// effect/cli's own parser, presenter and formatter, once without colour and once with it (the only
// thing in effect/cli's help output that depends on the terminal or the environment). build.ts
// inlines them into a chunk of the bundle; test/startup.test.ts checks every page the bin prints
// against the CLI's rendering of the same invocation.
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import { type Command, TerminalCapabilities } from "effect/cli"
import { TestConsole } from "effect/testing"
import { root, run } from "./src/Cli.ts"
import { ExitCode } from "./src/ExitCode.ts"

/**
 * Every way of naming a command: the root (`[]`), then each subcommand by its name and by its
 * alias (`translate`, `lint`), below every way of naming its parent.
 */
export const commandPaths = (): Array<Array<string>> => {
  const paths: Array<Array<string>> = []
  const walk = (command: Command.Command.Any, path: Array<string>): void => {
    paths.push(path)
    for (const group of command.subcommands) {
      for (const sub of group.commands) {
        for (const name of sub.alias === undefined ? [sub.name] : [sub.name, sub.alias]) walk(sub, [...path, name])
      }
    }
  }
  walk(root, [])
  return paths
}

/** What `wa-contacts ...argv` printed, in process, with colour on or off, and its exit code. */
export interface Rendered {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Run the CLI on `argv` as the bin does (Node's services, the real `Console` replaced by one that
 * records), with effect/cli's terminal capabilities pinned: `canColor` is what its help depends on.
 * `console.log(text)` writes `text` and a newline: so does this rendering.
 */
export const render = (argv: ReadonlyArray<string>, canColor: boolean): Promise<Rendered> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const code = yield* run(argv)
      const out = yield* TestConsole.logLines
      const err = yield* TestConsole.errorLines
      return { code, stdout: out.map((l) => `${String(l)}\n`).join(""), stderr: err.map((l) => `${String(l)}\n`).join("") }
    }).pipe(
      Effect.provideService(TerminalCapabilities.TerminalCapabilities, { canColor, canAnimate: false, canPrompt: false }),
      Effect.provide(TestConsole.layer),
      Effect.provide(NodeServices.layer)
    )
  )

/** A page: its text without colour, then with colour. */
export type HelpPage = readonly [plain: string, color: string]

/**
 * The help page of every command path (`"store import"`, `""` for the root). A path whose help is
 * not a plain success (exit 0, stdout only) is left out: the bin then runs the CLI for it.
 */
export const renderHelpPages = async (): Promise<Record<string, HelpPage>> => {
  const pages: Record<string, HelpPage> = {}
  for (const path of commandPaths()) {
    const [plain, color] = await Promise.all([render([...path, "--help"], false), render([...path, "--help"], true)])
    const ok = (r: Rendered) => r.code === ExitCode.Success && r.stderr === "" && r.stdout !== ""
    if (ok(plain) && ok(color)) pages[path.join(" ")] = [plain.stdout, color.stdout]
  }
  return pages
}
