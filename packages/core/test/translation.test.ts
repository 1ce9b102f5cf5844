/**
 * Spec §2 "Phone number translation": what the server turns each input into (every case of
 * vectors/translation.json), and the lint warnings a careful client gives before sending.
 */
import { describe, expect, it } from "@effect/vitest"
import { Translation } from "@wa-contacts/core"
import { translationCases } from "./support/vectors.ts"

const codesOf = (t: Translation.Translation) => t.warnings.map((w) => w.code)
const on = (registered: string) => Translation.callingCodeOf(registered)

describe("translation reproduces every case of vectors/translation.json", () => {
  it("the vectors are there", () => {
    expect(translationCases.length).toBeGreaterThanOrEqual(14)
  })

  it.each(translationCases.map((c) => [`${c.input} on +${c.registeredCallingCode}`, c] as const))("%s", (_, c) => {
    const t = Translation.translate(c.input, Translation.callingCodeOf(`+${c.registeredCallingCode}`))
    expect(t.translated).toBe(c.translated)
    expect(t.input).toBe(c.input)
  })

  it.each(translationCases.map((c) => [c.translated, c] as const))("translating %s again changes nothing", (_, c) => {
    const callingCode = on(`+${c.registeredCallingCode}`)
    const once = Translation.translate(c.input, callingCode)
    expect(once.translated).toBeDefined()
    expect(Translation.translate(once.translated!, callingCode).translated).toBe(once.translated)
  })
})

describe("the registered number's calling code", () => {
  it.each([
    ["+91", "91"],
    ["91", "91"],
    ["+1", "1"],
    ["+44 7911 123456", "44"],
    ["+1 631 555 1000", "1"],
    ["+919876543210", "91"]
  ])("%s → %s", (registered, code) => {
    expect(Translation.callingCodeOf(registered)).toBe(code)
  })

  it.each(["", "abc", "6315551000", "999", "+999", "0", "+0", "+", "+999 123 4567"])("%j has none", (registered) => {
    expect(Translation.callingCodeOf(registered)).toBeUndefined()
  })

  it("a misconfigured registered number does not make translation throw", () => {
    const translator = new Translation.Translator("999")
    expect(translator.callingCode).toBeUndefined()
    expect(translator.next("6315551002").warnings.map((w) => w.code)).toContain("UNKNOWN_REGISTERED_NUMBER")
  })
})

describe("lint warnings", () => {
  it("NO_PLUS on every input without a leading +", () => {
    expect(codesOf(Translation.translate("9876543210", on("+91")))).toEqual(["NO_PLUS"])
    expect(codesOf(Translation.translate("+919876543210", on("+91")))).toEqual([])
  })

  it("LIKELY_MISTRANSLATED: 1-631-555-1002 on an Indian server becomes +9116315551002, +16315551002 was meant", () => {
    const t = Translation.translate("1-631-555-1002", on("+91"))
    expect(t.translated).toBe("+9116315551002")
    expect(t.valid).toBe(false)
    expect(codesOf(t)).toContain("NO_PLUS")
    expect(codesOf(t)).toContain("LIKELY_MISTRANSLATED")
    expect(t.warnings.find((w) => w.code === "LIKELY_MISTRANSLATED")?.message).toContain("+16315551002")
  })

  it("no LIKELY_MISTRANSLATED for a valid national number", () => {
    const t = Translation.translate("09876543210", on("+91"))
    expect(t.valid).toBe(true)
    expect(codesOf(t)).not.toContain("LIKELY_MISTRANSLATED")
  })

  it("INVALID_NUMBER for a number of possible length that is not valid", () => {
    const t = Translation.translate("+1 111 111 1111", on("+1"))
    expect(t.valid).toBe(false)
    expect(codesOf(t)).toEqual(["INVALID_NUMBER"])
  })

  it("TOO_SHORT for the vendor's failed sample +163155588", () => {
    const t = Translation.translate("+163155588", on("+1"))
    expect(t.translated).toBe("+163155588")
    expect(codesOf(t)).toEqual(["TOO_SHORT"])
    expect(Translation.FAILING_CODES.has("TOO_SHORT")).toBe(true)
  })

  it("TOO_LONG for far too many digits", () => {
    const t = Translation.translate("+1 631 555 1000 1234567", on("+1"))
    expect(codesOf(t)).toEqual(["TOO_LONG"])
  })

  it("NO_DIGITS when there is nothing to dial", () => {
    const t = Translation.translate("+ ( ) -", on("+1"))
    expect(t.translated).toBeUndefined()
    expect(codesOf(t)).toEqual(["NO_DIGITS"])
  })

  it("INTERNATIONAL_PREFIX for 00 anywhere and 011 on a +1 server", () => {
    expect(codesOf(Translation.translate("0044 7911 123456", on("+44")))).toContain("INTERNATIONAL_PREFIX")
    expect(codesOf(Translation.translate("0044 7911 123456", on("+91")))).toContain("INTERNATIONAL_PREFIX")
    expect(codesOf(Translation.translate("011 44 7911 123456", on("+1")))).toContain("INTERNATIONAL_PREFIX")
    expect(codesOf(Translation.translate("011 44 7911 123456", on("+91")))).not.toContain("INTERNATIONAL_PREFIX")
    expect(codesOf(Translation.translate("07911 123456", on("+44")))).not.toContain("INTERNATIONAL_PREFIX")
  })

  it("UNKNOWN_REGISTERED_NUMBER without a registered number, and no guessed translation", () => {
    const t = Translation.translate("6315551002", undefined)
    expect(t.translated).toBeUndefined()
    expect(codesOf(t)).toEqual(["NO_PLUS", "UNKNOWN_REGISTERED_NUMBER"])
  })
})

describe("DUPLICATE via Translator.next", () => {
  it("the same input twice, and another format of the same number, are duplicates", () => {
    const translator = new Translation.Translator("+1 631 555 0000")
    const first = translator.next("+1 631 555 1000")
    const same = translator.next("+1 631 555 1000")
    const other = translator.next("+16315551000")
    const national = translator.next("(631) 555-1000")
    const different = translator.next("+16315551001")
    expect(first.first).toBe(true)
    expect(codesOf(first)).not.toContain("DUPLICATE")
    for (const dup of [same, other, national]) {
      expect(dup.first).toBe(false)
      expect(dup.key).toBe(first.key)
      expect(codesOf(dup)).toContain("DUPLICATE")
    }
    expect(other.warnings.find((w) => w.code === "DUPLICATE")?.message).toContain("+1 631 555 1000")
    expect(different.first).toBe(true)
  })

  it("translate() alone never adds DUPLICATE", () => {
    const translator = new Translation.Translator("+91")
    translator.translate("+919876543210")
    expect(codesOf(translator.translate("+919876543210"))).toEqual([])
  })
})
