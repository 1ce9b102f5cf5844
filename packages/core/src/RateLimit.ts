/**
 * A client-side request limiter: the documented 20 requests/s with bursts of 60 (spec §1), so a
 * bulk check never provokes 429s. A reservation-based token bucket on effect's `Clock`: each
 * request reserves the next free slot synchronously, then sleeps until it, so concurrent senders
 * queue fairly and `TestClock` drives it in tests.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { documentedRateLimit } from "./Protocol.ts"

/** Limiter settings. */
export interface RateLimitOptions {
  readonly requestsPerSecond: number
  readonly burst: number
}

/** The vendor's documented limit for every non-message endpoint. */
export const DOCUMENTED: RateLimitOptions = documentedRateLimit

/** Something that makes a request wait its turn. */
export interface RateLimiter {
  readonly take: Effect.Effect<void>
}

/** No limit. */
export const unlimited: RateLimiter = { take: Effect.void }

/** A limiter of `requestsPerSecond` with `burst` requests allowed back to back. */
export const make = (options: RateLimitOptions): RateLimiter => {
  const interval = 1000 / options.requestsPerSecond
  const tolerance = (Math.max(1, options.burst) - 1) * interval
  // Generic cell rate algorithm: `tat` is when the bucket would be empty again.
  let tat = Number.NEGATIVE_INFINITY
  return {
    take: Effect.clockWith((clock) => {
      const now = clock.currentTimeMillisUnsafe()
      tat = Math.max(tat, now)
      const wait = tat - tolerance - now
      tat += interval
      return wait > 0 ? Effect.sleep(wait) : Effect.void
    })
  }
}
