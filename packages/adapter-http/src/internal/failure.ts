/**
 * Turning what went wrong below HTTP into the core's `TransportError`: what happened, whether it
 * may help to try again, and whether the server may have seen the request. Messages name the
 * method and URL (which hold no secret: credentials are refused in the base URL) and never
 * include headers.
 */
import type { HttpClientError } from "effect/http"
import { Transport } from "@wa-contacts/core"

type Reason = Transport.TransportFailureReason

interface Kind {
  readonly reason: Reason
  readonly retryable: boolean
  readonly requestSent: boolean
  readonly what: string
}

const refused: Kind = { reason: "ConnectionRefused", retryable: true, requestSent: false, what: "connection refused" }
const reset: Kind = { reason: "ConnectionReset", retryable: true, requestSent: true, what: "connection closed by the server" }
const connectTimeout: Kind = { reason: "Timeout", retryable: true, requestSent: false, what: "timed out connecting" }
const tls: Kind = {
  reason: "Tls",
  retryable: false,
  requestSent: false,
  what: "TLS failure (the server's certificate is not trusted: configure its CA bundle, e.g. WA_CA_FILE)"
}

/** Node and undici error codes that mean one of our kinds. */
const byCode: Record<string, Kind> = {
  ECONNREFUSED: refused,
  ECONNRESET: reset,
  EPIPE: reset,
  UND_ERR_SOCKET: reset,
  UND_ERR_CLOSED: reset,
  ETIMEDOUT: connectTimeout,
  UND_ERR_CONNECT_TIMEOUT: connectTimeout,
  EHOSTUNREACH: { ...refused, what: "host unreachable" },
  ENETUNREACH: { ...refused, what: "network unreachable" },
  EAI_AGAIN: { ...refused, reason: "Other", what: "name resolution failed (temporarily)" },
  ENOTFOUND: { reason: "Other", retryable: false, requestSent: false, what: "unknown host" },
  ERR_SSL_WRONG_VERSION_NUMBER: { ...tls, what: "TLS failure (is the server speaking plain http:? then use http://)" },
  EPROTO: { ...tls, what: "TLS failure (protocol error)" }
}

/** Certificate verification codes from OpenSSL and Node (`DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`, …). */
const isTlsCode = (code: string): boolean =>
  code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_") || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)

/** The first error code along a chain of causes. */
const codeOf = (cause: unknown): { code: string; message: string } | undefined => {
  for (let current = cause, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code
    if (typeof code === "string") return { code, message: current.message }
  }
  return undefined
}

const kindOfCause = (cause: unknown, fallback: Kind): { kind: Kind; detail: string | undefined } => {
  const found = codeOf(cause)
  if (found === undefined) return { kind: fallback, detail: cause instanceof Error ? cause.message : undefined }
  const kind = byCode[found.code] ?? (isTlsCode(found.code) ? tls : fallback)
  return { kind, detail: `${found.code}: ${found.message}` }
}

const other: Kind = { reason: "Other", retryable: false, requestSent: false, what: "request failed" }

const make = (target: string, kind: Kind, detail?: string | undefined) =>
  new Transport.TransportError({
    reason: kind.reason,
    retryable: kind.retryable,
    requestSent: kind.requestSent,
    message: `${target}: ${kind.what}${detail === undefined ? "" : ` (${detail.split("\n")[0]})`}`
  })

/** A failure of effect's HTTP client as a `TransportError`; `target` is `"METHOD url"`. */
export const fromHttpClientError = (target: string, error: HttpClientError.HttpClientError): Transport.TransportError => {
  const reason = error.reason
  switch (reason._tag) {
    case "TransportError": {
      const { kind, detail } = kindOfCause(reason.cause, { ...other, what: "no response" })
      return make(target, kind, detail ?? reason.description)
    }
    case "InvalidUrlError":
      return make(target, { ...other, reason: "InvalidUrl", what: "invalid URL" })
    case "EncodeError":
      return make(target, { ...other, what: "the request body could not be encoded" })
    default: {
      // The response started but its body could not be read: the connection died mid-body.
      const { kind, detail } = kindOfCause(reason.cause, reset)
      return make(target, kind.requestSent ? kind : reset, detail)
    }
  }
}

/** The exchange took longer than the configured timeout (the server may have the request). */
export const timedOut = (target: string, millis: number): Transport.TransportError =>
  make(target, { reason: "Timeout", retryable: true, requestSent: true, what: `no complete response within ${millis} ms` })
