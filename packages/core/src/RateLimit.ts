/**
 * A client-side request limiter, so that a bulk check never provokes 429s. The server allows 20
 * requests/s with bursts of 60 (spec §1), but a client cannot see how full the server's bucket is:
 * another client (or the previous run) may just have emptied it. So the default pacing
 * ({@link PACED}) assumes an empty bucket — no burst at start, the first request one interval in —
 * and never gets ahead of a schedule a little under 20/s, so that every request finds a token
 * whatever happened before.
 *
 * A reservation-based token bucket (the generic cell rate algorithm) on effect's `Clock`: each
 * request reserves the next free slot synchronously, then sleeps until it, so concurrent senders
 * queue fairly and `TestClock` drives it in tests. A `Retry-After` from the server pushes every
 * later slot back ({@link RateLimiter.pause}).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { documentedRateLimit } from "./Protocol.ts"

/** Limiter settings. */
export interface RateLimitOptions {
  readonly requestsPerSecond: number
  /** Requests allowed back to back once the client has been idle long enough. */
  readonly burst: number
  /**
   * Requests allowed back to back at the start (default `burst`). `0` assumes the server's bucket
   * is empty when the client starts: the first request waits one interval.
   */
  readonly initialBurst?: number | undefined
  /**
   * Extra milliseconds before the first slot when the bucket is assumed empty (`initialBurst: 0`):
   * a server that reads its clock in whole milliseconds may see an interval up to 1 ms short.
   */
  readonly startMargin?: number | undefined
}

/** The vendor's documented limit for every non-message endpoint: what the server enforces. */
export const DOCUMENTED: RateLimitOptions = documentedRateLimit

/**
 * The client's default pacing: 19.9 requests/s (0.5 % under the documented 20/s), starting as if
 * the server's bucket were empty: the first request one interval and a 10 ms margin in. Request k
 * never leaves before `start + 10 ms + (k + 1) / 19.9 s`, so a server bucket that was empty at the
 * start has a token for every request, whatever another client did before; the margin covers a
 * server clock in whole milliseconds, and the 0.5 % grows the server's spare tokens with every
 * request. A `burst` of 20 lets requests that were late (a busy event loop, a stalled response
 * holding a permit) catch up with that schedule, never get ahead of it.
 */
export const PACED: RateLimitOptions = {
  requestsPerSecond: documentedRateLimit.requestsPerSecond * 0.995,
  burst: 20,
  initialBurst: 0,
  startMargin: 10
}

/** Something that makes a request wait its turn. */
export interface RateLimiter {
  /** Wait for the next slot. */
  readonly take: Effect.Effect<void>
  /** The server asked for a pause (`Retry-After`): no slot starts before `millis` from now. */
  readonly pause: (millis: number) => Effect.Effect<void>
  /** Requests per second this limiter allows (`Infinity` for none). */
  readonly requestsPerSecond: number
}

/** No limit. */
export const unlimited: RateLimiter = { take: Effect.void, pause: () => Effect.void, requestsPerSecond: Number.POSITIVE_INFINITY }

// Sub-millisecond time: slots 51.28 ms apart must not be rounded to whole milliseconds.
const nowMillis = Effect.clockWith((clock) => Effect.succeed(Number(clock.currentTimeNanosUnsafe()) / 1e6))

/** A limiter of `requestsPerSecond` with `burst` requests allowed back to back. */
export const make = (options: RateLimitOptions): RateLimiter => {
  const interval = 1000 / options.requestsPerSecond
  const burst = Math.max(1, options.burst)
  const tolerance = (burst - 1) * interval
  const initial = Math.min(burst, Math.max(0, options.initialBurst ?? burst))
  const margin = initial === 0 ? Math.max(0, options.startMargin ?? 0) : 0
  // Generic cell rate algorithm: `tat` is when the bucket would be full again; a request may go
  // when `tat - tolerance <= now`. Unset until the first request, which fixes the start.
  let tat: number | undefined
  // A pause moves every slot already handed out by `shift`; `resumeAt` ends the current pause.
  let shift = 0
  let resumeAt = Number.NEGATIVE_INFINITY
  // Sleep until `slot` (moved by any pause since it was reserved), again if a timer fired early
  // or a pause came meanwhile: a request never leaves before its slot. Within a microsecond
  // counts as reached: clocks in nanoseconds round the fractions.
  const sleepUntil = (slot: number, shiftAtReserve: number): Effect.Effect<void> =>
    Effect.flatMap(nowMillis, (now) => {
      const at = slot + shift - shiftAtReserve
      return now >= at - 0.001 ? Effect.void : Effect.andThen(Effect.sleep(at - now), sleepUntil(slot, shiftAtReserve))
    })
  return {
    requestsPerSecond: options.requestsPerSecond,
    take: Effect.flatMap(nowMillis, (now) => {
      // An initial burst of k leaves the bucket as if `burst - k` requests had just gone.
      const current = Math.max(tat ?? now + margin + (burst - initial) * interval, now)
      const slot = current - tolerance
      tat = current + interval
      return slot > now ? sleepUntil(slot, shift) : Effect.void
    }),
    pause: (millis) =>
      Effect.map(nowMillis, (now) => {
        // Several requests refused at once ask for the same pause: it is taken once.
        const until = now + millis
        if (until <= resumeAt) return
        const delta = until - Math.max(resumeAt, now)
        resumeAt = until
        shift += delta
        // After the pause the bucket counts as empty: requests resume at the rate, without a burst.
        tat = Math.max(Math.max(tat ?? now, now) + delta, until + tolerance)
      })
  }
}
