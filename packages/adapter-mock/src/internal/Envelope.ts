/**
 * What the simulator's request handler takes and gives: HTTP-shaped values that both the
 * in-process `Transport` and the HTTP server convert to and from, and the server's envelope
 * (`meta`, `errors`) with the statuses, codes and titles of spec §5.
 *
 * @internal
 */
import { Protocol, Transport } from "@wa-contacts/core"
import type { Schema } from "effect"

/** A request body as it arrived: none, JSON, text that is not JSON, or too large to read. */
export type RequestBody =
  | { readonly _tag: "None" }
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "NotJson"; readonly text: string }
  | { readonly _tag: "TooLarge" }

/** A request as the handler sees it. */
export interface SimulatorRequest {
  readonly method: string
  /** The path, still percent-encoded, without the query string. */
  readonly path: string
  /** Query parameters, decoded. */
  readonly query: Readonly<Record<string, string>>
  /** Headers with lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: RequestBody
}

/** An answer, or a dropped connection (no answer at all). */
export type SimulatorResponse =
  | { readonly _tag: "Reply"; readonly response: Transport.TransportResponse }
  | { readonly _tag: "Drop" }

/** The codes of spec §5 (core's `Protocol`: written once, for the client and the simulator alike). */
export const Code = Protocol.ErrorCode
/** An error code the simulator answers with. */
export type ErrorCode = Protocol.ErrorCode

/** The vendor's exact `details` texts (see vectors/vendor-bodies.json). */
export const vendorDetails = {
  notEngaged: "Invalid Request. This contact hasn't engaged with you in the last 24 hrs.",
  invalidWaId: "Provided WhatsApp ID is not valid. Please provide a valid WhatsApp ID or a phone number with a country code",
  invalidCredentials: "Invalid credentials."
} as const

/** An error the handler answers with, before it is wrapped in the envelope. */
export interface ApiError {
  readonly status: number
  readonly code: ErrorCode
  readonly details: string
  readonly headers?: Readonly<Record<string, string>>
}

/** Build an {@link ApiError}. */
export const apiError = (status: number, code: ErrorCode, details: string, headers?: Readonly<Record<string, string>>): ApiError =>
  headers === undefined ? { status, code, details } : { status, code, details, headers }

/** `meta` of every response. */
export const meta = (version: string) => ({ api_status: "stable", version })

const jsonHeaders = { "content-type": "application/json" }

/**
 * A JSON reply with `meta` added to `body`, where `body` must have the shape `schema` documents
 * (`ApiSchema.ts`): the OpenAPI document and the answers cannot drift apart without a type error.
 */
export const answer = <S extends Schema.Top & { readonly Encoded: { readonly meta: unknown } }>(
  _schema: S,
  version: string,
  body: Omit<S["Encoded"], "meta">
): SimulatorResponse => ok(version, body as Record<string, unknown>)

/** A JSON reply with `meta` added to `body`. */
export const ok = (version: string, body: Record<string, unknown> = {}, status = 200): SimulatorResponse => ({
  _tag: "Reply",
  response: { status, headers: jsonHeaders, body: Transport.jsonBody({ meta: meta(version), ...body }) }
})

/** A JSON reply without `meta` (the control surface is not the vendor's API). */
export const plain = (body: unknown, status = 200): SimulatorResponse => ({
  _tag: "Reply",
  response: { status, headers: jsonHeaders, body: Transport.jsonBody(body) }
})

/** The envelope of a failure: `meta` and `errors: [{code, title, details}]`. */
export const failure = (version: string, error: ApiError): SimulatorResponse => ({
  _tag: "Reply",
  response: {
    status: error.status,
    headers: { ...jsonHeaders, ...error.headers },
    body: Transport.jsonBody({
      meta: meta(version),
      errors: [{ code: error.code, title: Protocol.errorTitles[error.code], details: error.details }]
    })
  }
})

/** A raw text reply (malformed-body faults). */
export const text = (status: number, body: string, contentType: string): SimulatorResponse => ({
  _tag: "Reply",
  response: { status, headers: contentType === "" ? {} : { "content-type": contentType }, body: Transport.textBody(body) }
})

/** The response's status, or `"dropped"`. */
export const statusOf = (response: SimulatorResponse): string =>
  response._tag === "Drop" ? "dropped" : String(response.response.status)

/** Render a body as the bytes an HTTP server sends. */
export const bodyText = (body: Transport.ResponseBody): string =>
  body._tag === "Json" ? JSON.stringify(body.value) : body.text
