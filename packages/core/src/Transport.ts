/**
 * The one port every adapter provides: send one HTTP-shaped request to an On-Premises server (or
 * something that answers like one) and hand back what came back. The core builds requests and
 * interprets responses; it never sees sockets, `fetch` or a simulator's state.
 *
 * @since 0.1.0
 */
import { Context, type Effect, Schema } from "effect"

/** HTTP methods the contacts node uses. */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/** A request as the core builds it: the path is already percent-encoded (`/v1/contacts/%2B1…/block`). */
export interface TransportRequest {
  readonly method: Method
  /** Absolute path on the server, starting with `/`, already percent-encoded. */
  readonly path: string
  /** Query parameters, not yet encoded. */
  readonly query?: Readonly<Record<string, string>> | undefined
  /** A JSON value to send as the body; `undefined` sends none. */
  readonly body?: unknown
  /** Extra headers (lower-case names). Adapters add auth, content type and user agent. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * The body of a response: parsed JSON when it parses, else the raw text (an HTML error page from a
 * proxy, an empty 502, a truncated body) so that the core can report it instead of crashing.
 */
export type ResponseBody =
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Text"; readonly text: string }

/** What came back: status, headers (lower-case names) and the body. */
export interface TransportResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: ResponseBody
}

/** Why no HTTP response arrived. */
export const TransportFailureReason = Schema.Literals([
  "ConnectionRefused",
  "ConnectionReset",
  "Timeout",
  "Tls",
  "InvalidUrl",
  "Other"
])
/** The decoded form of `TransportFailureReason`. */
export type TransportFailureReason = typeof TransportFailureReason.Type

/**
 * No HTTP response at all: connection refused or reset, timeout, TLS failure.
 *
 * `retryable` says whether the condition is transient (a refused connection may succeed later; a
 * bad certificate will not). `requestSent` says whether the server may have received the request:
 * when it is `false` any call may be repeated; when `true` only idempotent calls may be (a
 * `report` must not be sent twice).
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  reason: TransportFailureReason,
  message: Schema.String,
  retryable: Schema.Boolean,
  requestSent: Schema.Boolean
}) {}

/** The service adapters provide: `@wa-contacts/adapter-http`, `@wa-contacts/adapter-mock`. */
export class Transport extends Context.Service<Transport, {
  /** Send one request; fail only when no HTTP response arrived. */
  readonly send: (request: TransportRequest) => Effect.Effect<TransportResponse, TransportError>
}>()("@wa-contacts/core/Transport") {}

/** A JSON response body. */
export const jsonBody = (value: unknown): ResponseBody => ({ _tag: "Json", value })

/** A raw-text response body. */
export const textBody = (text: string): ResponseBody => ({ _tag: "Text", text })

/**
 * Read a raw HTTP body as an adapter receives it: JSON when it parses, else the text itself.
 * Adapters call this so that every transport reports malformed bodies the same way.
 */
export const parseBody = (text: string): ResponseBody => {
  if (text.length === 0) return textBody(text)
  try {
    return jsonBody(JSON.parse(text))
  } catch {
    return textBody(text)
  }
}
