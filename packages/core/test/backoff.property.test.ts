/**
 * Issue #11 item 3: back-off never exceeds its cap, with or without jitter, and the gaps between
 * attempts on the clock never exceed it either — exact comparisons, no float tolerance, over many
 * seeds, base delays and caps.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Random, Schedule } from "effect"
import fc from "fast-check"
import { Config, Contacts, Errors, Policy } from "@wa-contacts/core"
import { runClocked } from "./support/Clocked.ts"
import { apiError, fromFunction } from "./support/ScriptedTransport.ts"

const RUNS = process.env["WA_FULL"] === "1" ? 2_000 : 300
const overloaded = new Errors.Overloaded({ status: 503, code: 1016, title: "System overloaded", details: "" })

/** The delays the retry schedule gives for `attempts` consecutive transient failures. */
const delaysOf = (schedule: ReturnType<typeof Policy.retrySchedule>, attempts: number, seed: number) =>
  Effect.runSync(
    Effect.gen(function*() {
      const step = yield* Schedule.toStep(schedule)
      const delays: Array<number> = []
      for (let i = 0; i < attempts; i++) {
        const exit = yield* Effect.exit(step(0, overloaded))
        if (Exit.isFailure(exit)) break
        delays.push(Duration.toMillis(exit.value[1]))
      }
      return delays
    }).pipe(Random.withSeed(seed))
  )

describe("back-off stays within its cap (issue #11 item 3)", () => {
  it("every delay is whole milliseconds and <= maxDelay, for any seed, base and cap", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 1, max: 2_000, noNaN: true }),
        fc.double({ min: 1, max: 10_000, noNaN: true }),
        (seed, base, cap) => {
          const maxDelay = Math.round(cap)
          const schedule = Policy.retrySchedule("idempotent", { times: 12, baseDelay: Duration.millis(base), maxDelay: Duration.millis(cap) })
          const delays = delaysOf(schedule, 12, seed)
          expect(delays).toHaveLength(12)
          for (const delay of delays) {
            expect(Number.isInteger(delay)).toBe(true)
            expect(delay).toBeLessThanOrEqual(maxDelay)
          }
        }
      ),
      { numRuns: RUNS }
    )
  })

  it("a delay at the cap is the cap exactly, not a rounding error above it", () => {
    // 1000 ms × up to 1.2 of jitter, capped at 1 s: every delay after the first few is exactly 1000.
    for (let seed = 0; seed < 200; seed++) {
      const schedule = Policy.retrySchedule("idempotent", { times: 8, baseDelay: "1 second", maxDelay: "1 second" })
      for (const delay of delaysOf(schedule, 8, seed)) expect(delay).toBeLessThanOrEqual(1_000)
    }
  })

  it.effect("the gaps between requests on the clock never exceed the cap, over many seeds", () =>
    Effect.gen(function*() {
      for (let seed = 0; seed < 40; seed++) {
        const scripted = fromFunction(() => apiError(503, 1016, "System overloaded"))
        yield* runClocked(
          Contacts.unblock("+16315551000").pipe(
            Effect.provide(scripted.layer),
            Effect.provideService(Config.ContactsConfig, { retry: { times: 6, baseDelay: "137.3 millis", maxDelay: "1 second" } }),
            Effect.exit,
            Random.withSeed(seed)
          ),
          { step: 1 }
        )
        const times = scripted.requests.map((r) => r.at)
        expect(times).toHaveLength(7)
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(1_000)
      }
    }))

  it("a Retry-After longer than the cap still wins", () => {
    const limited = new Errors.RateLimited({ status: 429, code: 1015, title: "Too many requests", details: "", retryAfterMillis: 3_000 })
    const delay = Effect.runSync(
      Effect.gen(function*() {
        const step = yield* Schedule.toStep(Policy.retrySchedule("idempotent", { maxDelay: "1 second" }))
        const [, d] = yield* step(0, limited)
        return Duration.toMillis(d)
      })
    )
    expect(delay).toBe(3_000)
  })
})
