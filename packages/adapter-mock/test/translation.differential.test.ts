/**
 * Spec §2 "Phone number translation", differentially: the simulator translates on its own (it
 * models the server independently, to catch a client that predicts the server wrongly), so for
 * arbitrary inputs and every registered country, core's prediction and the simulator's
 * translation must agree — on the number the server looks up, and on whether it looks it up.
 */
import { describe, expect, it } from "@effect/vitest"
import { Translation } from "@wa-contacts/core"
import fc from "fast-check"
import { getCountries, getExampleNumber } from "libphonenumber-js/max"
import examples from "libphonenumber-js/examples.mobile.json" with { type: "json" }
import * as Server from "../src/internal/ServerTranslation.ts"

// One registered number per country libphonenumber knows: every calling code, shared ones too.
const registeredNumbers = getCountries()
  .map((country) => getExampleNumber(country, examples)?.number)
  .filter((n): n is NonNullable<typeof n> => n !== undefined)

const inputs = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom(..."0123456789+-() .") }),
  fc.tuple(fc.constantFrom("+", "", "0", "00", "011", " +", "+0"), fc.stringMatching(/^[0-9 ()-]{0,20}$/)).map(([a, b]) => a + b),
  fc.tuple(fc.constantFrom(...registeredNumbers), fc.constantFrom("", "0", " ", "-")).map(([n, sep]) => `${n.slice(0, 4)}${sep}${n.slice(4)}`),
  fc.constantFrom(...registeredNumbers).map((n) => n.slice(1))
)

describe("core's translation and the simulator's agree (fast-check, every registered country)", () => {
  it(`on the number the server looks up, for arbitrary inputs on ${registeredNumbers.length} registered numbers`, () => {
    let lookedUp = 0
    fc.assert(
      fc.property(inputs, fc.constantFrom(...registeredNumbers), (input, registered) => {
        const server = Server.translate(input, Server.callingCodeOf(registered)!)
        const core = Translation.translateNumber(input, Translation.callingCodeOf(registered))
        // Where the server looks a number up, the client predicted exactly that number.
        if (server.number !== undefined && server.possible) {
          lookedUp++
          expect(core).toBe(server.number)
        }
      }),
      { numRuns: 5000 }
    )
    console.log(`[differential] 5000 inputs, ${lookedUp} looked up by the server, all predicted by core`)
    expect(lookedUp).toBeGreaterThan(500)
  })

  it("on which inputs fail without a lookup: core's lint says so exactly when the server does not look it up", () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom(...registeredNumbers), (input, registered) => {
        const server = Server.translate(input, Server.callingCodeOf(registered)!)
        const core = Translation.translate(input, Translation.callingCodeOf(registered))
        const coreSaysFails = core.translated === undefined || core.warnings.some((w) => Translation.FAILING_CODES.has(w.code))
        expect(coreSaysFails).toBe(!(server.number !== undefined && server.possible))
      }),
      { numRuns: 3000 }
    )
  })

  it("on the registered country: both read the same calling code from every registered number", () => {
    for (const registered of registeredNumbers) {
      expect(Translation.callingCodeOf(registered)).toBe(Server.callingCodeOf(registered))
    }
  })
})
