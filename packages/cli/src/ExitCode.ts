/**
 * Exit codes scripts can rely on — defined, described and documented here only — and the one
 * error a command fails with to choose one. Invalid or failed contacts are data, not errors: a
 * check that ran to the end exits 0.
 *
 * Every failure the core and the adapters can produce is mapped by its tag in `CATEGORY`, an
 * object typed by the union of their errors: a new tagged error in core (or an adapter's layer)
 * is a type error here until it is given an exit code.
 *
 * @since 0.1.0
 */
import type { Errors } from "@wa-contacts/core"
import type { HttpTransport } from "@wa-contacts/adapter-http"
import type { SimulatorTransport } from "@wa-contacts/adapter-mock"
import { Data, type Layer } from "effect"

/** The documented exit codes. */
export const ExitCode = {
  /** Everything ran; invalid or failed contacts are data. */
  Success: 0,
  /** A usage error, bad input or a setting that cannot work. */
  Usage: 1,
  /** The server refused the credentials (Unauthorized, PasswordChangeRequired, a weak new password). */
  Auth: 2,
  /** An API or transport error, after the retries. */
  Api: 3,
  /** Some contacts were still `processing` at the deadline (their records are written). */
  Processing: 4,
  /** A defect: a bug in wa-contacts itself (please report it). Never a usage error. */
  Internal: 70,
  /** Interrupted (Ctrl-C, SIGTERM): what was known is written; `--resume` continues. */
  Interrupted: 130
} as const

/** One of the documented exit codes. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/** What each code means, as `--help` and the README list them (the only copy of this text). */
const MEANING: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.Success, "success (invalid or failed contacts are data, not errors)"],
  [ExitCode.Usage, "usage or input error"],
  [ExitCode.Auth, "authentication error (access denied, password change required, a weak --new-password)"],
  [ExitCode.Api, "API or transport error after retries"],
  [ExitCode.Processing, "some contacts still processing at the deadline (their records are written)"],
  [ExitCode.Internal, "internal error: a bug in wa-contacts (please report it)"],
  [ExitCode.Interrupted, "interrupted (Ctrl-C): what was known is written"]
]

/** The exit codes as `--help` lists them. */
export const EXIT_CODES_HELP = ["Exit codes:", ...MEANING.map(([code, text]) => `  ${String(code).padEnd(2)} ${text}`)].join("\n")

/**
 * Stop the command with this exit code. `message` is printed on stderr (prefixed `error:`) unless
 * it is empty: exit 4 has nothing to add to the summary. `hint` is a second line saying what to do.
 */
export class Exit extends Data.TaggedError("Exit")<{
  readonly code: ExitCode
  readonly message: string
  readonly hint?: string | undefined
}> {}

/** A usage or input error (exit 1) with a message for people and, optionally, what to do. */
export const usage = (message: string, hint?: string): Exit => new Exit({ code: ExitCode.Usage, message, hint })

/** Every failure the core and the adapters' layers can produce. */
export type Failure =
  | Errors.ContactsError
  | Layer.Error<ReturnType<typeof HttpTransport.layer>>
  | Layer.Error<ReturnType<typeof SimulatorTransport.layer>>

/** The tags of `Failure`. */
export type FailureTag = Failure["_tag"]

/** The exit code of each failure, by tag: exhaustive by type. */
export const CATEGORY: { readonly [K in FailureTag]: ExitCode } = {
  Unauthorized: ExitCode.Auth,
  PasswordChangeRequired: ExitCode.Auth,
  MissingParameter: ExitCode.Api,
  InvalidParameter: ExitCode.Api,
  NotEngaged: ExitCode.Api,
  NotFound: ExitCode.Api,
  UserNotValid: ExitCode.Api,
  RateLimited: ExitCode.Api,
  Overloaded: ExitCode.Api,
  InternalError: ExitCode.Api,
  IdentityAckRequired: ExitCode.Api,
  ApiError: ExitCode.Api,
  MalformedResponse: ExitCode.Api,
  UnexpectedResponse: ExitCode.Api,
  TransportError: ExitCode.Api,
  InputError: ExitCode.Usage,
  HttpConfigError: ExitCode.Usage,
  SimulatorError: ExitCode.Usage
}

/** Whether `u` is one of the failures of `CATEGORY` (a tagged error of the core or an adapter). */
export const isFailure = (u: unknown): u is Failure =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" && Object.hasOwn(CATEGORY, u._tag)

/** The exit code for a failure of the core, an adapter or the CLI itself. */
export const exitCodeOf = (error: Failure | Exit): ExitCode => error instanceof Exit ? error.code : CATEGORY[error._tag]
