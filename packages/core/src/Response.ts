/**
 * From a `TransportResponse` to a typed value or a typed error: the one place where bodies are
 * decoded and errors mapped (spec §5). Bodies that are not JSON become `MalformedResponse`; JSON
 * of the wrong shape becomes `UnexpectedResponse` with the raw body.
 *
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import * as Errors from "./Errors.ts"
import type { TransportResponse } from "./Transport.ts"
import { Envelope } from "./Wire.ts"

const decodeEnvelope = Schema.decodeUnknownOption(Envelope)

/** Milliseconds to wait according to a `Retry-After` header (seconds or an HTTP date), if any. */
export const retryAfterMillis = (headers: Readonly<Record<string, string>>, now: number): number | undefined => {
  const value = headers["retry-after"]
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The typed error for a response that is not a success, whatever its body. */
export const errorOf = (response: TransportResponse, now: number): Errors.ServerError | Errors.MalformedResponse => {
  const { body, status } = response
  if (body._tag === "Text") return Errors.malformed(status, body.text)
  const envelope = decodeEnvelope(body.value)
  const entry = envelope._tag === "Some" ? envelope.value.errors?.[0] : undefined
  return Errors.fromStatus(status, entry, retryAfterMillis(response.headers, now))
}

const hasErrors = (value: unknown): boolean =>
  typeof value === "object" && value !== null && Array.isArray((value as { errors?: unknown }).errors) &&
  (value as { errors: Array<unknown> }).errors.length > 0

/** What decoding a response can fail with. */
export type ResponseError = Errors.ServerError | Errors.MalformedResponse | Errors.UnexpectedResponse

/** How to read a success body. `emptyOk`: an empty body counts as `null` (identity PUT). */
export interface DecodeOptions {
  readonly emptyOk?: boolean
}

/**
 * Decode a response with a body schema: a 2xx whose body matches, else the typed error. A 2xx
 * that nonetheless carries `errors` is an error.
 */
export const decode = <A, I>(
  schema: Schema.Codec<A, I, never, never>,
  options: DecodeOptions = {}
) => {
  const decodeBody = Schema.decodeUnknownEffect(schema)
  return (response: TransportResponse): Effect.Effect<A, ResponseError> =>
    Effect.suspend((): Effect.Effect<A, ResponseError> => {
      const { body, status } = response
      const ok = status >= 200 && status < 300
      if (!ok || (body._tag === "Json" && hasErrors(body.value))) {
        return Effect.flatMap(Effect.clockWith((c) => c.currentTimeMillis), (now) => Effect.fail(errorOf(response, now)))
      }
      if (body._tag === "Text") {
        return options.emptyOk === true && body.text.trim() === ""
          ? decodeBody(null).pipe(Effect.mapError((e) => new Errors.UnexpectedResponse({ status, body: null, issue: e.message })))
          : Effect.fail(Errors.malformed(status, body.text))
      }
      return decodeBody(body.value).pipe(
        Effect.mapError((e) => new Errors.UnexpectedResponse({ status, body: body.value, issue: e.message }))
      )
    })
}
