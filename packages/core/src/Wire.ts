/**
 * The bodies of spec §1–4 as effect `Schema`s: lenient where the wild is lenient (`meta` missing
 * or `{}`, a version with or without `v`, `acknowledged` as a boolean or a string), strict where
 * it matters (statuses, codes, pagination).
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect"

/** `meta` of the envelope. Every key is optional: gateways and fixtures send `{}` or nothing. */
export const Meta = Schema.Struct({
  api_status: Schema.optionalKey(Schema.String),
  version: Schema.optionalKey(Schema.String)
})
/** The decoded form of `Meta`. */
export type Meta = typeof Meta.Type

/** One entry of the envelope's `errors`. The field is `details` (plural); `href` is optional. */
export const ErrorEntry = Schema.Struct({
  code: Schema.Int,
  title: Schema.String,
  details: Schema.optionalKey(Schema.String),
  href: Schema.optionalKey(Schema.String)
})
/** The decoded form of `ErrorEntry`. */
export type ErrorEntry = typeof ErrorEntry.Type

/** The envelope every response may carry. `errors` is present only on failure. */
export const Envelope = Schema.Struct({
  meta: Schema.optionalKey(Meta),
  errors: Schema.optionalKey(Schema.Array(ErrorEntry))
})
/** The decoded form of `Envelope`. */
export type Envelope = typeof Envelope.Type

// ---------------------------------------------------------------------------------------------
// Check contacts — POST /v1/contacts

/** `blocking`: `wait` answers when every number is final; `no_wait` (the default) answers at once. */
export const Blocking = Schema.Literals(["wait", "no_wait"])
/** The decoded form of `Blocking`. */
export type Blocking = typeof Blocking.Type

/** The body of a check. */
export const CheckRequest = Schema.Struct({
  blocking: Schema.optionalKey(Blocking),
  contacts: Schema.Array(Schema.String),
  force_check: Schema.optionalKey(Schema.Boolean)
})
/** The decoded form of `CheckRequest`. */
export type CheckRequest = typeof CheckRequest.Type

/** A raw status as the server sends it; its meaning depends on the server's version. */
export const CheckStatus = Schema.Literals(["processing", "valid", "invalid", "failed"])
/** The decoded form of `CheckStatus`. */
export type CheckStatus = typeof CheckStatus.Type

/** One entry of a check response: the input as sent, its status, and a wa_id when there is one. */
export const CheckContact = Schema.Struct({
  input: Schema.String,
  status: CheckStatus,
  wa_id: Schema.optionalKey(Schema.String)
})
/** The decoded form of `CheckContact`. */
export type CheckContact = typeof CheckContact.Type

/** The body of a successful check (HTTP 200, also when some entries are still `processing`). */
export const CheckResponse = Schema.Struct({
  meta: Schema.optionalKey(Meta),
  contacts: Schema.Array(CheckContact)
})
/** The decoded form of `CheckResponse`. */
export type CheckResponse = typeof CheckResponse.Type

// ---------------------------------------------------------------------------------------------
// Block, unblock, blocklist, report

/** The body of `POST /v1/contacts/{phone}/block`. */
export const BlockRequest = Schema.Struct({ reason: Schema.optionalKey(Schema.String) })
/** The decoded form of `BlockRequest`. */
export type BlockRequest = typeof BlockRequest.Type

/** The body of `POST /v1/contacts/{phone}/report`. */
export const ReportRequest = Schema.Struct({
  reason: Schema.optionalKey(Schema.String),
  block: Schema.optionalKey(Schema.Boolean),
  message_id: Schema.optionalKey(Schema.String)
})
/** The decoded form of `ReportRequest`. */
export type ReportRequest = typeof ReportRequest.Type

const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** `pagination` of a blocklist page. */
export const Pagination = Schema.Struct({ limit: NonNegativeInt, offset: NonNegativeInt, total: NonNegativeInt })
/** The decoded form of `Pagination`. */
export type Pagination = typeof Pagination.Type

/** The body of `GET /v1/contacts/blocklist`: JIDs such as `16315551000@s.whatsapp.net`. */
export const BlocklistResponse = Schema.Struct({
  meta: Schema.optionalKey(Meta),
  contacts: Schema.Array(Schema.Struct({ wa_id: Schema.String })),
  pagination: Pagination
})
/** The decoded form of `BlocklistResponse`. */
export type BlocklistResponse = typeof BlocklistResponse.Type

// ---------------------------------------------------------------------------------------------
// Identity — /v1/contacts/{wa_id}/identity

/** `acknowledged` has been seen as a boolean and as the strings "true" / "false": accept both. */
export const Acknowledged = Schema.Union([
  Schema.Boolean,
  Schema.Literals(["true", "false"]).pipe(
    Schema.decodeTo(Schema.Boolean, {
      decode: SchemaGetter.transform((s) => s === "true"),
      encode: SchemaGetter.transform((b): "true" | "false" => (b ? "true" : "false"))
    })
  )
])

/** The body of `GET …/identity`: here `contacts` is a single object; the timestamp is in ms. */
export const IdentityResponse = Schema.Struct({
  meta: Schema.optionalKey(Meta),
  contacts: Schema.Struct({
    hash: Schema.String,
    created_timestamp: Schema.Number,
    acknowledged: Acknowledged
  })
})
/** The decoded form of `IdentityResponse`. */
export type IdentityResponse = typeof IdentityResponse.Type

/** The body of `PUT …/identity`. */
export const IdentityAckRequest = Schema.Struct({ hash: Schema.String })
/** The decoded form of `IdentityAckRequest`. */
export type IdentityAckRequest = typeof IdentityAckRequest.Type

/** A success that carries no data (block, unblock, report, identity PUT): `null`, `{}` or an envelope. */
export const Acknowledgement = Schema.NullOr(Envelope)

// ---------------------------------------------------------------------------------------------
// Login — POST /v1/users/login

/** The body of a login: empty, or a new password for the first login. */
export const LoginRequest = Schema.Struct({ new_password: Schema.optionalKey(Schema.String) })
/** The decoded form of `LoginRequest`. */
export type LoginRequest = typeof LoginRequest.Type

/** The vendor's `expires_after`: `YYYY-MM-DD HH:MM:SS+00:00` (a space, not `T`). */
export const ExpiresAfter = Schema.String.check(
  Schema.isPattern(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)$/)
)

/** The body of a successful login. */
export const LoginResponse = Schema.Struct({
  meta: Schema.optionalKey(Meta),
  users: Schema.NonEmptyArray(Schema.Struct({ token: Schema.String, expires_after: ExpiresAfter }))
})
/** The decoded form of `LoginResponse`. */
export type LoginResponse = typeof LoginResponse.Type

/** Milliseconds since the epoch of an `expires_after`, or `undefined` when it does not parse. */
export const parseExpiresAfter = (value: string): number | undefined => {
  const ms = Date.parse(value.replace(" ", "T"))
  return Number.isNaN(ms) ? undefined : ms
}
