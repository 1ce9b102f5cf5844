/**
 * The documented rate limit of non-message endpoints (20 requests/s, bursts of 60) as a token
 * bucket on the simulator's clock.
 *
 * @internal
 */
import type { RateLimit } from "../SimulatorConfig.ts"

/** The verdict for one request. */
export type Verdict =
  | { readonly _tag: "Allowed" }
  | { readonly _tag: "Limited"; readonly retryAfterSeconds: number }

/** A token bucket that starts full. */
export class TokenBucket {
  #limit: RateLimit
  #tokens: number
  #updatedAt: number

  constructor(limit: RateLimit, now: number) {
    this.#limit = limit
    this.#tokens = limit.burst
    this.#updatedAt = now
  }

  /** The current limit. */
  get limit(): RateLimit {
    return this.#limit
  }

  /** Take one token for a request at `now`, or say how long until one is available. */
  take(now: number): Verdict {
    const { rps, burst } = this.#limit
    const elapsed = Math.max(0, now - this.#updatedAt)
    this.#tokens = Math.min(burst, this.#tokens + (elapsed * rps) / 1000)
    this.#updatedAt = Math.max(this.#updatedAt, now)
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return { _tag: "Allowed" }
    }
    // Retry-After is in whole seconds; never 0, which a client would read as "retry at once".
    const waitMs = rps > 0 ? ((1 - this.#tokens) * 1000) / rps : 60_000
    return { _tag: "Limited", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
  }
}
