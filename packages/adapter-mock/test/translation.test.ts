import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { SimulatorTransport } from "../src/index.ts"
import * as Translation from "../src/internal/ServerTranslation.ts"
import { check, translationCases } from "./helpers.ts"

describe("phone number translation (spec §2, vectors/translation.json)", () => {
  it("the vector file has cases (the tests below cannot pass on an empty file)", () => {
    expect(translationCases.length).toBeGreaterThanOrEqual(14)
  })

  for (const c of translationCases) {
    it(`+${c.registeredCallingCode} server: ${JSON.stringify(c.input)} → ${c.translated} (${c.source})`, () => {
      expect(Translation.translate(c.input, c.registeredCallingCode).number).toBe(c.translated)
    })
  }

  it("derives the calling code from the registered number", () => {
    expect(Translation.callingCodeOf("+16315550000")).toBe("1")
    expect(Translation.callingCodeOf("+44 7911 123456")).toBe("44")
    expect(Translation.callingCodeOf("+919876543210")).toBe("91")
  })

  it("a number that is not possible keeps its country code but is not possible", () => {
    expect(Translation.translate("+163155588", "1")).toEqual({ number: "+163155588", possible: false })
  })

  it("inputs with no digits translate to nothing", () => {
    expect(Translation.translate("+", "1").number).toBeUndefined()
    expect(Translation.translate("abc", "1").number).toBeUndefined()
    expect(Translation.translate("", "1").number).toBeUndefined()
  })

  it.effect("the vendor's failed example comes back failed without a wa_id", () =>
    Effect.gen(function*() {
      const failing = translationCases.filter((c) => c.source.includes("failed"))
      expect(failing.length).toBe(1)
      const { body } = yield* check(failing.map((c) => c.input), { blocking: "wait" }).pipe(
        Effect.provide(SimulatorTransport.layer({ version: "2.45.1" }))
      )
      expect(body.contacts).toEqual([{ input: failing[0]!.input, status: "failed" }])
    }))

  for (const c of translationCases.filter((c) => !c.source.includes("failed"))) {
    it.effect(`a server registered in +${c.registeredCallingCode} answers ${JSON.stringify(c.input)} with the wa_id of ${c.translated}`, () =>
      Effect.gen(function*() {
        // Repurposed server: every lookup ends valid with the digits of the translated number.
        const registered = `+${c.registeredCallingCode}${c.registeredCallingCode === "1" ? "6315550000" : "9876500000"}`
        const { body } = yield* check([c.input], { blocking: "wait" }).pipe(
          Effect.provide(SimulatorTransport.layer({ version: "2.45.1", registered, lookupLatencyMs: 0 }))
        )
        expect(body.contacts).toEqual([{ input: c.input, status: "valid", wa_id: c.translated.slice(1) }])
      }))
  }
})
