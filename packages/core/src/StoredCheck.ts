/**
 * Checks through the result store (`ResultStore`): a bulk check that answers fresh numbers from
 * the store without sending them, claims and checks the due ones, writes their results in
 * batches atomically, and keeps the ledger of checks; and the re-validation of what is due.
 *
 * Still exactly one result per input, in input order. The store is the resume point: a run that
 * stops (a crash, Ctrl-C) loses at most the groups in flight, and running it again sends only what
 * was not yet written. Processes sharing a store (PostgreSQL) check a due number once: the first
 * to claim it checks it, the others wait for its result (or for its claim to lapse).
 *
 * @since 0.2.0
 */
import { Effect, Ref, Schema, Stream } from "effect"
import * as BudgetRules from "./Budget.ts"
import { checkWithSeam, type CheckStreamOptions, type GroupSeam, streamOf } from "./Check.ts"
import type { Prepared } from "./internal/Prepare.ts"
import type { ContactsError } from "./Errors.ts"
import type { CheckResult, Outcome } from "./CheckResult.ts"
import { type Change, ResultStore, type StoredResult, type StoreError } from "./ResultStore.ts"
import * as StoreRules from "./StoreRules.ts"
import { Transport } from "./Transport.ts"
import type { TranslatedNumber, Warning } from "./Translation.ts"
import type { Semantics } from "./ApiVersion.ts"
import type { Answer } from "./internal/AnswerTable.ts"
import * as StoreGate from "./internal/StoreGate.ts"

export type { StoreCheckOptions } from "./internal/StoreGate.ts"

/** Where the answer of an input came from. */
export type Provenance =
  /** Answered from the store without sending: its result is `age` ms old. */
  | { readonly _tag: "Stored"; readonly checkedAt: number; readonly age: number }
  /**
   * Sent now. `change` compares with the stored result `previous` (`new` when there was none),
   * and `checkedAt` is the time the new result was stored with (its `checked_at`); both
   * `undefined` when the result was not stored (still processing, missing from the answer).
   */
  | {
    readonly _tag: "Checked"
    readonly change: Change | undefined
    readonly previous: StoredResult | null
    readonly checkedAt?: number | undefined
  }
  /** Not a number the store keeps: rejected before sending, or no translated number known. */
  | { readonly _tag: "NotStored" }
  /** The same number as an earlier input: answered with it. */
  | { readonly _tag: "Duplicate" }

/**
 * An input the budget kept from being sent: not lost, it stays due for the next run. `previous`
 * is its stored result, if any.
 */
export interface Deferred {
  readonly _tag: "Deferred"
  readonly input: string
  readonly translated: TranslatedNumber | undefined
  readonly warnings: ReadonlyArray<Warning>
  readonly semantics: Semantics
  readonly reason: string
  readonly previous: StoredResult | null
}

/** One result of a check through the store: a check result with where it came from, or deferred. */
export type StoredCheckResult = (CheckResult & { readonly store: Provenance }) | Deferred

/** Whether a result was deferred by the budget. */
export const isDeferred = (result: StoredCheckResult): result is Deferred => result._tag === "Deferred"

/** Options of a check through the store. */
export interface StoredCheckOptions extends CheckStreamOptions {
  readonly store?: StoreGate.StoreCheckOptions | undefined
}

/** Inputs known to be distinct numbers (re-validation): no memory of deferred numbers is needed. */
interface Internal {
  readonly distinct?: boolean
}

/** What a run through the store did, for its summary. */
export interface StoreRunCounts {
  /** Inputs answered from the store. */
  stored: number
  /** Distinct numbers sent and answered. */
  checked: number
  /** Inputs deferred by the budget. */
  deferred: number
  /** Results written that differ from the stored ones (`new` excluded). */
  changed: number
  /**
   * Numbers sent in check requests, re-sends included: what the ledger was charged, less attempts
   * that never reached the server (a claim charges before sending, so the ledger may hold more).
   */
  sent: number
}

/** Fresh counters. */
export const emptyCounts = (): StoreRunCounts => ({ stored: 0, checked: 0, deferred: 0, changed: 0, sent: 0 })

