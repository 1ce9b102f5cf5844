/**
 * The direct path of row decoding builds exactly what core's `StoredNumberRow` + `fromRow` build,
 * and leaves every other shape to the schema (which accepts or rejects it).
 */
import { describe, expect, it } from "@effect/vitest"
import { ResultStore } from "@wa-contacts/core"
import { Schema } from "effect"
import fc from "fast-check"
import * as Rows from "../src/internal/rows.ts"

const bySchema = (row: unknown) => ResultStore.fromRow(Schema.decodeUnknownSync(ResultStore.StoredNumberRow)(row))
/** A row as the store reads it: its values in `NUMBER_COLUMNS` order. */
const values = (row: Record<string, unknown>) => Rows.COLUMN_NAMES.map((name) => row[name])
const outcome = (f: () => unknown) => {
  try {
    return { ok: f() }
  } catch {
    return { failed: true }
  }
}

const cell = fc.oneof(
  fc.constant(null), fc.constant(0), fc.constant(1), fc.constant(true), fc.constant(false), fc.constant(2),
  fc.constant(1.5), fc.constant(12n), fc.constant("7"), fc.constant("x"), fc.integer(), fc.string()
)
const literal = (values: ReadonlyArray<string>) => fc.oneof(fc.constantFrom(...values), cell)
const row = fc.record({
  number: fc.oneof(fc.constant("+15550001"), cell),
  added_at: fc.oneof(fc.integer({ min: 0 }), cell),
  status: literal(ResultStore.StoredStatus.literals),
  outcome: literal(ResultStore.StoredOutcome.literals),
  wa_id: fc.oneof(fc.constant("15550001"), cell),
  wa_id_trusted: cell,
  anomaly: cell,
  semantics: literal(ResultStore.StoredSemantics.literals),
  server_version: fc.oneof(fc.constant("2.41.3"), cell),
  detail: cell,
  checked_at: fc.oneof(fc.integer({ min: 0 }), cell)
})

const validRow = fc.record({
  number: fc.string(),
  added_at: fc.nat(),
  status: fc.constantFrom(...ResultStore.StoredStatus.literals),
  outcome: fc.constantFrom(...ResultStore.StoredOutcome.literals),
  wa_id: fc.option(fc.string(), { nil: null }),
  wa_id_trusted: fc.constantFrom(0, 1, true, false),
  anomaly: fc.constantFrom(0, 1, true, false),
  semantics: fc.constantFrom(...ResultStore.StoredSemantics.literals),
  server_version: fc.option(fc.string(), { nil: null }),
  detail: fc.option(fc.string(), { nil: null }),
  checked_at: fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 50n }))
})

describe("rows: decoding a wa_numbers row", () => {
  it("a row that is not an array of the columns is the schema's to refuse", () => {
    expect(outcome(() => Rows.toStoredNumber(null as never))).toEqual({ failed: true })
    expect(outcome(() => Rows.toStoredNumber(["+15550001", 5] as never))).toEqual({ failed: true })
  })

  it("builds exactly the schema's result for every valid row", () => {
    fc.assert(fc.property(validRow, (r) => {
      expect(Rows.toStoredNumber(values(r))).toEqual(bySchema(r))
    }), { numRuns: 5_000 })
  })

  it("agrees with core's schema on every row, valid or not", () => {
    fc.assert(fc.property(row, (r) => {
      expect(outcome(() => Rows.toStoredNumber(values(r)))).toEqual(outcome(() => bySchema(r)))
    }), { numRuns: 5_000 })
  })

  it("reads a SQLite row (0/1 flags) and a PostgreSQL row (bigint times, booleans) alike", () => {
    const sqlite = {
      number: "+15550001", added_at: 5, status: "valid", outcome: "WhatsAppUser", wa_id: "15550001", wa_id_trusted: 1,
      anomaly: 0, semantics: "legacy", server_version: "2.41.3", detail: null, checked_at: 9
    }
    const pg = { ...sqlite, added_at: 5n, checked_at: "9", wa_id_trusted: true, anomaly: false }
    expect(Rows.toStoredNumber(values(pg))).toEqual(Rows.toStoredNumber(values(sqlite)))
    expect(Rows.toStoredNumber(values(sqlite)).result?.wa_id_trusted).toBe(true)
  })

  it("writes history JSON that decodes back to the same result", () => {
    const r: ResultStore.StoredResult = {
      status: "invalid", outcome: "NotWhatsAppUser", wa_id: null, wa_id_trusted: false, anomaly: true,
      semantics: "repurposed", server_version: null, detail: null, checked_at: 1_700_000_000_000
    }
    const entry = Rows.toHistoryEntry({ number: "+1", change: "new", checked_at: 1, previous: null, current: Rows.resultJson(r) })
    expect(entry.current).toEqual(r)
  })
})
