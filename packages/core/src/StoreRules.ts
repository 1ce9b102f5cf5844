/**
 * The rules of the result store, pure: what is fresh and what is due, what a check result becomes
 * when stored and back, and what changed between two results. Adapters of `ResultStore` apply
 * none of these; they receive their outcomes (thresholds, rows) as arguments.
 *
 * @since 0.2.0
 */
import { Duration } from "effect"
import type { Change, StoredResult } from "./ResultStore.ts"
import { type Outcome, untrusted, type WaId } from "./Result.ts"
import type { Semantics } from "./Version.ts"

/** How long a result stays fresh by default: 7 days, the server's own cache of check results. */
export const DEFAULT_MAX_AGE: Duration.Duration = Duration.days(7)

/** `maxAge` in milliseconds (default `DEFAULT_MAX_AGE`); a negative or non-finite one is a bug of the caller. */
export const maxAgeMillis = (maxAge: Duration.Input | undefined): number =>
  Duration.toMillis(maxAge === undefined ? DEFAULT_MAX_AGE : Duration.fromInputUnsafe(maxAge))

/**
 * Whether a stored result answers a check at `now` without sending it: there is one, the caller
 * does not force a check, and it is younger than `maxAge`. A result dated in the future (another
 * machine's clock ahead of ours) counts as fresh: the server's cache is at least as recent.
 */
export const isFresh = (
  result: StoredResult | null | undefined,
  now: number,
  maxAge: number,
  forceCheck = false
): result is StoredResult => result != null && !forceCheck && now - result.checked_at < maxAge

/**
 * The `checkedBefore` threshold of `ResultStore.due` for `now` and `maxAge`: a result is due when
 * `checked_at <= now - maxAge`, i.e. `checked_at < now - maxAge + 1` (the exact complement of
 * `isFresh`).
 */
export const dueThreshold = (now: number, maxAge: number): number => now - maxAge + 1

/** The age of a stored result at `now` (ms, never negative). */
export const ageOf = (result: StoredResult, now: number): number => Math.max(0, now - result.checked_at)

/**
 * What the outcome of a check becomes in the store, or `undefined` when it is not an answer worth
 * keeping: still `processing` at the deadline, missing from the server's answer, or rejected
 * before sending. A `failed` from the server is kept: the server caches
 * it too, and re-sending it within `maxAge` would only spend the budget.
 */
export const toStored = (
  result: Outcome,
  semantics: Semantics,
  checkedAt: number,
  serverVersion: string | undefined
): StoredResult | undefined => {
  const common = { semantics, server_version: serverVersion ?? null, checked_at: checkedAt }
  switch (result._tag) {
    case "WhatsAppUser":
      return { ...common, status: "valid", outcome: "WhatsAppUser", wa_id: result.waId, wa_id_trusted: true, anomaly: false, detail: null }
    case "Checked":
      return { ...common, status: "valid", outcome: "Checked", wa_id: result.waIdHint?.hint ?? null, wa_id_trusted: false, anomaly: false, detail: null }
    case "NotWhatsAppUser":
      return { ...common, status: "invalid", outcome: "NotWhatsAppUser", wa_id: null, wa_id_trusted: false, anomaly: result.anomaly, detail: null }
    case "Failed":
      return result.cause === "server"
        ? { ...common, status: "failed", outcome: "Failed", wa_id: null, wa_id_trusted: false, anomaly: false, detail: result.detail }
        : undefined
    case "Processing":
      return undefined
  }
}

/**
 * The outcome a stored result stands for: the same tagged union a fresh check gives, with the
 * same trust rule (a wa_id is a trusted `WaId` only when it was stored as trusted, i.e. a legacy
 * server's `valid`).
 */
export const outcomeOf = (stored: StoredResult): Outcome => {
  switch (stored.outcome) {
    case "WhatsAppUser":
      return stored.wa_id !== null && stored.wa_id_trusted
        ? { _tag: "WhatsAppUser", waId: stored.wa_id as WaId }
        : { _tag: "Checked", waIdHint: stored.wa_id === null ? undefined : untrusted(stored.wa_id) }
    case "Checked":
      return { _tag: "Checked", waIdHint: stored.wa_id === null ? undefined : untrusted(stored.wa_id) }
    case "NotWhatsAppUser":
      return { _tag: "NotWhatsAppUser", anomaly: stored.anomaly }
    case "Failed":
      return { _tag: "Failed", cause: "server", detail: stored.detail ?? "the server's check failed" }
  }
}

/**
 * What changed from `previous` to `current`, the most telling change first: the status
 * (`newly_invalid`, `newly_valid`, `failed`), then the wa_id, then the semantics.
 */
export const changeOf = (previous: StoredResult | null | undefined, current: StoredResult): Change => {
  if (previous == null) return "new"
  if (previous.status !== current.status) {
    if (current.status === "invalid") return "newly_invalid"
    if (current.status === "valid") return "newly_valid"
    return "failed"
  }
  if (previous.wa_id !== current.wa_id) return "wa_id_changed"
  if (previous.semantics !== current.semantics) return "semantics_changed"
  return "unchanged"
}
