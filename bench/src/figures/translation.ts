// Figures 1 and 2: core translation and lint against bare libphonenumber-js on the same inputs,
// in CPU time (see harness `rate`), medians of interleaved runs.
import { Translation } from "@wa-contacts/core"
import { parsePhoneNumberFromString } from "libphonenumber-js/max"
import { type Figure, interleaved, type Size } from "../harness.ts"
import { makeInputs } from "../inputs.ts"

const REGISTERED = "+16315550000"

export const translationFigures = (size: Size): Array<Figure> => {
  const n = size.quick ? 20_000 : 1_000_000
  const rounds = size.quick ? 2 : 3
  const inputs = makeInputs(n)
  const cc = Translation.callingCodeOf(REGISTERED)
  let sink = 0

  const bareParse = () => {
    for (const input of inputs) if (parsePhoneNumberFromString(input, { defaultCallingCode: "1" }) !== undefined) sink++
  }
  const bareParseAndValid = () => {
    for (const input of inputs) if (parsePhoneNumberFromString(input, { defaultCallingCode: "1" })?.isValid()) sink++
  }
  const coreTranslate = () => {
    for (const input of inputs) if (Translation.translateNumber(input, cc) !== undefined) sink++
  }
  const coreLint = () => {
    for (const input of inputs) sink += Translation.translate(input, cc).warnings.length
  }

  const t = interleaved(rounds, n, bareParse, coreTranslate)
  const l = interleaved(rounds, n, bareParseAndValid, coreLint)
  if (sink === 42) console.log("") // keep the work observable
  return [
    {
      id: 1,
      name: `core translation (${n.toLocaleString("en-US")} inputs)`,
      value: t.subject,
      unit: "numbers/s",
      anchor: t.anchor,
      anchorName: "bare libphonenumber-js parse (max)",
      ratio: t.subject / t.anchor,
      goal: "ratio >= 0.8",
      met: t.subject / t.anchor >= 0.8
    },
    {
      id: 2,
      name: `core lint (${n.toLocaleString("en-US")} inputs), median of ${rounds} runs`,
      value: l.subject,
      unit: "numbers/s",
      anchor: l.anchor,
      anchorName: "bare parse + isValid (max)",
      ratio: l.subject / l.anchor,
      goal: "ratio >= 0.9",
      met: l.subject / l.anchor >= 0.9
    }
  ]
}
