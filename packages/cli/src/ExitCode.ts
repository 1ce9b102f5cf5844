/**
 * Exit codes scripts can rely on, and the one error a command fails with to choose one. Invalid
 * or failed contacts are data, not errors: a check that ran to the end exits 0.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** The documented exit codes. */
export const ExitCode = {
  /** Everything ran; invalid or failed contacts are data. */
  Success: 0,
  /** A usage error, bad input or a setting that cannot work. */
  Usage: 1,
  /** The server refused the credentials (Unauthorized, PasswordChangeRequired). */
  Auth: 2,
  /** An API or transport error, after the retries. */
  Api: 3,
  /** Some contacts were still `processing` at the deadline (their records are written). */
  Processing: 4,
  /** Interrupted (Ctrl-C, SIGTERM): what was known is written; `--resume` continues. */
  Interrupted: 130
} as const

/** One of the documented exit codes. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/** The exit codes as `--help` and the README list them. */
export const EXIT_CODES_HELP = [
  "Exit codes:",
  "  0  success (invalid or failed contacts are data, not errors)",
  "  1  usage or input error",
  "  2  authentication error (access denied, password change required)",
  "  3  API or transport error after retries",
  "  4  some contacts still processing at the deadline (their records are written)",
  "  130 interrupted (Ctrl-C): what was known is written; --resume continues"
].join("\n")

/**
 * Stop the command with this exit code. `message` is printed on stderr (prefixed `error:`) unless
 * it is empty: exit 4 has nothing to add to the summary.
 */
export class Exit extends Data.TaggedError("Exit")<{
  readonly code: ExitCode
  readonly message: string
}> {}

/** A usage or input error (exit 1) with a message for people. */
export const usage = (message: string): Exit => new Exit({ code: ExitCode.Usage, message })

const AUTH_TAGS: ReadonlySet<string> = new Set(["Unauthorized", "PasswordChangeRequired"])
const USAGE_TAGS: ReadonlySet<string> = new Set(["InputError", "HttpConfigError", "SimulatorError"])

/** The exit code for a failure of the core, an adapter or the CLI itself. */
export const exitCodeOf = (error: unknown): ExitCode => {
  if (error instanceof Exit) return error.code
  const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : ""
  if (AUTH_TAGS.has(tag)) return ExitCode.Auth
  if (USAGE_TAGS.has(tag)) return ExitCode.Usage
  return ExitCode.Api
}