// What the check's memory holds for a deferred number; the output turns it into a `Deferred`.
const deferredPlaceholder: Outcome = { _tag: "Failed", cause: "missing", detail: "deferred by the check budget" }

/** Where the answer of an input came from, as the seam notes it on the input on the way. */
type Note = Provenance | { readonly _tag: "Deferred"; readonly reason: string; readonly previous: StoredResult | null }

// `result` is the check's own, made for this input alone: the provenance is added to it in place
// (a copy per input was a tenth of what a run answered from the store allocated).
const toOutput = (result: CheckResult, noted: Note | undefined, deferred: ReadonlyMap<string, { readonly reason: string; readonly previous: StoredResult | null }>): StoredCheckResult => {
  const note = noted ?? (result.translated !== undefined && deferred.has(result.translated)
    ? { _tag: "Deferred" as const, ...deferred.get(result.translated)! }
    : result.translated === undefined || (result._tag === "Failed" && result.cause === "rejected")
    ? { _tag: "NotStored" as const }
    : { _tag: "Duplicate" as const })
  if (note._tag === "Deferred") {
    const { input, translated, warnings, semantics } = result
    return { _tag: "Deferred", input, translated, warnings, semantics, reason: note.reason, previous: note.previous }
  }
  const out = result as CheckResult & { store: Provenance }
  out.store = note
  return out
}

/**
 * `checkStream` through the store in context, with a payload per input (a line number, a row):
 * each result comes out paired with its own input's payload, in input order. `counts`, when given,
 * is updated as results are emitted.
 */
export const checkPairedThroughStore = <P, E = never, R = never>(
  inputs: Stream.Stream<readonly [input: string, payload: P], E, R>,
  options: StoredCheckOptions & Internal = {},
  counts: StoreRunCounts = emptyCounts()
): Stream.Stream<readonly [StoredCheckResult, P], ContactsError | StoreError | E, Transport | ResultStore | R> =>
  throughStore(
    inputs,
    ([input]) => input,
    (out, [, payload]) => [out, payload] as const,
    (pair) => pair[0],
    options,
    counts
  )

/**
 * The check through the store of `items` (`inputOf` reads the input), each emitted as `emitted`
 * makes it (`resultOf` reads the result back): a result alone or paired, without a tuple in and
 * out for every input.
 */
