/**
 * Looking after a result store without checking: record the messages sent (the budget's other
 * half), add numbers to keep validated, read its state, export it, prune it. Times come from
 * effect's `Clock`; the rules (fresh vs due, the budget) from `StoreRules` and `Budget`.
 *
 * @since 0.2.0
 */
import { type Duration, Effect, Stream } from "effect"
import type { NonEmptyArray } from "effect/Array"
import * as Budget from "./Budget.ts"
import { ContactsConfig } from "./ContactsConfig.ts"
import { InputError } from "./Errors.ts"
import { phoneProblem } from "./Input.ts"
import { type Pruned, ResultStore, type StoredNumber, type StoredStatus, type StoreError } from "./ResultStore.ts"
import * as StoreRules from "./StoreRules.ts"
import { type Translation, Translator } from "./Translation.ts"

const now = Effect.clockWith((c) => c.currentTimeMillis)

/**
 * Record `count` messages sent by the application (a positive integer), now. The budget allows as
 * many checks in its window as messages recorded in it (times its ratio).
 */
export const recordMessages = Effect.fn("recordMessages")(function*(count: number) {
  if (!Number.isSafeInteger(count) || count <= 0) {
    return yield* new InputError({ field: "count", input: String(count).slice(0, 40), message: `a count of messages must be a positive integer, got ${String(count).slice(0, 40)}` })
  }
  const store = yield* ResultStore
  yield* store.recordMessages(count, yield* now)
})

/** What an import did. */
export interface ImportCounts {
  /** Inputs read. */
  inputs: number
  /** Distinct numbers new to the store. */
  added: number
  /** Distinct numbers the store already had. */
  known: number
  /** Inputs not added: not a phone number, or no translated number known (no `+` and no registered number). */
  skipped: number
}

/** An input `importNumbers` could not add, and why. */
export interface Skipped {
  readonly input: string
  readonly reason: string
}

const BATCH = 1_000

/**
 * Add numbers to the store without checking them (`store import`): each input is translated as a
 * check would translate it (the registered number from `ContactsConfig`), de-duplicated, and added
 * in batches; they are due at once. Emits the inputs it could not add, with the reason; `counts`
 * is updated as it goes.
 */
export const importNumbers = <E, R>(
  inputs: Stream.Stream<string, E, R>,
  counts: ImportCounts = { inputs: 0, added: 0, known: 0, skipped: 0 }
): Stream.Stream<Skipped, E | StoreError, R | ResultStore> =>
  Stream.unwrap(Effect.gen(function*() {
    const store = yield* ResultStore
    const config = yield* ContactsConfig
    const translator = new Translator(config.registeredNumber)
    const addBatch = (batch: ReadonlyArray<Translation | Skipped>) =>
      Effect.gen(function*() {
        const numbers = [...new Set(batch.flatMap((t) => ("translated" in t && t.translated !== undefined ? [t.translated] : [])))]
        const added = numbers.length === 0 ? 0 : yield* store.add(numbers, yield* now)
        counts.added += added
        counts.known += numbers.length - added
        return batch.filter((t): t is Skipped => "reason" in t)
      })
    return inputs.pipe(
      Stream.map((input): Translation | Skipped => {
        counts.inputs++
        const problem = phoneProblem(input)
        const translation = problem === undefined ? translator.translate(input) : undefined
        if (translation?.translated === undefined) {
          counts.skipped++
          return { input, reason: problem ?? "has no `+` and no registered number is configured, so its translation is unknown" }
        }
        return translation
      }),
      Stream.grouped(BATCH),
      Stream.mapEffect(addBatch),
      // One chunk per batch (`flattenIterable` makes a stream of each).
      Stream.filter((skipped): skipped is NonEmptyArray<Skipped> => skipped.length > 0),
      Stream.flattenArray
    )
  }))

/** The state of a store, for `store stats`. */
export interface StoreStats {
  /** Numbers in the store. */
  readonly numbers: number
  /** Numbers never checked (imported). */
  readonly unchecked: number
  /** Results per raw status. */
  readonly byStatus: Readonly<Record<StoredStatus, number>>
  /** Results younger than `maxAge`: answered from the store. */
  readonly fresh: number
  /** Numbers due for a check: never checked, or older than `maxAge`. */
  readonly due: number
  /** Results by age: younger than 1 day, 7 days, 30 days, and older. */
  readonly byAge: { readonly day: number; readonly week: number; readonly month: number; readonly older: number }
  /** The ledger in the budget's window. */
  readonly ledger: { readonly checks: number; readonly messages: number }
  /** Checks the ledger rule still allows in the window (messages × ratio − checks, never negative). */
  readonly budgetLeft: number
  /** History rows (changes recorded). */
  readonly changes: number
}

const DAY = 86_400_000

/** Count the store's numbers by status and age, and the budget left. */
export const stats = Effect.fn("stats")(function*(options: { readonly maxAge?: Duration.Input | undefined; readonly budget?: Budget.BudgetOptions | undefined } = {}) {
  const store = yield* ResultStore
  const at = yield* now
  const budget = Budget.make(options.budget)
  const threshold = StoreRules.dueThreshold(at, StoreRules.maxAgeMillis(options.maxAge))
  const s = yield* store.summary({ checkedSince: [threshold, at - DAY, at - 7 * DAY, at - 30 * DAY], ledgerSince: at - budget.windowMillis })
  const [fresh = 0, day = 0, week = 0, month = 0] = s.checkedSince
  const checked = s.numbers - s.unchecked
  return {
    numbers: s.numbers,
    unchecked: s.unchecked,
    byStatus: s.byStatus,
    fresh,
    due: s.numbers - fresh,
    byAge: { day, week: week - day, month: month - week, older: checked - month },
    ledger: s.ledger,
    budgetLeft: Math.max(0, Math.floor(s.ledger.messages * budget.ratio) - s.ledger.checks),
    changes: s.historyRows
  } satisfies StoreStats
})

/** Remove results checked (and numbers added and never checked) longer ago than `olderThan`, their history, and older ledger entries. */
export const prune = Effect.fn("prune")(function*(olderThan: Duration.Input) {
  const store = yield* ResultStore
  const before = (yield* now) - StoreRules.maxAgeMillis(olderThan)
  return (yield* store.prune(before)) satisfies Pruned
})

/** Every number of the store with its current result, ordered by number. */
export const exportAll: Stream.Stream<StoredNumber, StoreError, ResultStore> = Stream.unwrap(
  Effect.gen(function*() {
    return (yield* ResultStore).export
  })
)
