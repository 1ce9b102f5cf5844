/**
 * One call to the server: send through the `Transport`, decode, and retry what the policy says is
 * transient. Every operation goes through here.
 *
 * @since 0.1.0
 */
import { Duration, Effect, type Schema } from "effect"
import { ContactsConfig } from "./Config.ts"
import { type ContactsError, withCall } from "./Errors.ts"
import { type Idempotency, retrySchedule } from "./Policy.ts"
import { decode, type DecodeOptions } from "./Response.ts"
import { Transport, type TransportRequest } from "./Transport.ts"

/** Effects run as a call proceeds, for counters and pacing: each attempt sent, each retry decided. */
export interface CallObserver {
  /** Runs as each attempt (retries included) is sent. */
  readonly onRequest?: Effect.Effect<void> | undefined
  /** Runs when an attempt got a response, with how long the transport took (ms). */
  readonly onResponse?: ((millis: number) => Effect.Effect<void>) | undefined
  /** Runs when a transient failure is retried, with the delay before the retry. */
  readonly onRetry?: ((error: ContactsError, delayMillis: number) => Effect.Effect<void>) | undefined
}

/** Hooks that can wrap each attempt (a rate limiter's wait). */
export interface CallOptions extends DecodeOptions {
  readonly idempotency: Idempotency
  /** Runs before each attempt (retries included), inside `aroundAttempt`: a rate limiter's wait. */
  readonly beforeAttempt?: Effect.Effect<void> | undefined
  /** Wraps each attempt, e.g. a semaphore's permit so that requests in flight stay bounded. */
  readonly aroundAttempt?: (<A, E, R>(attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>) | undefined
  readonly observer?: CallObserver | undefined
  /** Failures the caller handles itself (they fail the call instead of being retried). */
  readonly notRetried?: ((error: ContactsError) => boolean) | undefined
}

/** Send `request`, decode its response with `schema`, retrying transient failures. */
export const call = <A, I>(
  request: TransportRequest,
  schema: Schema.Codec<A, I, never, never>,
  options: CallOptions
): Effect.Effect<A, ContactsError, Transport> =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const config = yield* ContactsConfig
    const decodeResponse = decode(schema, options)
    const onRequest = options.observer?.onRequest
    // Suspended: an adapter may do work when `send` is called, and each retry must redo it.
    const onResponse = options.observer?.onResponse
    const untimed = Effect.suspend(() => transport.send(request))
    const send = onResponse === undefined
      ? untimed
      : Effect.flatMap(Effect.timed(untimed), ([took, response]) => Effect.as(onResponse(Duration.toMillis(took)), response))
    const attempt = (onRequest === undefined ? send : Effect.andThen(onRequest, send)).pipe(Effect.flatMap(decodeResponse))
    const paced = options.beforeAttempt === undefined ? attempt : Effect.andThen(options.beforeAttempt, attempt)
    // The rate limiter's slot is taken inside the permit: a slot reserved while waiting for a
    // permit would be spent late, and requests let go together would burst past the bucket.
    const bounded = options.aroundAttempt === undefined ? paced : options.aroundAttempt(paced)
    return yield* bounded.pipe(
      Effect.retry(retrySchedule(options.idempotency, config.retry, options.observer?.onRetry, options.notRetried)),
      // After the retries: the error a caller sees names the call that got it.
      Effect.mapError(withCall(`${request.method} ${request.path}`))
    )
  })
