/**
 * Running an effect under `TestClock` to its end: fork it, then move the clock in small steps until
 * it is done. One big `TestClock.adjust` is not enough when fibers reach their next sleep only
 * after the adjustment returned (a rate limiter's queue, a stream's next batch): such a sleep would
 * wait for a clock that no longer moves.
 */
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"

/** Run `effect` to its end, moving the test clock by `step` ms at a time, for at most `limit` ms. */
export const runClocked = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly step?: number; readonly limit?: number } = {}
): Effect.Effect<A, E | Error, R> =>
  Effect.gen(function*() {
    const step = options.step ?? 10
    const limit = options.limit ?? 600_000
    let done = false
    const fiber = yield* Effect.forkChild(effect.pipe(Effect.ensuring(Effect.sync(() => (done = true)))))
    yield* Effect.yieldNow
    for (let elapsed = 0; !done && elapsed < limit; elapsed += step) {
      yield* TestClock.adjust(step)
    }
    if (!done) {
      yield* Fiber.interrupt(fiber)
      return yield* Effect.fail(new Error(`not done after ${limit} ms of test clock`))
    }
    return yield* Fiber.join(fiber)
  })
