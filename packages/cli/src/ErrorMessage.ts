/**
 * One line for people per failure, with what to do about it, and with every secret blanked out:
 * a token or password must never reach the terminal, a log or a file, even inside a message an
 * adapter or a server wrote.
 *
 * @since 0.1.0
 */
import { Redacted } from "effect"
import { Exit, exitCodeOf } from "./ExitCode.ts"

interface ApiLike {
  readonly _tag: string
  readonly status: number
  readonly code: number
  readonly title: string
  readonly details: string
}

const isApiLike = (u: object): u is ApiLike => "status" in u && "code" in u && "title" in u && "details" in u

const HINTS: Record<string, string> = {
  Unauthorized: "check --token / WA_TOKEN or --username / --password (WA_USERNAME / WA_PASSWORD)",
  PasswordChangeRequired: "the account must set a new password first: log in once with the server's tools (or the HTTP adapter's newPassword)",
  NotEngaged: "block and report need a message from the contact in the last 24 hours",
  RateLimited: "the server kept answering 429 after the retries: lower --rate or --concurrency",
  Overloaded: "the server kept answering 503 after the retries: try again later or lower --concurrency",
  NotFound: "the server does not know it"
}

const apiMessage = (e: ApiLike): string => {
  const details = e.details.trim() === "" ? "" : `: ${e.details}`
  const hint = HINTS[e._tag]
  return `${e.title} (HTTP ${e.status}, code ${e.code})${details}${hint === undefined ? "" : ` — ${hint}`}`
}

/** A message for people describing any failure of the core, an adapter or the CLI. */
export const describe = (error: unknown): string => {
  if (error instanceof Exit) return error.message
  if (typeof error !== "object" || error === null) return String(error)
  const tag = "_tag" in error ? String(error._tag) : ""
  if (isApiLike(error)) return apiMessage(error)
  const e = error as Record<string, unknown>
  switch (tag) {
    case "InputError":
      return `invalid ${String(e["field"])}: ${String(e["message"])}`
    case "TransportError":
      return `no answer from the server (${String(e["reason"])}): ${String(e["message"])}`
    case "MalformedResponse":
    case "UnexpectedResponse":
      return `the server's answer could not be read: ${(error as Error).message || String(e["issue"] ?? "")}`
    case "HttpConfigError":
      return `${String(e["setting"])}: ${String(e["message"])}`
    case "SimulatorError":
      return `simulator: ${String(e["message"])}`
  }
  return error instanceof Error ? error.message : String(error)
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

/** Turn any failure into an `Exit` with its exit code and a message free of secrets. */
export const toExit = (error: unknown, secrets: ReadonlyArray<string | Redacted.Redacted<string> | undefined>): Exit =>
  error instanceof Exit
    ? new Exit({ code: error.code, message: redact(error.message, secrets) })
    : new Exit({ code: exitCodeOf(error), message: redact(describe(error), secrets) })
