/**
 * The gate between a bulk check and the result store, one group of distinct translated numbers at
 * a time: which numbers the store answers (fresh), which this run claims and sends (due, within the
 * budget), which it defers; then, once they are answered, one atomic write of their results,
 * history and released claims. It also keeps the ledger exact: every number in a check request is
 * charged to it, first sends through a reservation made before sending, anything else (re-sends of
 * `processing` numbers, retries) when the request goes out.
 *
 * @internal
 */
import { Duration, Effect, Random, Schedule } from "effect"
import * as Budget from "../Budget.ts"
import type { Outcome } from "../CheckResult.ts"
import { type Change, type LedgerTotals, ResultStore, type ResultWrite, type StoredNumber, type StoredResult, type StoreError } from "../ResultStore.ts"
import * as StoreRules from "../StoreRules.ts"
import type { Transport, TransportRequest } from "../Transport.ts"
import type { Semantics } from "../ApiVersion.ts"

/** How a check goes through the store. */
export interface StoreCheckOptions {
  /** How long a stored result answers instead of a check (default 7 days, the server's cache). */
  readonly maxAge?: Duration.Input | undefined
  /**
   * The check budget: `false` (the default for `check`) only records checks in the ledger;
   * options apply the rule (see `Budget`), and numbers over it are deferred, not sent.
   */
  readonly budget?: Budget.BudgetOptions | false | undefined
  /**
   * How long a claim on a due number lasts without renewal (default 30 s). The run renews its
   * claims every third of it while it works on them; if the process dies, others may check the
   * numbers once it has passed. Machines sharing a PostgreSQL store should keep their clocks
   * within a fraction of it (NTP).
   */
  readonly lease?: Duration.Input | undefined
}

/** What the gate decided for one group. */
export interface Plan {
  /**
   * The stored result that answers each number planned, by its place in the numbers given
   * (`undefined`: not answered by the store). By place, not in a map by number: most numbers of a
   * list checked again are answered from the store, and a map's entries were a tenth of what such
   * a run allocated (bench figure 22).
   */
  readonly fresh: ReadonlyArray<StoredResult | undefined>
  /** Numbers to send, in the order given, with their previous result (`null`: none). */
  readonly send: Map<string, StoredResult | null>
  /** Numbers not sent because of the budget, with the reason and their previous result. */
  readonly deferred: Map<string, { readonly reason: string; readonly previous: StoredResult | null }>
  /** Numbers claimed by this run that are not sent (answered after all, or deferred): released by `commit`. */
  readonly release: Array<string>
  /**
   * Numbers another run is checking, with when its claim lapses: plan them again after this
   * plan is committed (this run then holds no claim while it waits).
   */
  readonly held: Map<string, number>
}

/** An answer to write: the outcome, its semantics and the server version that gave it. */
export interface Answered {
  readonly outcome: Outcome
  readonly semantics: Semantics
}

/** The gate of one run. */
export interface Gate {
  /** The run's name on its claims. */
  readonly owner: string
  /** Decide for a group of distinct translated numbers; numbers another run is checking come back in `held`. */
  readonly plan: (numbers: ReadonlyArray<string>, forceCheck: boolean) => Effect.Effect<Plan, StoreError>
  /**
   * Write what was answered (results, history, released claims) in one transaction; answers the
   * change of each number written and the time its result was stored with. Inconclusive answers
   * (still processing, missing) are not written: the number stays due.
   */
  readonly commit: (
    plan: Plan,
    answers: (number: string) => Answered | undefined
  ) => Effect.Effect<{ readonly changes: ReadonlyMap<string, Change>; readonly at: number }, StoreError>
  /** Release every claim of a plan whose check failed: the numbers stay due for the next run. */
  readonly abandon: (plan: Plan) => Effect.Effect<void, StoreError>
  /**
   * How many of `count` re-sends may go out (the budget counts them); they are charged now.
   * Without a budget, all. When the store fails, none: polling stops, and the numbers stay due.
   */
  readonly allowResend: (count: number) => Effect.Effect<number>
  /**
   * Wrap the transport so that every number in a check request is charged to the ledger (an
   * attempt that never reached the server is given back).
   */
  readonly meter: (transport: Transport["Service"]) => Transport["Service"]
  /** Checks this run has sent (numbers in check requests, re-sends included; attempts that never reached the server are not). */
  readonly sent: () => number
  /** Record in the ledger what was sent without a reservation; run it once the last request is answered. */
  readonly settle: Effect.Effect<void, StoreError>
}

