/**
 * The check budget (the vendor's policy: checks must not outnumber messages sent), as a pure rule
 * the store applies atomically (`ResultStore.reserve`): checks in a rolling window may not exceed
 * the messages recorded in that window times a ratio, and a run may have its own cap.
 *
 * Checks count every number sent in a check request, re-sends of `processing` numbers included:
 * the conservative reading of the policy.
 *
 * @since 0.2.0
 */
import { Duration } from "effect"
import type { LedgerTotals } from "./ResultStore.ts"

/** The rolling window by default: 7 days. */
export const DEFAULT_WINDOW: Duration.Duration = Duration.days(7)

/** How a run is budgeted. */
export interface BudgetOptions {
  /**
   * Apply the ledger rule (checks in the window <= messages in the window × `ratio`): `true` (the
   * default) always — with no messages recorded nothing may be sent; `"when-recorded"` only once
   * messages are recorded in the window (before that only `perRun` limits the run: the caller
   * chose a cap explicitly); `false` never, leaving only `perRun`, if any.
   */
  readonly ledger?: boolean | "when-recorded" | undefined
  /** The rolling window (default 7 days). */
  readonly window?: Duration.Input | undefined
  /** Checks allowed per message (default 1). */
  readonly ratio?: number | undefined
  /** At most this many numbers sent by this run, re-sends included (`--budget N`). */
  readonly perRun?: number | undefined
}

/** A budget in force, with the numbers it needs. */
export interface Budget {
  readonly ledger: boolean | "when-recorded"
  readonly windowMillis: number
  readonly ratio: number
  readonly perRun: number | undefined
}

/** Resolve options to a budget, defaults filled in. */
export const make = (options: BudgetOptions = {}): Budget => ({
  ledger: options.ledger ?? true,
  windowMillis: Duration.toMillis(options.window === undefined ? DEFAULT_WINDOW : Duration.fromInputUnsafe(options.window)),
  ratio: options.ratio ?? 1,
  perRun: options.perRun
})

/** Whether the ledger rule applies to these totals. */
export const ledgerApplies = (budget: Budget, totals: LedgerTotals): boolean =>
  budget.ledger === true || (budget.ledger === "when-recorded" && totals.messages > 0)

/**
 * Checks the ledger still allows: messages × ratio minus checks, never negative; unlimited
 * (`Infinity`) when the rule does not apply.
 */
export const ledgerAllowance = (budget: Budget, totals: LedgerTotals): number =>
  ledgerApplies(budget, totals) ? Math.max(0, Math.floor(totals.messages * budget.ratio) - totals.checks) : Infinity

/**
 * How many of `requested` checks to grant, given the ledger's totals in the window and the checks
 * this run already sent (`usedByRun`). Pure: the store calls it inside its transaction.
 */
export const decide = (budget: Budget, requested: number, usedByRun: number) => (totals: LedgerTotals): number => {
  let granted = Math.max(0, Math.floor(requested))
  if (budget.perRun !== undefined) granted = Math.min(granted, Math.max(0, budget.perRun - usedByRun))
  return Math.min(granted, ledgerAllowance(budget, totals))
}

/** Why a number was not sent, for the `deferred` record. */
export const deferralReason = (budget: Budget, usedByRun: number, totals: LedgerTotals | undefined): string => {
  if (budget.perRun !== undefined && usedByRun >= budget.perRun) {
    return `the run's budget of ${budget.perRun} checks is spent`
  }
  if (totals !== undefined && ledgerApplies(budget, totals)) {
    const days = budget.windowMillis / 86_400_000
    const window = Number.isInteger(days) ? `${days} days` : `${budget.windowMillis / 1000} s`
    return totals.messages === 0
      ? `no messages recorded in the last ${window}: checks must not outnumber messages (record them, or set a budget per run, or switch the budget off)`
      : `${totals.checks} checks in the last ${window} already match ${totals.messages} messages × ${budget.ratio}`
  }
  return "over budget"
}
