/**
 * One line for people per failure, with what to do about it, and with every secret blanked out:
 * a token or password must never reach the terminal, a log or a file, even inside a message an
 * adapter or a server wrote. Messages are chosen by tag, exhaustively (`MESSAGES` is typed by the
 * failure union, like the exit codes).
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { Exit, exitCodeOf, ExitCode, type Failure, type FailureTag, isFailure } from "./ExitCode.ts"

type Of<K extends FailureTag> = Extract<Failure, { readonly _tag: K }>

interface ServerReported {
  readonly status: number
  readonly code: number
  readonly title: string
  readonly details: string
}

const reported = (e: ServerReported, hint?: string): string => {
  const details = e.details.trim() === "" ? "" : `: ${e.details}`
  return `${e.title} (HTTP ${e.status}, code ${e.code})${details}${hint === undefined ? "" : ` — ${hint}`}`
}

/** Words for the ways a connection fails, instead of raw system codes. */
const TRANSPORT: Record<Of<"TransportError">["reason"], string> = {
  ConnectionRefused: "the server refused the connection (is it running, and is the address right?)",
  ConnectionReset: "the connection was reset",
  Timeout: "the server did not answer in time (WA_TIMEOUT)",
  Tls: "the TLS handshake failed (for a self-signed server, pass --ca-file)",
  InvalidUrl: "the server's address is not a valid URL",
  Other: "no answer from the server"
}

/** A message without Node's raw system codes (`(ECONNREFUSED: connect ECONNREFUSED …)`): the words say it. */
// Node's (`ECONNREFUSED`), its own (`ERR_SSL_WRONG_VERSION_NUMBER`, with OpenSSL's source path) and
// undici's (`UND_ERR_SOCKET`) codes alike.
const withoutSystemCodes = (message: string): string => message.replace(/\s*\((?:E[A-Z0-9]+|ERR_[A-Z0-9_]+|UND_ERR_[A-Z0-9_]+):[^)]*\)/g, "")

/** The message of each failure, by tag: exhaustive by type. */
const MESSAGES: { readonly [K in FailureTag]: (e: Of<K>) => string } = {
  Unauthorized: (e) => reported(e, "check --token / WA_TOKEN or --username / --password (WA_USERNAME / WA_PASSWORD)"),
  PasswordChangeRequired: (e) =>
    reported(e, "this account's first login must set a new password: pass --new-password (or set WA_NEW_PASSWORD)"),
  NotEngaged: (e) => reported(e, "block and report need a message from the contact in the last 24 hours"),
  RateLimited: (e) => reported(e, "the server kept answering 429 after the retries: lower --rate or --concurrency"),
  Overloaded: (e) => reported(e, "the server kept answering 503 after the retries: try again later or lower --concurrency"),
  NotFound: (e) => reported(e, "the server does not know it"),
  MissingParameter: (e) => reported(e),
  InvalidParameter: (e) => reported(e),
  UserNotValid: (e) => reported(e),
  InternalError: (e) => reported(e, "the server failed: try again later"),
  IdentityAckRequired: (e) => reported(e, "acknowledge the contact's new identity first: wa-contacts identity get, then identity ack"),
  ApiError: (e) => reported(e),
  MalformedResponse: (e) => `the server's answer could not be read: ${e.message}`,
  UnexpectedResponse: (e) => `the server's answer is not what the API documents (HTTP ${e.status}): ${e.issue}`,
  TransportError: (e) =>
    // An https:// URL to a plain http server fails the handshake too; --ca-file would not help.
    `${e.reason === "Tls" && e.message.includes("plain http") ? "the TLS handshake failed" : TRANSPORT[e.reason]}: ${withoutSystemCodes(e.message)}`,
  InputError: (e) => `invalid ${e.field}: ${e.message}`,
  HttpConfigError: (e) => `${e.setting}: ${e.message}`,
  SimulatorError: (e) => `simulator: ${e.message}`
}

const messageOf = <K extends FailureTag>(e: Of<K>): string => (MESSAGES[e._tag] as (e: Of<K>) => string)(e)

/** A message for people describing any failure of the core, an adapter or the CLI. */
export const describe = (error: unknown): string => {
  if (error instanceof Exit) return error.message
  if (isFailure(error)) return messageOf(error)
  if (error instanceof Error && error.message !== "") return error.message
  return String(error)
}

/** Blank out every secret in a text (`***`). Secrets shorter than 3 characters are left alone. */
export const redact = (text: string, secrets: ReadonlyArray<string | Redacted.Redacted<string> | undefined>): string => {
  let result = text
  for (const secret of secrets) {
    if (secret === undefined) continue
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    if (value.length < 3) continue
    result = result.split(value).join("***")
  }
  return result
}

/** Turn a failure into an `Exit` with its exit code and a message free of secrets. */
export const toExit = (error: Failure | Exit, secrets: ReadonlyArray<string | Redacted.Redacted<string> | undefined>): Exit =>
  error instanceof Exit
    ? new Exit({ code: error.code, message: redact(error.message, secrets), hint: error.hint })
    : new Exit({ code: exitCodeOf(error), message: redact(describe(error), secrets) })

/** The `Exit` for a defect (a bug): its own exit code, a message that says so, never a stack. */
export const defect = (cause: unknown, secrets: ReadonlyArray<string | Redacted.Redacted<string> | undefined> = []): Exit =>
  new Exit({
    code: ExitCode.Internal,
    message: redact(`internal error (a bug in wa-contacts, please report it): ${describe(cause)}`, secrets)
  })
