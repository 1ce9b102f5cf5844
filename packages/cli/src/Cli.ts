/**
 * The `wa-contacts` command tree and the one function that runs it: parse, run, and turn every
 * outcome into a documented exit code. stdout carries only data (and the help asked for with
 * `--help`); a usage error is one line and a one-line hint on stderr, as `git` and `gh` do; errors
 * never show a stack trace or a secret; log lines are plain `warning: …` lines on stderr.
 *
 * @since 0.1.0
 */
import { Cause, Console, Effect, Layer, Logger, LogLevel } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"
import { block } from "./commands/block.ts"
import { blocklist } from "./commands/blocklist.ts"
import { check } from "./commands/check.ts"
import { identity } from "./commands/identity.ts"
import { mock } from "./commands/mock.ts"
import { report } from "./commands/report.ts"
import { revalidate } from "./commands/revalidate.ts"
import { store } from "./commands/store.ts"
import { translate } from "./commands/translate.ts"
import { unblock } from "./commands/unblock.ts"
import { defect } from "./ErrorMessage.ts"
import { EXIT_CODES_HELP, Exit, ExitCode, usage } from "./ExitCode.ts"
import { VERSION } from "./version.ts"

/** The root command. */
export const root = Command.make("wa-contacts").pipe(
  Command.withDescription(
    "Check, block, report and simulate the contacts node of the WhatsApp Business On-Premises API.\n\n" +
      "Connect with --base-url / WA_BASE_URL and --token / WA_TOKEN (or --username and --password; a first login sets " +
      "--new-password / WA_NEW_PASSWORD), or add --mock to use the built-in simulator. Numbers without + are read by the " +
      "server in its own country: give --registered / WA_REGISTERED to translate and lint them locally.\n\n" + EXIT_CODES_HELP
  ),
  Command.withSubcommands([check, revalidate, store, translate, block, unblock, blocklist, report, identity, mock])
)

/** One line for a parser error: its first line, and a "did you mean" folded into it. */
const oneLine = (message: string): string => {
  const repeated = /Invalid value for flag (\S+): "(\d+) occurrences"\. Expected: at most 1 value/.exec(message)
  if (repeated !== null) return `${repeated[1]} was given ${repeated[2]} times: give it once`
  // The schema's own message already says "expected …": keep one "expected", after a colon.
  const lines = message
    .replace(/\.\s*Expected: Schema validation failed: (?:expected )?/g, ": expected ")
    .replace(/\.\s*Expected a string representing a finite number/g, ": expected a number")
    .replace(/\.\s*Expected an integer/g, ": expected a whole number")
    .split("\n").map((l) => l.trim()).filter((l) => l !== "")
  const suggestion = lines.findIndex((l) => /^did you mean/i.test(l))
  if (suggestion < 0) return lines.join(" ")
  const head = lines.slice(0, suggestion).join(" ")
  const options = lines.slice(suggestion + 1)
  return options.length === 0 ? head : `${head} (did you mean ${options.join(" or ")}?)`
}

/**
 * A value that starts with `-` (`--reason -spam`, `--max-wait -3s`) is read as a flag, so the
 * parser reports the flag's value as missing (and the "flag" as unknown). Say what happened and
 * how to write it; `undefined` when that is not what went wrong.
 */
const dashedValue = (message: string, argv: ReadonlyArray<string>): string | undefined => {
  const missing = /^Missing value for flag (--?[\w-]+)/.exec(message)
  if (missing === null) return undefined
  const at = argv.indexOf(missing[1]!)
  const value = at < 0 ? undefined : argv[at + 1]
  if (value === undefined || !value.startsWith("-")) return undefined
  return `${missing[1]} ${JSON.stringify(value)}: a value that starts with - is read as a flag; write ${missing[1]}=${value}`
}

const hintFor = (commandPath: ReadonlyArray<string>): string => `run '${commandPath.join(" ")} --help' for usage`

