/**
 * The `wa-contacts` command tree and the one function that runs it: parse, run, and turn every
 * outcome into a documented exit code, printing errors on stderr (never a stack trace, never a
 * secret).
 *
 * @since 0.1.0
 */
import { Cause, Console, Effect, Logger } from "effect"
import { CliError, Command } from "effect/cli"
import { block } from "./commands/block.ts"
import { blocklist } from "./commands/blocklist.ts"
import { check } from "./commands/check.ts"
import { identity } from "./commands/identity.ts"
import { mock } from "./commands/mock.ts"
import { report } from "./commands/report.ts"
import { translate } from "./commands/translate.ts"
import { unblock } from "./commands/unblock.ts"
import { EXIT_CODES_HELP, Exit, ExitCode } from "./ExitCode.ts"
import { describe } from "./ErrorMessage.ts"
import { VERSION } from "./version.ts"

/** The root command. */
export const root = Command.make("wa-contacts").pipe(
  Command.withDescription(
    "Check, block, report and simulate the contacts node of the WhatsApp Business On-Premises API.\n\n" +
      "Connect with --base-url / WA_BASE_URL and --token / WA_TOKEN (or --username and --password), " +
      "or add --mock to use the built-in simulator.\n\n" + EXIT_CODES_HELP
  ),
  Command.withSubcommands([check, translate, block, unblock, blocklist, report, identity, mock])
)

/**
 * Run the CLI with these arguments (without `node` and the script); succeeds with the exit code.
 * Usage errors have already been shown with the help by the parser.
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<ExitCode, never, Command.Environment> =>
  Command.runWith(root, { version: VERSION })(argv).pipe(
    Effect.as<ExitCode>(ExitCode.Success),
    Effect.catch((error): Effect.Effect<ExitCode> => {
      if (CliError.isCliError(error)) {
        return Effect.succeed(error._tag === "ShowHelp" && error.errors.length === 0 ? ExitCode.Success : ExitCode.Usage)
      }
      if (error instanceof Exit) {
        return Effect.as(error.message === "" ? Effect.void : Console.error(`error: ${error.message}`), error.code)
      }
      // Every command maps its own failures (and redacts secrets); this is a safety net.
      return Effect.as(Console.error(`error: ${describe(error)}`), ExitCode.Api)
    }),
    Effect.catchCause((cause): Effect.Effect<ExitCode> =>
      Cause.hasInterruptsOnly(cause)
        ? Effect.interrupt
        : Effect.as(Console.error(`error: internal error: ${describe(Cause.squash(cause))}`), ExitCode.Usage)
    ),
    // Logs (the adapters' warnings, --log-level) go to stderr: stdout carries only data.
    Effect.provideService(Logger.LogToStderr, true)
  )
