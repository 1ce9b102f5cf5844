/**
 * Faults injected on demand: the next N requests overloaded, malformed, dropped or slow, a
 * lookup failure rate (drawn from a seeded PRNG), the lookup latency and the rate limit.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { RateLimit } from "./SimulatorConfig.ts"

/** The fault switches, as `POST /_simulator/faults` takes them (every key optional). */
export const FaultsPatchJson = Schema.Struct({
  rate_limit: Schema.optionalKey(Schema.Union([
    Schema.Struct({
      rps: Schema.Finite.check(Schema.isGreaterThan(0)),
      burst: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(1))
    }),
    Schema.Literal(false)
  ])),
  overloaded_next: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  malformed_next: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  dropped_next: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  slow_next: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  slow_ms: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  lookup_failure_rate: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))),
  lookup_latency_ms: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})
/** The JSON form of a faults patch. */
export type FaultsPatchJson = typeof FaultsPatchJson.Type

/** The fault switches in effect. */
export interface Faults {
  /** The rate limit of `/v1/contacts…`, or `false` for none. */
  readonly rateLimit: RateLimit | false
  /** The next N `/v1` requests get 503 / 1016. */
  readonly overloadedNext: number
  /** The next N `/v1` requests get a malformed body: an HTML page, truncated JSON, an empty 502, in turn. */
  readonly malformedNext: number
  /** The next N `/v1` requests lose their connection without a response. */
  readonly droppedNext: number
  /** The next N `/v1` requests are answered after `slowMs`. */
  readonly slowNext: number
  readonly slowMs: number
  /** Share of lookups that end `failed` (0..1). */
  readonly lookupFailureRate: number
  /** How long a lookup takes. */
  readonly lookupLatencyMs: number
}

/** A change to some of the switches. */
export type FaultsPatch = Partial<Faults>

/** Apply a patch. */
export const applyPatch = (faults: Faults, patch: FaultsPatch): Faults => ({ ...faults, ...patch })

/** Convert the JSON form to a patch. */
export const fromJson = (json: FaultsPatchJson): FaultsPatch => {
  const patch: { -readonly [K in keyof Faults]?: Faults[K] } = {}
  if (json.rate_limit !== undefined) patch.rateLimit = json.rate_limit
  if (json.overloaded_next !== undefined) patch.overloadedNext = json.overloaded_next
  if (json.malformed_next !== undefined) patch.malformedNext = json.malformed_next
  if (json.dropped_next !== undefined) patch.droppedNext = json.dropped_next
  if (json.slow_next !== undefined) patch.slowNext = json.slow_next
  if (json.slow_ms !== undefined) patch.slowMs = json.slow_ms
  if (json.lookup_failure_rate !== undefined) patch.lookupFailureRate = json.lookup_failure_rate
  if (json.lookup_latency_ms !== undefined) patch.lookupLatencyMs = json.lookup_latency_ms
  return patch
}

/** The switches in effect as JSON (what `POST /_simulator/faults` answers): every key of {@link FaultsPatchJson}. */
export const FaultsJson = Schema.Struct({
  rate_limit: Schema.Union([Schema.Struct({ rps: Schema.Finite, burst: Schema.Finite }), Schema.Literal(false)]),
  overloaded_next: Schema.Int,
  malformed_next: Schema.Int,
  dropped_next: Schema.Int,
  slow_next: Schema.Int,
  slow_ms: Schema.Int,
  lookup_failure_rate: Schema.Finite,
  lookup_latency_ms: Schema.Int
})
/** The JSON form of the switches in effect. */
export type FaultsJson = typeof FaultsJson.Type

/** The answer of `POST /_simulator/faults`. */
export const FaultsAnswer = Schema.Struct({ faults: FaultsJson })

/** The JSON form of the switches in effect (what `POST /_simulator/faults` answers). */
export const toJson = (faults: Faults): FaultsJson => ({
  rate_limit: faults.rateLimit,
  overloaded_next: faults.overloadedNext,
  malformed_next: faults.malformedNext,
  dropped_next: faults.droppedNext,
  slow_next: faults.slowNext,
  slow_ms: faults.slowMs,
  lookup_failure_rate: faults.lookupFailureRate,
  lookup_latency_ms: faults.lookupLatencyMs
})
