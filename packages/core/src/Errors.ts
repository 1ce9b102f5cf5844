/**
 * Every failure a caller can act on, as tagged data (spec §5). Nothing in the core throws: an
 * operation fails with exactly one of these, and nothing is swallowed.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { codeOfStatus, ErrorCode, errorTitles, isErrorCode } from "./Protocol.ts"
import { TransportError } from "./Transport.ts"

/**
 * What every error the server reported carries: HTTP status, vendor code, title and details, and
 * the call that got it (`POST /v1/contacts`), filled in by `Call` so a logged message says where.
 */
const ApiFields = {
  status: Schema.Number,
  code: Schema.Number,
  title: Schema.String,
  details: Schema.String,
  call: Schema.optionalKey(Schema.String)
}

/** ` (POST /v1/contacts)`, or nothing when the call is not known. */
const during = (call: string | undefined): string => (call === undefined ? "" : ` (${call})`)

/**
 * `Not engaged contact: Invalid Request. This contact hasn't … (HTTP 400, code 2048, POST /v1/…)`:
 * what `message` (and so `String(error)`) says for every error the server reported. Users log
 * `err.message`; an empty one says nothing.
 */
const serverMessage = (e: { readonly status: number; readonly code: number; readonly title: string; readonly details: string; readonly call?: string | undefined }): string =>
  `${e.title}${e.details === "" ? "" : `: ${e.details}`} (HTTP ${e.status}, code ${e.code}${e.call === undefined ? "" : `, ${e.call}`})`

/** 400 / 1008: a required parameter is missing. Not retried. */
export class MissingParameter extends Schema.TaggedError<MissingParameter>()("MissingParameter", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 400 / 1009: a parameter value is not valid (for example a phone that is not a WhatsApp id). */
export class InvalidParameter extends Schema.TaggedError<InvalidParameter>()("InvalidParameter", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 400 / 2048: block and report need a message from the contact in the last 24 h. */
export class NotEngaged extends Schema.TaggedError<NotEngaged>()("NotEngaged", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 401 / 1005: missing, wrong or expired token. Adapters log in again once before giving up. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 401 / 1024: the account's first login must set a new password (`new_password`). */
export class PasswordChangeRequired extends Schema.TaggedError<PasswordChangeRequired>()(
  "PasswordChangeRequired",
  ApiFields
) {
  override get message() {
    return serverMessage(this)
  }
}

/** 404 / 1006: the resource (a wa_id, a message id) does not exist. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 400 / 1013: the user is not valid (seen on send). */
export class UserNotValid extends Schema.TaggedError<UserNotValid>()("UserNotValid", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 429 / 1015: too many requests. Transient; `retryAfterMillis` comes from `Retry-After`. */
export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  ...ApiFields,
  retryAfterMillis: Schema.optionalKey(Schema.Number)
}) {
  override get message() {
    return serverMessage(this)
  }
}

/** 503 / 1016: the server is overloaded. Transient. */
export class Overloaded extends Schema.TaggedError<Overloaded>()("Overloaded", {
  ...ApiFields,
  retryAfterMillis: Schema.optionalKey(Schema.Number)
}) {
  override get message() {
    return serverMessage(this)
  }
}

/** 500 / 1014: internal error. Retried a few times, for idempotent calls only. */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** 400 / 1028: messages to this user are refused until its latest identity is acknowledged. */
export class IdentityAckRequired extends Schema.TaggedError<IdentityAckRequired>()("IdentityAckRequired", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/** Any other error the server reported (1000 "Generic error" and codes not listed in spec §5). */
export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", ApiFields) {
  override get message() {
    return serverMessage(this)
  }
}

/**
 * The body was not JSON (an HTML page from a proxy, an empty 502, a truncated body). Keeps the
 * HTTP status and the first bytes of the body.
 */
export class MalformedResponse extends Schema.TaggedError<MalformedResponse>()("MalformedResponse", {
  status: Schema.Number,
  snippet: Schema.String,
  length: Schema.Number,
  call: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    return `HTTP ${this.status}${during(this.call)}: the body is not JSON (${this.length} bytes: ${JSON.stringify(this.snippet)})`
  }
}

/** The body was JSON but not what the spec says it should be. Keeps the raw body. */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  status: Schema.Number,
  body: Schema.Unknown,
  issue: Schema.String,
  call: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    return `HTTP ${this.status}${during(this.call)}: the body is not what the spec says: ${this.issue}`
  }
}

/**
 * A caller's input was rejected before anything was sent (a reason of 60 characters, a `limit` of
 * 0, a phone with a `/`). `field` names the input, `input` is the offending value.
 */