/**
 * How the parser's events are shown: help and the version on stdout when asked for; an invalid
 * invocation (and a command group run without its subcommand) as an error and a hint on stderr.
 */
const presenter = CliOutput.layerPresenter({
  present: (event) => {
    switch (event._tag) {
      case "Help":
        if (event.reason === "Requested") return CliOutput.defaultPresenter.present(event)
        return Console.error(
          event.commandPath.length <= 1
            ? `error: no command given\n${hintFor(event.commandPath)} (commands: check, revalidate, store, translate, block, unblock, blocklist, report, identity, mock)`
            : `error: '${event.commandPath.join(" ")}' needs a subcommand\n${hintFor(event.commandPath)}`
        )
      case "InvalidInvocation": {
        const [first, ...more] = event.errors
        const dashed = first === undefined ? undefined : dashedValue(first.message, process.argv.slice(2))
        if (dashed !== undefined) return Console.error(`error: ${dashed}\n${hintFor(event.commandPath)}`)
        const text = first === undefined ? "invalid arguments" : oneLine(first.message)
        return Console.error(`error: ${text}${more.length > 0 ? ` (and ${more.length} more)` : ""}\n${hintFor(event.commandPath)}`)
      }
      case "Version":
        return CliOutput.defaultPresenter.present(event)
    }
  }
})

const LABEL: Partial<Record<LogLevel.LogLevel, string>> = { Fatal: "error", Error: "error", Warn: "warning", Info: "note", Debug: "debug", Trace: "trace" }

/** Log lines for people: `warning: …`, on stderr, without the runtime's fields. */
const plainLogger = Logger.layer([
  Logger.make<unknown, void>(({ logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    process.stderr.write(`${LABEL[logLevel] ?? "note"}: ${text}\n`)
  })
])

/**
 * A reader that closes stdout (`| head -1`) makes Node emit EPIPE on it; unhandled, that is a
 * crash with a stack trace. The write that fails reports it to the command (a quiet stop); the
 * event itself is only acknowledged here.
 */
const acknowledgeBrokenPipe = Effect.sync(() => {
  if (process.stdout.listenerCount("error") === 0) process.stdout.on("error", () => {})
})

/** Run the CLI with these arguments (without `node` and the script); succeeds with the exit code. */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<ExitCode, never, Command.Environment> =>
  Effect.andThen(acknowledgeBrokenPipe, Effect.suspend(() =>
    // The wizard asks questions on a terminal; without one it printed its banner on stdout and
    // exited 0, as if it had run.
    argv.includes("--wizard") && process.stdin.isTTY !== true
      ? Effect.fail(usage("--wizard asks its questions on a terminal, and stdin is not one", "give the flags on the command line instead"))
      : Command.runWith(root, { version: VERSION })(argv)
  )).pipe(
    Effect.as<ExitCode>(ExitCode.Success),
    Effect.catch((error): Effect.Effect<ExitCode> => {
      // The presenter has already said what is wrong with the invocation.
      if (CliError.isCliError(error)) return Effect.succeed(ExitCode.Usage)
      if (error instanceof Exit) {
        const lines = [...(error.message === "" ? [] : [`error: ${error.message}`]), ...(error.hint === undefined ? [] : [error.hint])]
        return Effect.as(lines.length === 0 ? Effect.void : Console.error(lines.join("\n")), error.code)
      }
      // Every command maps its own failures to an `Exit`: anything else is a bug.
      const bug = defect(error)
      return Effect.as(Console.error(`error: ${bug.message}`), bug.code)
    }),
    Effect.catchCause((cause): Effect.Effect<ExitCode> => {
      if (Cause.hasInterruptsOnly(cause)) return Effect.interrupt
      const bug = defect(Cause.squash(cause))
      return Effect.as(Console.error(`error: ${bug.message}`), bug.code)
    }),
    Effect.provide(Layer.merge(presenter, plainLogger))
  )
