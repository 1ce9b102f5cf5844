/**
 * Issue 13 item 13, "lint tells the truth": a trunk prefix kept after the country code
 * (`+44 (0)20 7946 0958`, `+440…`, `+49 0…`) is sent by the server as written — a number that
 * does not exist — so the client warns, and `valid` describes the number that will be sent, not
 * libphonenumber's reading of it (which drops the prefix). The same in bulk checks' lint.
 */
import { describe, expect, it } from "@effect/vitest"
import { Translation } from "@wa-contacts/core"

const on = (registered: string) => Translation.callingCodeOf(registered)
const codesOf = (t: Translation.Translation) => t.warnings.map((w) => w.code)

describe("a trunk prefix kept after the country code", () => {
  it.each([
    ["+44 (0)20 7946 0958", "+4402079460958", "+442079460958", "0"],
    ["+4402079460958", "+4402079460958", "+442079460958", "0"],
    ["+44 07911 123456", "+4407911123456", "+447911123456", "0"],
    ["+49 030 1234567", "+490301234567", "+49301234567", "0"],
    ["+49 (0)151 23456789", "+49015123456789", "+4915123456789", "0"],
    ["+33 (0)6 12 34 56 78", "+330612345678", "+33612345678", "0"],
    ["+1 1 631 555 1000", "+116315551000", "+16315551000", "1"]
  ])("%s: the server checks %s, so it is not valid, and the warning names %s", (input, sent, meant, prefix) => {
    const t = Translation.translate(input, on("+16315550000"))
    expect(t.translated).toBe(sent)
    expect(t.valid).toBe(false)
    expect(codesOf(t)).toEqual(["TRUNK_PREFIX"])
    const message = t.warnings[0]!.message
    expect(message).toContain(`"${prefix}"`)
    expect(message).toContain(sent)
    expect(message).toContain(`send ${meant}`)
  })

  it("the same number without the prefix is valid, with no warning", () => {
    const t = Translation.translate("+44 20 7946 0958", on("+16315550000"))
    expect(t.translated).toBe("+442079460958")
    expect(t.valid).toBe(true)
    expect(t.warnings).toEqual([])
  })

  it("Italy's leading 0 is part of the number, not a trunk prefix: +39 06 6982 1234 is valid as sent", () => {
    const t = Translation.translate("+39 06 6982 1234", on("+16315550000"))
    expect(t.translated).toBe("+390669821234")
    expect(t.valid).toBe(true)
    expect(t.warnings).toEqual([])
  })

  it("Argentina's mobile 9 stays: +54 9 11 5612-1008 is valid as sent (vector)", () => {
    const t = Translation.translate("+54 9 11 5612-1008", on("+91"))
    expect(t.translated).toBe("+5491156121008")
    expect(t.valid).toBe(true)
  })

  it("bulk checks' lint (validity ambiguous) warns too, with valid false; other numbers keep valid undefined", () => {
    const bad = Translation.translate("+44 (0)20 7946 0958", on("+1"), "ambiguous")
    expect(bad.valid).toBe(false)
    expect(codesOf(bad)).toEqual(["TRUNK_PREFIX"])
    // Verdicts are shared per shape (first digits and length): a number without the prefix does
    // not lend its verdict to one with it.
    expect(Translation.translate("+49 15123456789", on("+1"), "ambiguous").valid).toBeUndefined()
    const later = Translation.translate("+49 0151 2345678", on("+1"), "ambiguous")
    expect(codesOf(later)).toEqual(["TRUNK_PREFIX"])
    const good = Translation.translate("+44 20 7946 0958", on("+1"), "ambiguous")
    expect(good.valid).toBeUndefined()
    expect(good.warnings).toEqual([])
  })

  it("a Translator (bulk lint) gives the same verdict on every repeat", () => {
    const translator = new Translation.Translator("+16315550000", "ambiguous")
    for (let i = 0; i < 3; i++) expect(codesOf(translator.translate("+440 20 7946 0958"))).toEqual(["TRUNK_PREFIX"])
  })

  it("without +, a mistranslation names the number meant, not one with the prefix kept", () => {
    // Read on a +1 server as +14402079460958; with a + it would be +4402079460958, itself a
    // number that does not exist: the meant number is +442079460958.
    const t = Translation.translate("4402079460958", on("+16315550000"))
    expect(t.translated).toBe("+14402079460958")
    expect(codesOf(t)).toContain("LIKELY_MISTRANSLATED")
    expect(t.warnings.find((w) => w.code === "LIKELY_MISTRANSLATED")?.message).toContain("+442079460958 probably was meant")
  })

  it("the translation stays idempotent: the number as sent translates to itself", () => {
    const t = Translation.translate("+44 (0)20 7946 0958", on("+1"))
    expect(Translation.translate(t.translated!, on("+1")).translated).toBe(t.translated)
  })
})