const throughStore = <T, X, E, R>(
  items: Stream.Stream<T, E, R>,
  inputOf: (item: T) => string,
  emitted: (out: StoredCheckResult, item: T) => X,
  resultOf: (x: X) => StoredCheckResult,
  options: StoredCheckOptions & Internal,
  counts: StoreRunCounts
): Stream.Stream<X, ContactsError | StoreError | E, Transport | ResultStore | R> =>
  Stream.unwrap(Effect.gen(function*() {
    const gate = yield* StoreGate.make(options.store ?? {})
    const forceCheck = options.forceCheck ?? false
    // Numbers deferred by the budget, to answer later inputs of the same number alike. Small: the
    // budget defers only what it cannot send, and each number once.
    const deferred = new Map<string, { readonly reason: string; readonly previous: StoredResult | null }>()

    /**
     * One round over the storable first inputs of a group: answer the fresh, defer what the
     * budget refuses, send and write the rest; answers the inputs whose number another run is
     * checking (to be planned again once this round has released its own claims).
     */
    const round = (
      firsts: ReadonlyArray<Prepared<T, Note>>,
      unstored: ReadonlyArray<string>,
      resolve: (inputs: ReadonlyArray<string>) => Effect.Effect<Map<string, Answer>, ContactsError, Transport>,
      answers: Map<string, Answer>
    ) =>
      Effect.gen(function*() {
        const plan = yield* gate.plan(firsts.map((f) => f.translation.translated!), forceCheck)
        const at = yield* Effect.clockWith((c) => c.currentTimeMillis)
        const toSend: Array<string> = [...unstored]
        const inputOf = new Map<string, string>()
        const waiting: Array<Prepared<T, Note>> = []
        for (let i = 0; i < firsts.length; i++) {
          const f = firsts[i]!
          const translated = f.translation.translated!
          const fresh = plan.fresh[i]
          if (fresh !== undefined) {
            // Answered here, not through the map the seam returns: most inputs of a list checked
            // again are answered from the store.
            f.answer = { outcome: StoreRules.outcomeOf(fresh), semantics: fresh.semantics }
            f.note = { _tag: "Stored", checkedAt: fresh.checked_at, age: StoreRules.ageOf(fresh, at) }
            continue
          }
          const later = plan.deferred.get(translated)
          if (later !== undefined) {
            if (options.distinct !== true) deferred.set(translated, later)
            f.answer = { outcome: deferredPlaceholder, semantics: later.previous?.semantics ?? "unknown" }
            f.note = { _tag: "Deferred", ...later }
          } else if (plan.send.has(translated)) {
            inputOf.set(translated, f.translation.input)
            toSend.push(f.translation.input)
          } else waiting.push(f)
        }
        const sent = toSend.length === 0 ? new Map<string, Answer>() : yield* resolve(toSend).pipe(
          Effect.onError(() => gate.abandon(plan).pipe(Effect.ignore))
        )
        // Written before any of the group is emitted: what was output is in the store.
        const { changes, at: storedAt } = yield* gate.commit(plan, (number) => sent.get(inputOf.get(number)!))
        for (const f of firsts) {
          const translated = f.translation.translated!
          if (plan.send.has(translated)) {
            const change = changes.get(translated)
            f.note = {
              _tag: "Checked",
              change,
              previous: plan.send.get(translated) ?? null,
              checkedAt: change === undefined ? undefined : storedAt
            }
          }
        }
        for (const [input, answer] of sent) answers.set(input, answer)
        const lapse = Math.min(...waiting.map((f) => plan.held.get(f.translation.translated!) ?? Infinity))
        return { waiting, wait: Math.max(1, lapse - at) }
      })

    const seam: GroupSeam<T, StoreError, never, Note> = (firsts, resolve) =>
      Effect.gen(function*() {
        const answers = new Map<string, Answer>()
        const unstored: Array<string> = []
        let storable: ReadonlyArray<Prepared<T, Note>> = []
        for (const f of firsts) {
          if (f.translation.translated === undefined || f.rejected !== undefined) {
            f.note = { _tag: "NotStored" }
            unstored.push(f.translation.input)
          } else (storable as Array<Prepared<T, Note>>).push(f)
        }
        // Numbers another run is checking are planned again, after a pause, until that run has
        // written them (they are then fresh) or its claim has lapsed (they are then ours to check).
        let delay = StoreGate.HELD_FIRST_DELAY
        let first = true
        while (first || storable.length > 0) {
          const { waiting, wait } = yield* round(storable, first ? unstored : [], resolve, answers)
          first = false
          storable = waiting
          if (waiting.length > 0) {
            yield* Effect.sleep(Math.min(delay, wait))
            delay = Math.min(delay * 2, StoreGate.HELD_MAX_DELAY)
          }
        }
        return answers
      })

    const output = (result: CheckResult, item: T, note: Note | undefined) => {
      const out = toOutput(result, note, deferred)
      if (out._tag === "Deferred") counts.deferred++
      else if (out.store._tag === "Stored") counts.stored++
      else if (out.store._tag === "Checked") {
        counts.checked++
        if (out.store.change !== undefined && out.store.change !== "new" && out.store.change !== "unchanged") counts.changed++
      }
      counts.sent = gate.sent()
      return emitted(out, item)
    }
    // The check counts a deferred input's placeholder as failed: count it as what it is (not
    // sent); and a run answered only from the store reads with the stored semantics.
    const stats = options.stats
    const recount = <A extends ReadonlyArray<X>>(outs: A) => {
      let deferredHere = 0
      let semantics: Semantics | undefined
      for (const x of outs) {
        const out = resultOf(x)
        if (out._tag === "Deferred") deferredHere++
        else if (semantics === undefined && out.store._tag === "Stored") semantics = out.semantics
      }
      if (stats === undefined || (deferredHere === 0 && semantics === undefined)) return Effect.succeed(outs)
      return Effect.as(
        Ref.update(stats.ref, (c) => ({
          ...c,
          byStatus: { ...c.byStatus, failed: c.byStatus.failed - deferredHere },
          semantics: c.semantics ?? semantics
        })),
        outs
      )
    }
    // Re-sends go through the caller's own hook first, then the budget (which charges them).
    const own = options.beforeResend
    const beforeResend = (pending: ReadonlyArray<string>) =>
      own === undefined ? gate.allowResend(pending.length) : Effect.flatMap(own(pending), (n) => gate.allowResend(Math.min(n, pending.length)))
    return checkWithSeam(items, inputOf, output, { ...options, beforeResend }, seam).pipe(
      Stream.mapArrayEffect(recount),
      Stream.updateService(Transport, gate.meter),
      Stream.ensuring(gate.settle.pipe(Effect.ignore))
    )
  }))