export class InputError extends Schema.TaggedError<InputError>()("InputError", {
  field: Schema.String,
  input: Schema.String,
  message: Schema.String
}) {}

/** Errors the server reported, with a vendor code. */
export type ServerError =
  | MissingParameter
  | InvalidParameter
  | NotEngaged
  | Unauthorized
  | PasswordChangeRequired
  | NotFound
  | UserNotValid
  | RateLimited
  | Overloaded
  | InternalError
  | IdentityAckRequired
  | ApiError

/** Everything an operation that talks to a server can fail with. */
export type ContactsError = ServerError | MalformedResponse | UnexpectedResponse | TransportError | InputError

/** The vendor codes of spec §5 and the error class each becomes. */
type ApiFields = { readonly status: number; readonly code: number; readonly title: string; readonly details: string }
const byCode: { readonly [C in ErrorCode]: new(fields: ApiFields) => ServerError } = {
  // 1000 "Generic error" is never retried, whatever the status (a 500 with it is not a 1014).
  [ErrorCode.GenericError]: ApiError,
  [ErrorCode.AccessDenied]: Unauthorized,
  [ErrorCode.ResourceNotFound]: NotFound,
  [ErrorCode.RequiredParameterMissing]: MissingParameter,
  [ErrorCode.ParameterValueNotValid]: InvalidParameter,
  [ErrorCode.UserNotValid]: UserNotValid,
  [ErrorCode.InternalError]: InternalError,
  [ErrorCode.TooManyRequests]: RateLimited,
  [ErrorCode.SystemOverloaded]: Overloaded,
  [ErrorCode.PasswordChangeRequired]: PasswordChangeRequired,
  [ErrorCode.IdentityAckRequired]: IdentityAckRequired,
  [ErrorCode.NotEngagedContact]: NotEngaged
}

/** Fields of one entry of the envelope's `errors`. */
export interface ErrorEntry {
  readonly code: number
  readonly title: string
  readonly details?: string | undefined
}

/**
 * The typed error for an HTTP status and, when the body had one, its first `errors` entry. The
 * vendor code wins; without one, the status decides (429 and 503 from a proxy carry no code).
 */
export const fromStatus = (
  status: number,
  entry: ErrorEntry | undefined,
  retryAfterMillis?: number | undefined
): ServerError => {
  const code = entry?.code ?? codeOfStatus(status)
  const fields = {
    status,
    code,
    title: entry?.title ?? (isErrorCode(code) ? errorTitles[code] : errorTitles[ErrorCode.GenericError]),
    details: entry?.details ?? ""
  }
  const retry = retryAfterMillis === undefined ? {} : { retryAfterMillis }
  const Class = isErrorCode(fields.code) ? byCode[fields.code] : undefined
  // A 429 or 503 without a specific code (none, 1000 or an unknown one) is still transient.
  const generic = Class === undefined || Class === ApiError
  if (Class === RateLimited || (generic && status === 429)) return new RateLimited({ ...fields, ...retry })
  if (Class === Overloaded || (generic && status === 503)) return new Overloaded({ ...fields, ...retry })
  if (Class !== undefined) return new Class(fields)
  if (status === 401) return new Unauthorized(fields)
  if (status === 404) return new NotFound(fields)
  if (status >= 500) return new InternalError(fields)
  return new ApiError(fields)
}

/** The first bytes of a body kept in a `MalformedResponse`. */
export const SNIPPET_LENGTH = 200

/** A `MalformedResponse` for a body that is not JSON. */
export const malformed = (status: number, text: string): MalformedResponse =>
  new MalformedResponse({ status, snippet: text.slice(0, SNIPPET_LENGTH), length: text.length })

/**
 * The same error, saying which call got it (`POST /v1/contacts`). Errors that do not come from a
 * response (input errors, transport errors, which name their URL themselves) are kept as they are.
 */
export const withCall = (call: string) => <E>(error: E): E => {
  if (typeof error !== "object" || error === null || !("_tag" in error)) return error
  const tagged = error as unknown as { readonly _tag: string; readonly call?: string }
  if (tagged.call !== undefined) return error
  switch (tagged._tag) {
    case "InputError":
    case "TransportError":
      return error
  }
  const Class = (error as { constructor: new(fields: object) => E }).constructor
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error)) if (key !== "_tag") fields[key] = value
  return new Class({ ...fields, call })
}

/** No HTTP response at all (defined with the `Transport` port, re-exported here with the other errors). */
export { TransportError }
