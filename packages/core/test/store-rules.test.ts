/**
 * The store's rules (issue #12 items 1 and 5): a result is fresh for `maxAge` (default 7 days, the
 * server's cache) and due after; `forceCheck` ignores freshness; what changed between two results;
 * a stored result reads back as the same outcome with the same trust; the budget's arithmetic.
 */
import { describe, expect, it } from "@effect/vitest"
import { Budget, Result, StoreRules } from "@wa-contacts/core"
import { result } from "./support/storeContract.ts"

const DAY = 86_400_000

describe("fresh and due", () => {
  it("a result is fresh for 7 days by default and due from then on", () => {
    const maxAge = StoreRules.maxAgeMillis(undefined)
    expect(maxAge).toBe(7 * DAY)
    const r = result(0)
    expect(StoreRules.isFresh(r, 7 * DAY - 1, maxAge)).toBe(true)
    expect(StoreRules.isFresh(r, 7 * DAY, maxAge)).toBe(false)
  })

  it("forceCheck ignores freshness; a number without a result is always due", () => {
    expect(StoreRules.isFresh(result(0), 1, 1_000, true)).toBe(false)
    expect(StoreRules.isFresh(null, 1, 1_000)).toBe(false)
  })

  it("the due threshold is the exact complement of freshness", () => {
    const now = 10_000
    const maxAge = 5_000
    const threshold = StoreRules.dueThreshold(now, maxAge)
    for (const checkedAt of [4_999, 5_000, 5_001, 9_999]) {
      expect(checkedAt < threshold).toBe(!StoreRules.isFresh(result(checkedAt), now, maxAge))
    }
  })
})

describe("stored results read back as the outcome they stood for", () => {
  const cases: ReadonlyArray<[string, Result.Outcome, "legacy" | "repurposed"]> = [
    ["legacy valid: a trusted wa_id", { _tag: "WhatsAppUser", waId: "16315551000" as Result.WaId }, "legacy"],
    ["repurposed valid: an untrusted hint", { _tag: "Checked", waIdHint: Result.untrusted("16315551000") }, "repurposed"],
    ["repurposed valid without wa_id", { _tag: "Checked", waIdHint: undefined }, "repurposed"],
    ["an invalid from a repurposed server is an anomaly", { _tag: "NotWhatsAppUser", anomaly: true }, "repurposed"],
    ["failed on the server", Result.interpret("failed", undefined, "legacy"), "legacy"]
  ]
  for (const [name, outcome, semantics] of cases) {
    it(name, () => {
      const stored = StoreRules.toStored(outcome, semantics, 5, "2.45.1")!
      expect(stored.checked_at).toBe(5)
      expect(stored.status).toBe(Result.statusOf(outcome))
      expect(StoreRules.outcomeOf(stored)).toEqual(outcome)
    })
  }

  it("processing, missing and rejected are not answers: nothing is stored", () => {
    expect(StoreRules.toStored({ _tag: "Processing", waIdHint: undefined }, "legacy", 1, undefined)).toBeUndefined()
    expect(StoreRules.toStored({ _tag: "Failed", cause: "missing", detail: "x" }, "legacy", 1, undefined)).toBeUndefined()
    expect(StoreRules.toStored({ _tag: "Failed", cause: "rejected", detail: "x" }, "legacy", 1, undefined)).toBeUndefined()
  })
})

describe("what changed", () => {
  const valid = result(1)
  const invalid = result(2, { status: "invalid", outcome: "NotWhatsAppUser", wa_id: null })
  it("names the change, the status first", () => {
    expect(StoreRules.changeOf(null, valid)).toBe("new")
    expect(StoreRules.changeOf(valid, invalid)).toBe("newly_invalid")
    expect(StoreRules.changeOf(invalid, valid)).toBe("newly_valid")
    expect(StoreRules.changeOf(valid, result(3, { status: "failed", outcome: "Failed", wa_id: null }))).toBe("failed")
    expect(StoreRules.changeOf(valid, result(3, { wa_id: "16315559999" }))).toBe("wa_id_changed")
    expect(StoreRules.changeOf(valid, result(3, { semantics: "legacy" }))).toBe("semantics_changed")
    expect(StoreRules.changeOf(valid, result(9))).toBe("unchanged")
  })
})

describe("the check budget", () => {
  it("checks in the window may not exceed messages × ratio", () => {
    const budget = Budget.make()
    expect(Budget.decide(budget, 50, 0)({ checks: 0, messages: 30 })).toBe(30)
    expect(Budget.decide(budget, 50, 0)({ checks: 30, messages: 30 })).toBe(0)
    expect(Budget.decide(Budget.make({ ratio: 2 }), 50, 0)({ checks: 30, messages: 30 })).toBe(30)
  })

  it("a cap per run limits the run on top of the ledger", () => {
    const budget = Budget.make({ perRun: 100 })
    expect(Budget.decide(budget, 80, 50)({ checks: 0, messages: 1_000 })).toBe(50)
  })

  it("with no messages recorded the strict rule sends nothing; `when-recorded` leaves the cap per run", () => {
    expect(Budget.decide(Budget.make(), 10, 0)({ checks: 0, messages: 0 })).toBe(0)
    expect(Budget.decide(Budget.make({ ledger: "when-recorded", perRun: 4 }), 10, 0)({ checks: 0, messages: 0 })).toBe(4)
    expect(Budget.decide(Budget.make({ ledger: "when-recorded", perRun: 4 }), 10, 0)({ checks: 9, messages: 10 })).toBe(1)
    expect(Budget.decide(Budget.make({ ledger: false }), 10, 0)({ checks: 99, messages: 0 })).toBe(10)
  })

  it("says why a number was deferred", () => {
    expect(Budget.deferralReason(Budget.make({ perRun: 5 }), 5, undefined)).toMatch(/budget of 5 checks is spent/)
    expect(Budget.deferralReason(Budget.make(), 0, { checks: 0, messages: 0 })).toMatch(/no messages recorded in the last 7 days/)
    expect(Budget.deferralReason(Budget.make(), 0, { checks: 10, messages: 10 })).toMatch(/10 checks in the last 7 days already match 10 messages/)
  })
})
