/**
 * Retry policy in one place: which failures are transient, how long to back off, and what is safe
 * to repeat. Check, block, unblock, blocklist and identity are safe to repeat; report is not,
 * unless the server surely never processed it.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Schedule } from "effect"
import type { ContactsError } from "./Errors.ts"

/** Retry settings. */
export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  readonly times?: number
  /** First back-off delay (default 250 ms); doubles each time, with jitter. */
  readonly baseDelay?: Duration.Input
  /** The longest back-off delay (default 10 s). A `Retry-After` longer than this still wins. */
  readonly maxDelay?: Duration.Input
  /** Told about each retry as it is scheduled, with the delay before it (e.g. to show it to a person). */
  readonly onRetry?: ((error: ContactsError, delayMillis: number) => Effect.Effect<void>) | undefined
}

/** Whether a call may be sent again after a response was possibly received. */
export type Idempotency = "idempotent" | "not-idempotent"

const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504])

/**
 * Whether `error` is worth retrying. Rate limiting and overload mean the server did not process
 * the request, so any call may be repeated; an internal error, a proxy's error page, a 2xx whose
 * body is cut short or a lost connection after sending may hide a processed request, so only
 * idempotent calls are repeated.
 */
export const isTransient = (error: ContactsError, idempotency: Idempotency): boolean => {
  const repeatable = idempotency === "idempotent"
  switch (error._tag) {
    case "RateLimited":
    case "Overloaded":
      return true
    case "InternalError":
      return repeatable
    case "MalformedResponse":
      // A 2xx whose body is cut short or not JSON is a broken exchange (a connection lost mid-body,
      // a proxy page): safe to repeat when the call is idempotent, like a lost connection.
      return repeatable && (TRANSIENT_STATUSES.has(error.status) || (error.status >= 200 && error.status < 300))
    case "TransportError":
      return error.retryable && (repeatable || !error.requestSent)
    default:
      return false
  }
}

/** The delay the server asked for, if any. */
const serverDelay = (error: ContactsError): number | undefined =>
  error._tag === "RateLimited" || error._tag === "Overloaded" ? error.retryAfterMillis : undefined

/** Round a back-off to whole milliseconds, never above `cap`. */
const capped = (millis: number, cap: number): number => Math.min(Math.round(millis), cap)

/**
 * Capped exponential back-off with jitter, honouring `Retry-After`, for transient failures only.
 * Delays are whole milliseconds and never exceed `maxDelay`, with or without jitter (a fractional
 * delay would put the clock at fractions, where the sum of two delays can round past the cap); only
 * a longer `Retry-After` wins over the cap. `onRetry` is told about each retry (counters, a shared
 * rate limiter's pause).
 */
export const retrySchedule = (
  idempotency: Idempotency,
  options: RetryOptions = {},
  onRetry?: (error: ContactsError, delayMillis: number) => Effect.Effect<void>,
  /** Transient failures the caller handles itself: not retried here. */
  except?: (error: ContactsError) => boolean
) => {
  const maxDelay = Math.round(Duration.toMillis(Duration.fromInputUnsafe(options.maxDelay ?? "10 seconds")))
  return Schedule.exponential(options.baseDelay ?? "250 millis").pipe(
    Schedule.jittered,
    Schedule.setInputType<ContactsError>(),
    Schedule.while(({ input }) => isTransient(input, idempotency) && except?.(input) !== true),
    Schedule.upTo({ times: options.times ?? 5 }),
    // Last, so that it runs only for retries that happen (a halted schedule never reaches it).
    Schedule.modifyDelay(({ duration, input }) => {
      const delay = Math.max(capped(Duration.toMillis(duration), maxDelay), Math.ceil(serverDelay(input) ?? 0))
      const delayed = Effect.succeed(Duration.millis(delay))
      const told = options.onRetry === undefined ? delayed : Effect.andThen(options.onRetry(input, delay), delayed)
      return onRetry === undefined ? told : Effect.andThen(onRetry(input, delay), told)
    })
  )
}

/** How the `no_wait` recipe re-sends what is still `processing`. */
export interface PollOptions {
  /** Delay before the first re-send (default 500 ms: the usual lookup latency). */
  readonly initialDelay?: Duration.Input | undefined
  /** Growth of the delay between re-sends (default 1.5). */
  readonly factor?: number | undefined
  /** The longest delay between re-sends (default 5 s). */
  readonly maxDelay?: Duration.Input | undefined
}

/** How long numbers still `processing` are re-sent before they are reported as such (60 s). */
export const DEFAULT_MAX_WAIT: Duration.Duration = Duration.seconds(60)

const millisOf = (input: Duration.Input | undefined, fallback: Duration.Input): number =>
  Duration.toMillis(Duration.fromInputUnsafe(input ?? fallback))

/**
 * The vendor's `no_wait` recipe as a schedule: its input is how many numbers are still
 * `processing` after a send; it recurs while some are and the deadline (`maxWait` after the first
 * answer) has not passed, with a delay that grows by `factor` up to `maxDelay`. The last delay is
 * cut to end at the deadline, so a last re-send happens exactly then.
 */
export const pollSchedule = (options: PollOptions = {}, maxWait: Duration.Input = DEFAULT_MAX_WAIT) => {
  const deadline = millisOf(maxWait, DEFAULT_MAX_WAIT)
  const maxDelay = millisOf(options.maxDelay, "5 seconds")
  return Schedule.exponential(options.initialDelay ?? "500 millis", options.factor ?? 1.5).pipe(
    Schedule.setInputType<number>(),
    Schedule.while(({ input, elapsed }) => input > 0 && elapsed < deadline),
    Schedule.modifyDelay(({ duration, elapsed }) =>
      Effect.succeed(Duration.millis(Math.min(Duration.toMillis(duration), maxDelay, deadline - elapsed)))
    )
  )
}
