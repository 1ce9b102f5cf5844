/**
 * How a bulk check's requests are spaced and bounded: the rate limiter's slot, taken inside a
 * permit for a request in flight, and the number of permits.
 *
 * With a rate limit and no explicit bound, the bound follows Little's law: requests in flight =
 * rate × latency. It starts sized for the usual lookup latency ({@link EXPECTED_LATENCY_MS}, so a
 * `wait` check of a fresh list is at full rate from its first request) and is resized after every
 * response to
 * `ceil(rate × observed latency × 1.25) + 1` (an average of recent latencies), within
 * [{@link MIN_IN_FLIGHT}, {@link MAX_IN_FLIGHT}]. So a server that takes 500 ms per `wait` check
 * gets about 14 requests at once and the rate limit, not the bound, sets the pace; a fast server
 * gets 4. The limiter still spaces every request, so a larger bound never means a burst.
 *
 * @internal
 */
import { Effect, Semaphore } from "effect"
import type { RateLimiter } from "../RateLimit.ts"

/** The smallest bound on requests in flight (also the fixed default without a rate limit). */
export const MIN_IN_FLIGHT = 4
/** The largest bound the adaptive sizing reaches. */
export const MAX_IN_FLIGHT = 32
/** The latency the bound is sized for before any response was seen: the usual lookup's. */
export const EXPECTED_LATENCY_MS = 500

/** Pacing of one bulk check. */
export interface Pacing {
  readonly limiter: RateLimiter
  /** Wraps each attempt in a permit. */
  readonly around: <A, E, R>(attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Told how long each response took (ms), to size the bound. */
  readonly observe: ((millis: number) => Effect.Effect<void>) | undefined
  /** The current bound. */
  readonly permits: () => number
}

/** A fixed bound of `concurrency` requests in flight. */
export const fixed = (limiter: RateLimiter, concurrency: number): Pacing => {
  const semaphore = Semaphore.makeUnsafe(concurrency)
  return { limiter, around: semaphore.withPermits(1), observe: undefined, permits: () => concurrency }
}

/** The bound that keeps `requestsPerSecond` flowing when a response takes `latencyMillis`. */
export const boundFor = (requestsPerSecond: number, latencyMillis: number): number =>
  Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, Math.ceil((requestsPerSecond * latencyMillis * 1.25) / 1000) + 1))

/** A bound sized by the limiter's rate × the observed latency. */
export const adaptive = (limiter: RateLimiter): Pacing => {
  let permits = boundFor(limiter.requestsPerSecond, EXPECTED_LATENCY_MS)
  const semaphore = Semaphore.makeUnsafe(permits)
  let latency: number | undefined
  return {
    limiter,
    around: semaphore.withPermits(1),
    permits: () => permits,
    observe: (millis) =>
      Effect.suspend(() => {
        // An average that follows a change within a few responses without jumping at one outlier.
        latency = latency === undefined ? millis : latency * 0.8 + millis * 0.2
        const target = boundFor(limiter.requestsPerSecond, latency)
        if (target === permits) return Effect.void
        permits = target
        return semaphore.resize(target)
      })
  }
}
