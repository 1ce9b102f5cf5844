/**
 * The bulk check's memory of distinct numbers (internal/AnswerTable.ts): every number seen is
 * remembered exactly — pending until answered, then its answer — through every growth step of
 * the compact table, for E.164 keys (the table) and other keys (the fallback map) alike.
 */
import { describe, expect, it } from "@effect/vitest"
import { AnswerTable } from "../src/internal/AnswerTable.ts"
import type { Outcome, WaId } from "../src/CheckResult.ts"

const numberOf = (i: number) => `+1${200 + (i % 800)}${String(2_000_000 + i).padStart(7, "0")}`
const user = (key: string): Outcome => ({ _tag: "WhatsAppUser", waId: key.slice(1) as WaId })

describe("AnswerTable", () => {
  it("remembers 300,000 distinct numbers through every growth step: pending, then each its own answer", () => {
    const table = new AnswerTable()
    const n = 300_000
    const wrong: Array<string> = []
    for (let i = 0; i < n; i++) {
      const key = numberOf(i)
      if (table.see(key) !== undefined) wrong.push(`${key} seen before it was`)
      if (i % 3 === 0) table.set(key, { outcome: user(key), semantics: "legacy" })
      if (i % 3 === 1) table.set(key, { outcome: { _tag: "NotWhatsAppUser", anomaly: false }, semantics: "repurposed" })
    }
    for (let i = 0; i < n; i++) {
      const key = numberOf(i)
      if (!table.has(key) || table.see(key) !== true) wrong.push(`${key} forgotten`)
      const answer = table.get(key)
      const expected = i % 3 === 0 ? { outcome: user(key), semantics: "legacy" }
        : i % 3 === 1 ? { outcome: { _tag: "NotWhatsAppUser", anomaly: false }, semantics: "repurposed" }
        : undefined // still pending
      if (JSON.stringify(answer) !== JSON.stringify(expected)) wrong.push(`${key}: ${JSON.stringify(answer)}`)
    }
    // Numbers never seen are not found, whatever the table's size.
    for (let i = n; i < n + 1000; i++) if (table.has(numberOf(i))) wrong.push(`${numberOf(i)} found, never seen`)
    expect(wrong.slice(0, 5)).toEqual([])
  })

  it("numbers of every length up to 15 digits are told apart, also those that share their low 26 or 32 bits", () => {
    const table = new AnswerTable()
    const two26 = 67108864
    const two32 = 4294967296
    // Numbers equal in their low 26 bits (a segment keeps only those), a low part of 0 (an empty
    // slot is 0, an occupied one never: its mark is not), the longest E.164 number, short ones.
    const base = [1, 7, two26 - 2, 4294967295, 12345678901, 999_999_999_999_999 - 3 * two32]
    const sameLow = Array.from({ length: 3000 }, (_, i) => 12345 + (i * 77 + 9) * two26)
    const sameLow32 = Array.from({ length: 300 }, (_, i) => 54321 + (i * 77 + 9) * two32)
    const keys = base.flatMap((k) => [k, k + two26, k + two32, k + 2 * two32, k + 3 * two32])
      .concat([two26, 3 * two26, two32, 5 * two32, 999_999_999_999_998], sameLow, sameLow32)
      .map((k) => `+${k}`)
    expect(new Set(keys).size).toBe(keys.length)
    keys.forEach((key, i) => {
      expect(table.see(key)).toBeUndefined()
      if (i % 2 === 0) table.set(key, { outcome: user(key), semantics: "legacy" })
    })
    keys.forEach((key, i) => {
      expect(table.see(key)).toBe(true)
      expect(table.get(key)).toEqual(i % 2 === 0 ? { outcome: user(key), semantics: "legacy" } : undefined)
    })
    expect(table.has(`+${3 * two32}`)).toBe(false)
    expect(table.has(`+${2 * two26}`)).toBe(false)
    expect(table.has("+2")).toBe(false)
  })

  it("an answer that is not the number's own digits, and keys that are not E.164, are kept as given", () => {
    const table = new AnswerTable()
    const other: Outcome = { _tag: "WhatsAppUser", waId: "999" as WaId }
    table.markPending("+16315551000")
    table.set("+16315551000", { outcome: other, semantics: "unknown" })
    expect(table.get("+16315551000")).toEqual({ outcome: other, semantics: "unknown" })
    expect(table.see("raw:call me")).toBeUndefined()
    expect(table.has("raw:call me")).toBe(true)
    table.set("raw:call me", { outcome: user("+1"), semantics: "legacy" })
    expect(table.get("raw:call me")).toEqual({ outcome: user("+1"), semantics: "legacy" })
  })

  it("every answer code with every semantics survives the table (codes fit its 6-bit marks)", () => {
    const table = new AnswerTable()
    const outcomes = (key: string): ReadonlyArray<Outcome> => [
      user(key),
      { _tag: "Checked", waIdHint: { _tag: "UntrustedWaId", hint: key.slice(1) } },
      { _tag: "Checked", waIdHint: undefined },
      { _tag: "NotWhatsAppUser", anomaly: false },
      { _tag: "NotWhatsAppUser", anomaly: true },
      { _tag: "Processing", waIdHint: { _tag: "UntrustedWaId", hint: key.slice(1) } },
      { _tag: "Processing", waIdHint: undefined }
    ]
    let i = 0
    for (const semantics of ["legacy", "repurposed", "unknown"] as const) {
      for (let o = 0; o < 7; o++) {
        const key = numberOf(i++)
        const outcome = outcomes(key)[o]!
        table.set(key, { outcome, semantics })
        expect(table.get(key)).toEqual({ outcome, semantics })
      }
    }
  })

  it("keys that are nearly E.164 (a leading 0, 16 digits, a letter, a bare +) are kept by their text, apart from the numbers", () => {
    const table = new AnswerTable()
    const near = ["+0123", "+00", "+", "+1234567890123456", "+1631555100a", "+16315551000 ", "16315551000", "+١٢٣"]
    const numbers = ["+123", "+1", "+123456789012345", "+1631555100", "+16315551000"]
    for (const key of [...near, ...numbers]) expect(table.see(key)).toBeUndefined()
    for (const key of [...near, ...numbers]) expect(table.see(key)).toBe(true)
    near.forEach((key, i) => table.set(key, { outcome: { _tag: "NotWhatsAppUser", anomaly: i % 2 === 0 }, semantics: "legacy" }))
    numbers.forEach((key) => table.set(key, { outcome: user(key), semantics: "repurposed" }))
    near.forEach((key, i) => expect(table.get(key)).toEqual({ outcome: { _tag: "NotWhatsAppUser", anomaly: i % 2 === 0 }, semantics: "legacy" }))
    numbers.forEach((key) => expect(table.get(key)).toEqual({ outcome: user(key), semantics: "repurposed" }))
    expect(table.has("+16315551001")).toBe(false)
    expect(table.has("+0")).toBe(false)
  })

  it("an answer recorded where `see` placed its number (setAt) is found, also after the segment grew in between, and never lands on another number", () => {
    const table = new AnswerTable()
    const n = 200_000
    // Answered 5,000 numbers after being seen: many segments grow in between, as they do while a
    // bulk check's groups are in flight.
    const lag = 5_000
    const placed: Array<AnswerTable["lastPlaced"]> = []
    const wrong: Array<string> = []
    const answerOf = (i: number) =>
      i % 4 === 0
        ? { outcome: user(numberOf(i)), semantics: "legacy" as const }
        : i % 4 === 1
        ? { outcome: { _tag: "NotWhatsAppUser" as const, anomaly: true }, semantics: "repurposed" as const }
        : i % 4 === 2
        ? { outcome: { _tag: "WhatsAppUser" as const, waId: "999" as WaId }, semantics: "unknown" as const } // not its digits: kept whole
        : undefined // stays pending
    for (let i = 0; i < n + lag; i++) {
      if (i < n) {
        if (table.see(numberOf(i)) !== undefined || table.lastPlaced === undefined) wrong.push(`${numberOf(i)} not placed as new`)
        placed.push(table.lastPlaced)
      }
      const j = i - lag
      const answer = j >= 0 ? answerOf(j) : undefined
      if (answer !== undefined) table.setAt(numberOf(j), answer, placed[j])
    }
    for (let i = 0; i < n; i++) {
      const got = table.get(numberOf(i))
      if (JSON.stringify(got) !== JSON.stringify(answerOf(i))) wrong.push(`${numberOf(i)}: ${JSON.stringify(got)}`)
    }
    expect(wrong.slice(0, 5)).toEqual([])
    // A number seen again, or a key that is not E.164, leaves no place.
    table.see(numberOf(0))
    expect(table.lastPlaced).toBeUndefined()
    table.see("raw:call me")
    expect(table.lastPlaced).toBeUndefined()
  })
})
