/**
 * What the shape of an international number says (its first digits and its length), cached per
 * shape: the length lint of a bulk check costs one libphonenumber parse per shape, not per number.
 *
 * @internal
 */
import { parsePhoneNumberFromString, validatePhoneNumberLength } from "libphonenumber-js/max"
import type { Warning, WarningCode } from "../Translation.ts"

export const warn = (code: WarningCode, message: string): Warning => ({ code, message })

/**
 * libphonenumber-js reports a length problem by constructing (and catching) an `Error`; capturing
 * its stack trace was a third of the cost of linting a list full of bad numbers. Nothing reads
 * that stack, so it is not captured.
 */
const lengthVerdict = (e164: string): ReturnType<typeof validatePhoneNumberLength> => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return validatePhoneNumberLength(e164)
  } finally {
    Error.stackTraceLimit = limit
  }
}

const lengthWarning = (e164: string): Warning | undefined => {
  switch (lengthVerdict(e164)) {
    case undefined:
      return undefined
    case "TOO_SHORT":
      return warn("TOO_SHORT", `${e164} is too short to be a phone number: the check will fail`)
    case "TOO_LONG":
      return warn("TOO_LONG", `${e164} is too long to be a phone number: the check will fail`)
    case "INVALID_COUNTRY":
      return warn("INVALID_COUNTRY_CODE", `${e164} does not start with a country calling code: the check will fail`)
    default:
      return warn("INVALID_LENGTH", `${e164} has a length no number of its country has: the check will fail`)
  }
}

/**
 * What the shape of an international number says: its first four digits (the calling code and the
 * start of the national number, which is what picks the country within a shared calling code such
 * as +1 or +7) and its length. A list of a million numbers has a few thousand shapes, so the parse
 * behind a verdict runs once per shape instead of once per number.
 * - `length`: the length warning, when the length is off (the message names the sample number);
 * - `callingCode`: the calling code libphonenumber read, when it knows one;
 * - `strips`: whether libphonenumber's reading of the sample dropped digits the server keeps (a
 *   trunk prefix after the calling code, `+44 0…`, `+1 1…`): numbers of such a shape need a parse.
 */
export interface ShapeVerdict {
  readonly length: Warning | null
  readonly callingCode: string | undefined
  readonly strips: boolean
}
const verdictByShape = new Map<number, ShapeVerdict>()
const SHAPE_CACHE_SIZE = 16_384

/**
 * The verdict on the shape of the digits of `text` from `start` (all digits). The shape is keyed by
 * a number read from the characters (the first four digits' value and count, and the length):
 * a string key was a slice and a template per input, 5% of a run answered from the store (bench
 * figure 22).
 */
export const shapeOf = (text: string, start = 0): ShapeVerdict => {
  const length = text.length - start
  const prefix = Math.min(4, length)
  let value = 0
  for (let i = 0; i < prefix; i++) value = value * 10 + text.charCodeAt(start + i) - 48
  // value·5 + prefix < 50,000: distinct for every (prefix, length).
  const shape = length * 50_000 + value * 5 + prefix
  let verdict = verdictByShape.get(shape)
  if (verdict === undefined) {
    const e164 = start === 1 ? text : `+${text.slice(start)}`
    const parsed = parsePhoneNumberFromString(e164)
    verdict = {
      length: parsed?.isPossible() === true ? null : (lengthWarning(e164) ?? null),
      callingCode: parsed?.countryCallingCode,
      strips: parsed !== undefined && parsed.number !== e164
    }
    if (verdictByShape.size >= SHAPE_CACHE_SIZE) verdictByShape.clear()
    verdictByShape.set(shape, verdict)
  }
  return verdict
}

/** The shape's length warning, naming this number (the verdict is shared, the message is not). */
export const lengthOfShape = (verdict: ShapeVerdict, e164: string): Warning | undefined =>
  verdict.length === null ? undefined : { code: verdict.length.code, message: verdict.length.message.replace(/^\+\d+/, e164) }