/** {@link checkPairedThroughStore} without payloads: one result per input, in input order. */
export const checkThroughStore = <E = never, R = never>(
  inputs: Stream.Stream<string, E, R> | Iterable<string>,
  options: StoredCheckOptions & Internal = {},
  counts: StoreRunCounts = emptyCounts()
): Stream.Stream<StoredCheckResult, ContactsError | StoreError | E, Transport | ResultStore | R> =>
  throughStore(
    streamOf(inputs, options),
    (input) => input,
    (out) => out,
    (out) => out,
    options,
    counts
  )

/**
 * Re-validation refused before anything was sent: the budget's ledger rule applies and no message
 * is recorded in its window, so every number would be deferred. Record the messages sent
 * (`recordMessages`, `wa-contacts store messages add N`), give a cap per run, or switch the
 * budget off explicitly.
 */
export class NoMessagesRecorded extends Schema.TaggedError<NoMessagesRecorded>()("NoMessagesRecorded", {
  message: Schema.String
}) {}

/** Options of a re-validation. */
export interface RevalidateOptions extends StoredCheckOptions {
  /** Re-check at most this many due numbers (the oldest). */
  readonly limit?: number | undefined
}

/** What a re-validation found and did. */
export interface RevalidationCounts extends StoreRunCounts {
  /** Numbers of the store with a fresh result when it started. */
  fresh: number
  /** Numbers due when it started (never checked, or older than `maxAge`). */
  due: number
}

/**
 * Re-check the stored numbers that are due (`maxAge`, default 7 days), oldest first, within the
 * budget (by default on: the ledger rule; with `budget: false`, none): one result per due number —
 * re-checked, with what changed (`store.change`), or `Deferred` and still due. Fails with
 * `NoMessagesRecorded` before sending anything when the ledger rule applies and no messages are
 * recorded: it never defers everything silently.
 */
export const revalidate = (
  options: RevalidateOptions = {},
  counts: RevalidationCounts = { ...emptyCounts(), fresh: 0, due: 0 }
): Stream.Stream<StoredCheckResult, ContactsError | StoreError | NoMessagesRecorded, Transport | ResultStore> =>
  Stream.unwrap(Effect.gen(function*() {
    const store = yield* ResultStore
    const budget = options.store?.budget === undefined ? {} : options.store.budget
    const storeOptions: StoreGate.StoreCheckOptions = { ...options.store, budget }
    const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
    const threshold = StoreRules.dueThreshold(now, StoreRules.maxAgeMillis(options.store?.maxAge))
    const resolved = budget === false ? undefined : BudgetRules.make(budget)
    const summary = yield* store.summary({ checkedSince: [threshold], ledgerSince: now - (resolved?.windowMillis ?? 0) })
    if (resolved !== undefined && resolved.ledger === true && summary.ledger.messages === 0) {
      return yield* new NoMessagesRecorded({ message: BudgetRules.deferralReason(resolved, 0, summary.ledger) })
    }
    counts.fresh = summary.checkedSince[0] ?? 0
    counts.due = summary.numbers - counts.fresh
    const due = store.due({ checkedBefore: threshold, limit: options.limit }).pipe(Stream.map((n) => n.number))
    return checkThroughStore(due, { ...options, store: storeOptions, distinct: true }, counts)
  }))
