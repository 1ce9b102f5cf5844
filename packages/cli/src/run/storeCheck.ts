/**
 * `check --store`: the same check, through the result store. Fresh numbers are answered from the
 * store (source `stored`, with their age) and not sent; the rest are claimed, checked and written
 * in batches; over-budget ones (with a budget flag) are `deferred`. `run/check.ts` asks this
 * module for the records, the columns, the summary line and the store around the run.
 *
 * @since 0.2.0
 */
import { type Check, type Errors, type ResultStore, StoredCheck, type Transport } from "@wa-contacts/core"
import { type Duration, Effect, Option, Stream } from "effect"
import { Exit, usage } from "../ExitCode.ts"
import type * as Input from "../Input.ts"
import type * as Output from "../Output.ts"
import { count } from "../Progress.ts"
import { type StoreInput, withStore } from "./store.ts"
import { type BudgetInput, budgetOf, recordsOf, STORED_COLUMNS, storedRecordOf } from "./storeRecords.ts"

/** The flags `check` gets for the store. */
export interface StoreCheckInput extends StoreInput, BudgetInput {
  readonly maxAge: Option.Option<Duration.Duration>
}

/** A check through the store, as `run/check.ts` uses it. */
export interface ThroughStore {
  readonly columns: ReadonlyArray<Output.Column>
  /** The records of `inputs` (each with its input item), one per input, in order. */
  readonly rows: <E, R>(
    inputs: Stream.Stream<readonly [string, Input.InputItem], E, R>,
    options: Check.CheckStreamOptions
  ) => Stream.Stream<Output.Row, E | Errors.ContactsError | ResultStore.StoreError, R | Transport.Transport | ResultStore.ResultStore>
  /** Run the writing with the store open; store failures become exits. */
  readonly around: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, Exit | Exclude<E, ResultStore.StoreError>, Exclude<R, ResultStore.ResultStore>>
  /** The summary line about the store. */
  readonly summary: () => string
}

/**
 * The check through the store the flags ask for: `undefined` without `--store` (a budget flag
 * without it is a usage error), an `Exit` for flags that cannot work together.
 */
export const throughStore = (input: StoreCheckInput): ThroughStore | Exit | undefined => {
  const budget = budgetOf(input, false)
  if (budget instanceof Exit) return budget
  if (Option.isNone(input.store)) {
    return budget === false && Option.isNone(input.maxAge) ? undefined : usage("--max-age and the budget flags of check need --store")
  }
  const counts = StoredCheck.emptyCounts()
  const storeOptions: StoredCheck.StoreCheckOptions = { maxAge: Option.getOrUndefined(input.maxAge), budget }
  return {
    columns: STORED_COLUMNS,
    rows: (inputs, options) =>
      recordsOf(
        StoredCheck.checkPairedThroughStore(inputs, { ...options, store: storeOptions }, counts),
        ([result, item], now) => storedRecordOf(result, item, now)
      ),
    around: (effect) => withStore(input, effect),
    summary: () =>
      `store: ${count(counts.stored)} answered from the store, ${count(counts.checked)} checked and stored` +
      (counts.deferred > 0 ? `, ${count(counts.deferred)} deferred by the budget (not sent, still due)` : "") +
      (counts.changed > 0 ? `, ${count(counts.changed)} changed since stored` : "")
  }
}

/**
 * Run the writing of a check with the store open when there is one. Without a store the records
 * neither need the store nor fail with its errors, which the types cannot see: hence the cast.
 */
export const aroundStore = <A, E, R>(
  through: ThroughStore | undefined,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exit | Exclude<E, ResultStore.StoreError>, Exclude<R, ResultStore.ResultStore>> =>
  through === undefined ? (effect as Effect.Effect<A, Exclude<E, ResultStore.StoreError>, Exclude<R, ResultStore.ResultStore>>) : through.around(effect)