const DEFAULT_LEASE = Duration.seconds(30)
/** How often to look again at numbers another run is checking: a lookup takes ~0.5 s. */
export const HELD_FIRST_DELAY = 250
/** The longest pause between two looks at numbers another run is checking. */
export const HELD_MAX_DELAY = 2_000

const isCheckRequest = (request: TransportRequest): ReadonlyArray<unknown> | undefined => {
  if (request.method !== "POST" || request.path !== "/v1/contacts") return undefined
  const contacts = (request.body as { contacts?: unknown } | undefined)?.contacts
  return Array.isArray(contacts) ? contacts : undefined
}

const serverVersionOf = (body: unknown): string | undefined => {
  const version = (body as { meta?: { version?: unknown } } | null | undefined)?.meta?.version
  return typeof version === "string" ? version : undefined
}

/** Make the gate of one run over the store in context. */
export const make = (options: StoreCheckOptions) =>
  Effect.gen(function*() {
    const store = yield* ResultStore
    const maxAge = StoreRules.maxAgeMillis(options.maxAge)
    const lease = Duration.toMillis(options.lease === undefined ? DEFAULT_LEASE : Duration.fromInputUnsafe(options.lease))
    const budget = options.budget === false || options.budget === undefined ? undefined : Budget.make(options.budget)
    const owner = `run-${(yield* Random.nextIntBetween(0, 2 ** 31)).toString(36)}-${(yield* Random.nextIntBetween(0, 2 ** 31)).toString(36)}`
    const now = Effect.clockWith((c) => c.currentTimeMillis)

    // Numbers sent or about to be sent by this run; `prepaid` is what reservations already charged.
    let sent = 0
    let reservedForRun = 0
    let prepaid = 0
    let owed = 0
    // The numbers this run holds claims on, renewed while it works on them.
    const held = new Set<string>()
    const renew = Effect.suspend(() => {
      if (held.size === 0) return Effect.void
      return Effect.flatMap(now, (at) => store.claim({ numbers: [...held], owner, now: at, until: at + lease }))
    }).pipe(Effect.ignore)
    yield* Effect.forkScoped(Effect.repeat(renew, Schedule.spaced(Math.max(1, Math.floor(lease / 3)))))
    let serverVersion: string | undefined

    /** Charge `count` numbers sent: from what reservations paid, the rest owed to the ledger. */
    const charge = (count: number) => {
      sent += count
      const fromPrepaid = Math.min(prepaid, count)
      prepaid -= fromPrepaid
      owed += count - fromPrepaid
    }

    /**
     * Record what was sent without a reservation (a retry, or a re-send without a budget). The
     * transport cannot fail with a store error, so the debt is paid at the next plan or commit.
     */
    const settle = Effect.suspend(() => {
      const count = owed
      if (count === 0) return Effect.void
      owed = 0
      return Effect.flatMap(now, (at) => store.reserve({ requested: count, at, since: at })).pipe(
        Effect.onError(() => Effect.sync(() => (owed += count))),
        Effect.asVoid
      )
    })

    /**
     * Reserve up to `requested` checks under the budget: the run's own cap is taken here,
     * synchronously (one run, one counter), the ledger rule inside the store's transaction (all
     * runs sharing the store). Without a budget the claims record the checks (`plan`).
     */
    const reserve = (budget: Budget.Budget, requested: number) =>
      Effect.gen(function*() {
        if (requested <= 0) return { granted: 0, totals: undefined as LedgerTotals | undefined, usedByRun: reservedForRun }
        const usedByRun = reservedForRun
        const take = budget.perRun === undefined ? requested : Math.min(requested, Math.max(0, budget.perRun - reservedForRun))
        reservedForRun += take
        let totals: LedgerTotals | undefined
        const at = yield* now
        const granted = take === 0 ? 0 : yield* store.reserve({
          requested: take,
          at,
          since: at - budget.windowMillis,
          decide: (t) => {
            totals = t
            return Math.min(take, Budget.ledgerAllowance(budget, t))
          }
        }).pipe(Effect.onError(() => Effect.sync(() => (reservedForRun -= take))))
        reservedForRun -= take - granted
        prepaid += granted
        // The totals as they stand after this reservation: what a deferred number is told.
        const after = totals === undefined ? undefined : { checks: totals.checks + granted, messages: totals.messages }
        return { granted, totals: after, usedByRun: usedByRun + granted }
      })

    /**
     * Claim `numbers` once: those claimed (with their current result), and those another run
     * holds (with when its claim lapses). A run never waits while holding claims: waiting for
     * another run's numbers is the caller's, after it has written (and released) its own — two
     * runs each holding what the other waits for would otherwise wait for ever.
     */
    const claimOnce = (numbers: ReadonlyArray<string>, at: number, charge: { readonly checkedBefore: number } | undefined) =>
      Effect.gen(function*() {
        const claimed = new Map<string, StoredResult | null>()
        const others = new Map<string, number>()
        for (const o of yield* store.claim({ numbers, owner, now: at, until: at + lease, charge })) {
          if (o._tag === "Claimed") {
            claimed.set(o.number, o.current)
            held.add(o.number)
          } else others.set(o.number, o.until)
        }
        return { claimed, others }
      })

    // Whether the last group was mostly due: then the next one is claimed at once (the claim
    // answers each number's current row), without a lookup first — on a first run the lookup finds
    // nothing and costs as much as the claim. A group found mostly fresh switches back to lookups,
    // which write nothing.
    let claimFirst = false
    const capSpent = () => budget?.perRun !== undefined && reservedForRun >= budget.perRun

    const plan = (numbers: ReadonlyArray<string>, forceCheck: boolean) =>
      Effect.gen(function*() {
        const fresh: Array<StoredResult | undefined> = []
        let freshCount = 0
        const result: Plan = { fresh, send: new Map(), deferred: new Map(), release: [], held: new Map() }
        yield* settle
        if (numbers.length === 0) return result
        const direct = claimFirst && !capSpent()
        const known = direct ? new Map<string, StoredNumber>() : yield* store.lookup(numbers)
        const start = yield* now
        // The places of the numbers not answered by the store.
        const candidates: Array<number> = []
        for (let i = 0; i < numbers.length; i++) {
          const stored = known.get(numbers[i]!)?.result
          if (StoreRules.isFresh(stored, start, maxAge, forceCheck)) {
            fresh.push(stored)
            freshCount++
          } else {
            fresh.push(undefined)
            candidates.push(i)
          }
        }
        if (!direct) claimFirst = freshCount * 2 < numbers.length
        if (candidates.length === 0) return result
        if (budget !== undefined && capSpent()) {
          // The run's cap is spent: defer without claiming (nothing to claim, nothing to release).
          const reason = Budget.deferralReason(budget, reservedForRun, undefined)
          for (const i of candidates) result.deferred.set(numbers[i]!, { reason, previous: known.get(numbers[i]!)?.result ?? null })
          return result
        }
        // Without a budget nothing is decided: the claim's transaction records the due numbers it
        // took as checks (exactly those sent below: freshness is judged at the same `claimedAt`).
        const claimedAt = yield* now
        const charge = budget === undefined
          ? { checkedBefore: forceCheck ? Number.MAX_SAFE_INTEGER : StoreRules.dueThreshold(claimedAt, maxAge) }
          : undefined
        const { claimed, others } = yield* claimOnce(candidates.map((i) => numbers[i]!), claimedAt, charge)
        if (direct && others.size > 0) {
          // Held by another run but maybe fresh already: what a lookup first would have answered.
          const heldKnown = yield* store.lookup([...others.keys()])
          const at = yield* now
          for (const i of candidates) {
            const n = numbers[i]!
            // Found only if held: the lookup asked for the held numbers alone.
            const row = heldKnown.get(n)
            if (row !== undefined && StoreRules.isFresh(row.result, at, maxAge, forceCheck)) {
              fresh[i] = row.result
              freshCount++
              others.delete(n)
            }
          }
        }
        for (const [n, until] of others) result.held.set(n, until)
        const due: Array<string> = []
        for (const i of candidates) {
          const n = numbers[i]!
          if (others.has(n) || fresh[i] !== undefined) continue
          const current = claimed.get(n) ?? null
          // Another run may have written it between our lookup and our claim.
          if (StoreRules.isFresh(current, claimedAt, maxAge, forceCheck)) {
            fresh[i] = current
            freshCount++
            result.release.push(n)
          } else due.push(n)
        }
        if (direct) claimFirst = (freshCount + result.held.size) * 2 < numbers.length
        if (budget === undefined) prepaid += due.length
        const { granted, totals, usedByRun } = budget === undefined
          ? { granted: due.length, totals: undefined, usedByRun: reservedForRun }
          : yield* reserve(budget, due.length)
        due.forEach((n, i) => {
          const previous = claimed.get(n) ?? null
          if (i < granted) result.send.set(n, previous)
          else {
            const reason = budget === undefined ? "over budget" : Budget.deferralReason(budget, usedByRun, totals)
            result.deferred.set(n, { reason, previous })
            result.release.push(n)
          }
        })
        return result
      })

    const commit = (plan: Plan, answers: (number: string) => Answered | undefined) =>
      Effect.gen(function*() {
        const at = yield* now
        const changes = new Map<string, Change>()
        const results: Array<ResultWrite> = []
        const release = [...plan.release]
        for (const [number, previous] of plan.send) {
          const answer = answers(number)
          const stored = answer === undefined
            ? undefined
            : StoreRules.toStored(answer.outcome, answer.semantics, at, serverVersion)
          if (stored === undefined) {
            release.push(number)
            continue
          }
          const change = StoreRules.changeOf(previous, stored)
          changes.set(number, change)
          results.push({
            number,
            result: stored,
            // The history holds changes: a first result is the current row itself, not a change.
            history: change === "unchanged" || change === "new" ? undefined : { number, change, checked_at: at, previous, current: stored }
          })
        }
        if (results.length > 0 || release.length > 0) yield* store.write({ owner, results, release, at })
        for (const n of release) held.delete(n)
        for (const w of results) held.delete(w.number)
        yield* settle
        return { changes, at }
      })

    const abandon = (plan: Plan) =>
      Effect.gen(function*() {
        const release = [...plan.release, ...plan.send.keys()]
        if (release.length > 0) yield* store.write({ owner, results: [], release, at: yield* now })
        for (const n of release) held.delete(n)
        yield* settle
      })

    const allowResend = (count: number) =>
      budget === undefined
        ? Effect.succeed(count)
        : reserve(budget, count).pipe(Effect.map((r) => r.granted), Effect.orElseSucceed(() => 0))

    /**
     * An attempt that never reached the server (`requestSent: false`: the connection was refused,
     * say) was no check: its charge goes back to what the run has paid for, so the retry that
     * follows is charged from it. With the server down, 50 numbers retried five times charged 300
     * checks; now the 50 the claim charged before sending.
     */
    const refund = (count: number) => {
      sent -= count
      const fromOwed = Math.min(owed, count)
      owed -= fromOwed
      prepaid += count - fromOwed
    }

    const meter = (transport: Transport["Service"]): Transport["Service"] => ({
      send: (request) => {
        const contacts = isCheckRequest(request)
        if (contacts === undefined) return transport.send(request)
        return Effect.sync(() => charge(contacts.length)).pipe(
          Effect.andThen(transport.send(request)),
          Effect.tapError((error) => (error.requestSent ? Effect.void : Effect.sync(() => refund(contacts.length)))),
          Effect.tap((response) =>
            Effect.sync(() => {
              if (response.body._tag === "Json") serverVersion = serverVersionOf(response.body.value) ?? serverVersion
            })
          )
        )
      }
    })

    return { owner, plan, commit, abandon, allowResend, meter, sent: () => sent, settle } satisfies Gate
  })
