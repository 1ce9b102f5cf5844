/**
 * The counters of a check, as an immutable value kept in a `Ref`: the pipeline updates them with
 * effects at the points where it knows the facts (a request built, a retry decided, results
 * emitted), so nothing reads the wire body back.
 *
 * @internal
 */
import type { CheckStatus } from "../Wire.ts"
import type { Semantics } from "../Version.ts"

/** What a check did, at one moment. */
export interface CheckCounts {
  /** Results produced (one per input). */
  readonly results: number
  /** HTTP requests sent, retries included. */
  readonly requests: number
  /** Retries of transient failures. */
  readonly retries: number
  /** Numbers sent in check requests, re-sends included. */
  readonly contactsSent: number
  /** Re-sends of `processing` numbers. */
  readonly polls: number
  /** Results per raw status. */
  readonly byStatus: Readonly<Record<CheckStatus, number>>
  /** Failures that were retried, by tag (RateLimited, Overloaded, TransportError …). */
  readonly retriedErrors: Readonly<Record<string, number>>
  /** The semantics of the last response. */
  readonly semantics: Semantics | undefined
}

/** Nothing done yet. */
export const empty: CheckCounts = {
  results: 0,
  requests: 0,
  retries: 0,
  contactsSent: 0,
  polls: 0,
  byStatus: { valid: 0, invalid: 0, failed: 0, processing: 0 },
  retriedErrors: {},
  semantics: undefined
}

/** One request sent with `contacts` numbers in it. */
export const requestSent = (contacts: number) => (c: CheckCounts): CheckCounts => ({
  ...c,
  requests: c.requests + 1,
  contactsSent: c.contactsSent + contacts
})

/** A retry of a failure tagged `tag`. */
export const retried = (tag: string) => (c: CheckCounts): CheckCounts => ({
  ...c,
  retries: c.retries + 1,
  retriedErrors: { ...c.retriedErrors, [tag]: (c.retriedErrors[tag] ?? 0) + 1 }
})

/** `numbers` re-sent because they were still `processing`. */
export const polled = (numbers: number) => (c: CheckCounts): CheckCounts => ({ ...c, polls: c.polls + numbers })

/** A response read with `semantics`. */
export const answered = (semantics: Semantics) => (c: CheckCounts): CheckCounts =>
  c.semantics === semantics ? c : { ...c, semantics }

/** Results emitted, with their raw statuses. */
export const emitted = (statuses: ReadonlyArray<CheckStatus>) => (c: CheckCounts): CheckCounts => {
  const byStatus = { ...c.byStatus }
  for (const status of statuses) byStatus[status]++
  return { ...c, results: c.results + statuses.length, byStatus }
}
