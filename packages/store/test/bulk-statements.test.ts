/**
 * The bulk statements reuse their compiled text per shape: a later call of the same shape must
 * be exactly what its template compiles to, on both dialects (text and parameters).
 */
import { Effect, Schema } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { describe, expect, it } from "vitest"
import { ResultStore } from "@wa-contacts/core"
import * as Bulk from "../src/internal/bulk.ts"
import { forEachBackend, freshLayer } from "./support/backends.ts"

const numbers = (from: number, n: number) => Array.from({ length: n }, (_, i) => `+1631555${String(from + i).padStart(4, "0")}`) as unknown as readonly [string, ...Array<string>]

const result = (i: number): ResultStore.StoredResult => ({
  status: i % 3 === 0 ? "invalid" : "valid",
  outcome: i % 3 === 0 ? "NotWhatsAppUser" : "WhatsAppUser",
  wa_id: i % 3 === 0 ? null : `1631555${i}`,
  wa_id_trusted: i % 3 !== 0,
  anomaly: i % 7 === 0,
  semantics: i % 2 === 0 ? "legacy" : "repurposed",
  server_version: i % 5 === 0 ? null : "2.45.1",
  detail: null,
  checked_at: 1_700_000_000_000 + i
})

forEachBackend((backend) =>
  describe(`${backend.name}: bulk statements`, () => {
    it("a statement of a shape already compiled is what its template compiles to", () =>
      Effect.runPromise(Effect.scoped(Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const reused = Bulk.make(sql)
        // Calls 1 and 2 have one shape, call 3 another.
        const rows = (k: number) => (k === 3 ? 4 : 3)
        const args = (k: number) => ({ owner: `run-${k}`, now: 1_000 * k, until: 1_000 * k + 30_000 })
        const writes = (from: number) => numbers(from, rows(from / 10)).map((number, i) => ({ number, result: result(from + i), history: undefined })) as unknown as readonly [ResultStore.ResultWrite, ...Array<ResultStore.ResultWrite>]
        const cases: ReadonlyArray<(bulk: ReturnType<typeof Bulk.make>, k: number) => { compile: () => readonly [string, ReadonlyArray<unknown>] }> = [
          (bulk, k) => bulk.lookup(numbers(10 * k, rows(k))),
          (bulk, k) => bulk.claim(numbers(10 * k, rows(k)), args(k)),
          (bulk, k) => bulk.charge(numbers(10 * k, rows(k)), args(k), 500 * k),
          (bulk, k) => bulk.write(writes(10 * k), `run-${k}`, 2_000 * k)
        ]
        // On SQLite the rows go in as one JSON value: one text for every number of rows.
        const sizedText = sql.onDialectOrElse({ sqlite: () => false, orElse: () => true })
        for (const build of cases) {
          build(reused, 1) // compiles the shape from the template
          const later = build(reused, 2).compile() // reuses its text
          const fromTemplate = build(Bulk.make(sql), 2).compile() // a fresh cache: the template itself
          expect(later[0]).toBe(fromTemplate[0])
          expect(later[1]).toEqual(fromTemplate[1])
          // Another shape is compiled from its own template.
          const other = build(reused, 3).compile()
          if (sizedText) expect(other[0]).not.toBe(later[0])
          expect(other).toEqual(build(Bulk.make(sql), 3).compile())
        }
      }).pipe(Effect.provide(freshLayer(backend))))))

    it("a lookup refuses a row holding a value its schema does not know, in any column it codes", () =>
      Effect.runPromise(Effect.scoped(Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const store = yield* ResultStore.ResultStore
        const [n0, n1, n2, n3] = numbers(0, 4) as unknown as readonly [string, string, string, string]
        yield* store.write({ owner: "a", results: [n0, n1, n2, n3].map((number, i) => ({ number, result: result(i + 1) })), release: [], at: 5 })
        // An index where a literal is expected, a word of no list, a number where a wa_id is text.
        yield* sql`UPDATE wa_numbers SET status = ${0} WHERE number = ${n1}`
        yield* sql`UPDATE wa_numbers SET outcome = ${"Maybe"} WHERE number = ${n2}`
        yield* sql`UPDATE wa_numbers SET semantics = ${"0"} WHERE number = ${n3}`
        expect((yield* store.lookup([n0])).get(n0)?.result).toEqual(result(1))
        for (const number of [n1, n2, n3]) {
          const failed = yield* Effect.flip(store.lookup([n0, number]))
          expect(failed).toBeInstanceOf(ResultStore.StoreError)
          expect(failed.operation).toBe("lookup")
        }
      }).pipe(Effect.provide(freshLayer(backend))))))

    it("a lookup reads every kind of stored row exactly as the schema reads the row itself", () =>
      Effect.runPromise(Effect.scoped(Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const store = yield* ResultStore.ResultStore
        // Every literal, flag and wa_id form, with odd versions, details and times.
        const versions = [null, "2.53.2", "", "v".repeat(99), "2.5€", "a;b"]
        const times = [0, 1_700_000_000_123, 9_999_999_999_999, 10_000_000_000_000]
        const kinds: Array<ResultStore.StoredResult> = []
        let k = 0
        for (const status of ["valid", "invalid", "failed"] as const) {
          for (const outcome of ["WhatsAppUser", "NotWhatsAppUser", "Checked", "Failed"] as const) {
            for (const semantics of ["legacy", "repurposed", "unknown"] as const) {
              for (const flags of [0, 1, 2, 3]) {
                k++
                kinds.push({
                  status, outcome, semantics,
                  wa_id: k % 3 === 0 ? null : k % 3 === 1 ? "digits" : "4470000",
                  wa_id_trusted: (flags & 1) === 1,
                  anomaly: (flags & 2) === 2,
                  server_version: versions[k % versions.length]!,
                  detail: k % 5 === 0 ? "the server's check failed" : null,
                  checked_at: times[k % times.length]!
                })
              }
            }
          }
        }
        const list = numbers(0, kinds.length)
        yield* store.write({
          owner: "a",
          results: kinds.map((r, i) => ({ number: list[i]!, result: { ...r, wa_id: r.wa_id === "digits" ? list[i]!.slice(1) : r.wa_id } })),
          release: [],
          at: 5
        })
        // Never checked, and added at a late time.
        const [unchecked, late] = numbers(kinds.length, 2) as unknown as readonly [string, string]
        yield* store.claim({ numbers: [unchecked, late], owner: "b", now: 7, until: 8 })
        yield* sql`UPDATE wa_numbers SET added_at = ${10_000_000_000_001} WHERE number = ${late}`
        const all = [...list, unchecked, late]
        const rows = yield* sql<Record<string, unknown>>`SELECT * FROM wa_numbers`
        const expected = new Map(rows.map((row) => {
          const stored = ResultStore.fromRow(Schema.decodeUnknownSync(ResultStore.StoredNumberRow)(row))
          return [stored.number, stored] as const
        }))
        const found = yield* store.lookup(all)
        expect(found.size).toBe(all.length)
        for (const number of all) expect(found.get(number)).toEqual(expected.get(number))
      }).pipe(Effect.provide(freshLayer(backend))))))

    it("more shapes than are kept: each is still what its template compiles to", () =>
      Effect.runPromise(Effect.scoped(Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const bulk = Bulk.make(sql)
        const sizes = Array.from({ length: Bulk.SHAPES + 8 }, (_, i) => i + 1)
        for (const round of [1, 2]) {
          for (const size of sizes) {
            const statement = bulk.lookup(numbers(100 * round + size, size)).compile()
            expect(statement).toEqual(Bulk.make(sql).lookup(numbers(100 * round + size, size)).compile())
          }
        }
      }).pipe(Effect.provide(freshLayer(backend))))))
  }))
