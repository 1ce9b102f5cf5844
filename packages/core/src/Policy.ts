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

/**
 * Capped exponential back-off with jitter, honouring `Retry-After`, for transient failures only.
 * `onRetry` is told about each retry (for counters and logs).
 */
export const retrySchedule = (
  idempotency: Idempotency,
  options: RetryOptions = {},
  onRetry?: (error: ContactsError, delayMillis: number) => void
) => {
  const maxDelay = Duration.toMillis(Duration.fromInputUnsafe(options.maxDelay ?? "10 seconds"))
  return Schedule.exponential(options.baseDelay ?? "250 millis").pipe(
    Schedule.jittered,
    Schedule.setInputType<ContactsError>(),
    Schedule.while(({ input }) => isTransient(input, idempotency)),
    Schedule.upTo({ times: options.times ?? 5 }),
    // Last, so that it runs only for retries that happen (a halted schedule never reaches it).
    Schedule.modifyDelay(({ duration, input }) => {
      const backoff = Math.min(Duration.toMillis(duration), maxDelay)
      const delay = Math.max(backoff, serverDelay(input) ?? 0)
      onRetry?.(input, delay)
      return Effect.succeed(Duration.millis(delay))
    })
  )
}
