/**
 * Contact checks (spec §2): lookups that take time, the 7-day result cache keyed by translated
 * number, and the statuses a legacy or repurposed server answers with.
 *
 * @internal
 */
import { digitsWaId } from "./ServerTranslation.ts"

/** How long a finished lookup is answered from the cache. */
export const cacheTtlMs = 7 * 24 * 60 * 60 * 1000

/** What a lookup finds out, decided when it starts (the directory as it was then). */
export type Outcome =
  | { readonly _tag: "User"; readonly waId: string }
  | { readonly _tag: "NotUser" }
  | { readonly _tag: "Failed" }

/** One lookup of one translated number. */
export interface Lookup {
  readonly number: string
  readonly readyAt: number
  readonly outcome: Outcome
}

/** A status as it appears on the wire. */
export type Status = "processing" | "valid" | "invalid" | "failed"

/** One entry of a check response. */
export interface ContactResult {
  readonly input: string
  readonly status: Status
  readonly wa_id?: string
}

/** The result cache and the lookups in flight, keyed by translated number. */
export class LookupCache {
  readonly #entries = new Map<string, Lookup>()

  /**
   * The lookup that answers for `number` now: one in flight is joined (even with `force_check`,
   * the server does not start the same lookup twice); a finished one younger than 7 days is
   * reused unless `forceCheck`; otherwise a new one starts, finishing `latencyMs` from now.
   */
  lookup(number: string, now: number, options: {
    readonly forceCheck: boolean
    readonly latencyMs: number
    readonly start: () => Outcome
  }): Lookup {
    const existing = this.#entries.get(number)
    if (existing !== undefined) {
      if (now < existing.readyAt) return existing
      if (!options.forceCheck && now < existing.readyAt + cacheTtlMs) return existing
    }
    const started: Lookup = { number, readyAt: now + Math.max(0, options.latencyMs), outcome: options.start() }
    this.#entries.set(number, started)
    return started
  }

  /**
   * A failed lookup is reported once and then forgotten, so that the next check tries again
   * instead of serving a failure from the cache for a week.
   */
  forgetFailed(lookup: Lookup): void {
    if (lookup.outcome._tag === "Failed" && this.#entries.get(lookup.number) === lookup) {
      this.#entries.delete(lookup.number)
    }
  }

  /** Finished results that are still in the cache window. */
  cachedCount(now: number): number {
    let n = 0
    for (const entry of this.#entries.values()) {
      if (now >= entry.readyAt && now < entry.readyAt + cacheTtlMs) n++
    }
    return n
  }

  /** Drop results older than the cache window (called now and then to bound memory). */
  sweep(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (now >= entry.readyAt + cacheTtlMs) this.#entries.delete(key)
    }
  }
}

/**
 * The wire entry for one input. Legacy: users `valid` with their wa_id, others `invalid`.
 * Repurposed: every finished lookup `valid` with a wa_id made of the translated number's digits,
 * which need not be the user's real wa_id. A `processing` entry already carries the wa_id the
 * final answer will carry, as in the vendor's sample.
 */
export const render = (input: string, lookup: Lookup, now: number, legacy: boolean): ContactResult => {
  const { outcome } = lookup
  if (outcome._tag === "Failed") return now < lookup.readyAt ? { input, status: "processing" } : { input, status: "failed" }
  const waId = legacy
    ? (outcome._tag === "User" ? outcome.waId : undefined)
    : digitsWaId(lookup.number)
  const status: Status = now < lookup.readyAt ? "processing" : (waId === undefined ? "invalid" : "valid")
  return waId === undefined ? { input, status } : { input, status, wa_id: waId }
}
