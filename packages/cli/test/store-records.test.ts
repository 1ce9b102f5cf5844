/**
 * What the store commands read and write, in process: the budget the flags describe (on by
 * default for revalidate, only when asked for check; `--budget N` alone is a cap that does not
 * need messages; `--no-budget` with another budget flag is a usage error), and the records of a
 * check through the store (stored with their age, checked with what changed, deferred with the
 * reason and their previous result).
 */
import { describe, expect, it } from "vitest"
import { Duration, Option } from "effect"
import { Exit } from "../src/ExitCode.ts"
import { budgetOf, formatAge, isChange, storedRecordOf } from "../src/run/storeRecords.ts"

const flags = (over: Partial<Parameters<typeof budgetOf>[0]> = {}) => ({
  budget: Option.none<number>(),
  noBudget: false,
  budgetWindow: Option.none<Duration.Duration>(),
  budgetRatio: Option.none<number>(),
  ...over
})

describe("the budget flags", () => {
  it("revalidate applies the ledger rule by default; check only when a budget flag is given", () => {
    expect(budgetOf(flags(), true)).toEqual({ ledger: true })
    expect(budgetOf(flags(), false)).toBe(false)
    expect(budgetOf(flags({ budgetRatio: Option.some(2) }), false)).toEqual({ ledger: true, ratio: 2 })
  })

  it("--budget N caps the run and keeps the ledger rule only once messages are recorded", () => {
    expect(budgetOf(flags({ budget: Option.some(100) }), true)).toEqual({ ledger: "when-recorded", perRun: 100 })
  })

  it("--no-budget switches it off, and cannot be combined with another budget flag", () => {
    expect(budgetOf(flags({ noBudget: true }), true)).toBe(false)
    const both = budgetOf(flags({ noBudget: true, budget: Option.some(5) }), true)
    expect(both).toBeInstanceOf(Exit)
    expect((both as Exit).code).toBe(1)
  })
})

describe("records of a check through the store", () => {
  const base = { input: "+16315551000", translated: "+16315551000" as never, warnings: [], semantics: "legacy" as const }
  const stored = { status: "valid" as const, outcome: "WhatsAppUser" as const, wa_id: "16315551000", wa_id_trusted: true, anomaly: false, semantics: "legacy" as const, server_version: "2.41.3", detail: null, checked_at: 1_000 }

  it("a stored answer says so, with its age", () => {
    const row = storedRecordOf({ ...base, _tag: "WhatsAppUser", waId: "16315551000" as never, store: { _tag: "Stored", checkedAt: 1_000, age: 90_000 } }, undefined, 91_000)
    expect(row).toMatchObject({ status: "valid", source: "stored", age_s: 90, checked_at: new Date(1_000).toISOString(), change: null })
  })

  it("a re-checked number says what changed and what it was", () => {
    const row = storedRecordOf({ ...base, _tag: "NotWhatsAppUser", anomaly: false, store: { _tag: "Checked", change: "newly_invalid", previous: stored } }, undefined, 5_000)
    expect(row).toMatchObject({ status: "invalid", source: "checked", change: "newly_invalid", previous_status: "valid", age_s: 0 })
    expect(isChange(row)).toBe(true)
  })

  it("a re-checked number's time is the one the store holds (what `store export` shows), now when it was not stored", () => {
    const checked = { ...base, _tag: "NotWhatsAppUser" as const, anomaly: false }
    const kept = storedRecordOf({ ...checked, store: { _tag: "Checked", change: "newly_invalid", previous: stored, checkedAt: 4_321 } }, undefined, 5_000)
    expect(kept["checked_at"]).toBe(new Date(4_321).toISOString())
    const notKept = storedRecordOf({ ...checked, store: { _tag: "Checked", change: undefined, previous: stored } }, undefined, 5_000)
    expect(notKept["checked_at"]).toBe(new Date(5_000).toISOString())
  })

  it("a deferred number has its own status, the reason, and its previous result", () => {
    const row = storedRecordOf({ ...base, _tag: "Deferred", reason: "the run's budget of 100 checks is spent", previous: stored }, { line: 7, value: "+16315551000", problem: undefined }, 61_000)
    expect(row).toMatchObject({ status: "deferred", source: "deferred", previous_status: "valid", wa_id: "16315551000", line: 7, age_s: 60 })
    expect(String(row["detail"])).toMatch(/budget of 100 checks is spent; it stays due/)
    expect(isChange(row)).toBe(false)
  })

  it("ages read in the largest unit that fits", () => {
    expect([formatAge(45_000), formatAge(12 * 60_000), formatAge(5 * 3_600_000), formatAge(3 * 86_400_000)]).toEqual(["45 s", "12 min", "5 h", "3 d"])
  })
})
