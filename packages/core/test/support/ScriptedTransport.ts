/**
 * A `Transport` for tests: records every request (with the TestClock time it was sent at) and
 * answers from a function or from a queue of scripted responses. It also tracks how many requests
 * are in flight at once, so a test can check a concurrency bound.
 */
import { Effect, Layer } from "effect"
import { Transport } from "@wa-contacts/core"

/** A request as the transport saw it, and the (test) clock time it arrived at. */
export interface Recorded {
  readonly request: Transport.TransportRequest
  readonly at: number
}

/** What a script answers: a response, a transport failure, or an effect producing either. */
export type Answer =
  | Transport.TransportResponse
  | Transport.TransportError
  | Effect.Effect<Transport.TransportResponse, Transport.TransportError>

/** A scripted transport and what it observed. */
export interface Scripted {
  readonly layer: Layer.Layer<Transport.Transport>
  readonly requests: Array<Recorded>
  /** The most requests that were in flight at the same time. */
  readonly maxInFlight: () => number
  /** The `contacts` of every check request, in order. */
  readonly checkBodies: () => Array<Transport.TransportRequest["body"] & { contacts: Array<string> }>
}

const toEffect = (answer: Answer): Effect.Effect<Transport.TransportResponse, Transport.TransportError> =>
  answer instanceof Transport.TransportError
    ? Effect.fail(answer)
    : Effect.isEffect(answer)
    ? answer
    : Effect.succeed(answer)

/** Answer every request with `answer(request, index)` (index counts from 0). */
export const fromFunction = (answer: (request: Transport.TransportRequest, index: number) => Answer): Scripted => {
  const requests: Array<Recorded> = []
  let inFlight = 0
  let maxInFlight = 0
  const transport = Transport.Transport.of({
    send: (request) =>
      Effect.gen(function*() {
        const at = yield* Effect.clockWith((c) => c.currentTimeMillis)
        const index = requests.length
        requests.push({ request, at })
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        return yield* toEffect(answer(request, index)).pipe(Effect.ensuring(Effect.sync(() => inFlight--)))
      })
  })
  return {
    layer: Layer.succeed(Transport.Transport, transport),
    requests,
    maxInFlight: () => maxInFlight,
    checkBodies: () =>
      requests
        .filter((r) => r.request.method === "POST" && r.request.path === "/v1/contacts")
        .map((r) => r.request.body as Transport.TransportRequest["body"] & { contacts: Array<string> })
  }
}

/** Answer the requests in order from `answers`; a request beyond the script is a test failure (HTTP 599). */
export const fromQueue = (answers: ReadonlyArray<Answer>): Scripted =>
  fromFunction((_, index) => answers[index] ?? json(599, { unexpected: `no scripted answer for request ${index + 1}` }))

/** A JSON response. */
export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Transport.TransportResponse => ({
  status,
  headers,
  body: Transport.jsonBody(value)
})

/** A raw-text response (what an adapter hands over when the body is not JSON). */
export const text = (status: number, body: string, headers: Record<string, string> = {}): Transport.TransportResponse => ({
  status,
  headers,
  body: Transport.parseBody(body)
})

/** An error response in the vendor's envelope. */
export const apiError = (
  status: number,
  code: number,
  title: string,
  details = "",
  headers: Record<string, string> = {}
): Transport.TransportResponse => json(status, { errors: [{ code, title, details }] }, headers)

/** A transport failure. */
export const failure = (
  reason: Transport.TransportFailureReason,
  options: { readonly retryable?: boolean; readonly requestSent?: boolean } = {}
): Transport.TransportError =>
  new Transport.TransportError({
    reason,
    message: `scripted ${reason}`,
    retryable: options.retryable ?? true,
    requestSent: options.requestSent ?? false
  })

/** The `contacts` of a check request. */
export const contactsOf = (request: Transport.TransportRequest): Array<string> =>
  (request.body as { contacts: Array<string> }).contacts

/** A check response that gives every input of `request` the status `status(input)`. */
export const checkAnswer = (
  request: Transport.TransportRequest,
  status: (input: string) => { readonly status: string; readonly wa_id?: string },
  meta?: { readonly version: string }
): Transport.TransportResponse =>
  json(200, {
    ...(meta === undefined ? {} : { meta: { api_status: "stable", ...meta } }),
    contacts: contactsOf(request).map((input) => ({ input, ...status(input) }))
  })
