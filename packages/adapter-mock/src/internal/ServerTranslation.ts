/**
 * The server's phone number translation (spec §2), implemented independently of the core's so
 * that the simulator can catch a client that predicts it wrongly.
 *
 * @internal
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max"

/** What the server makes of one input. */
export interface Translated {
  /** The international number (`+` and digits), or `undefined` when nothing could be read. */
  readonly number: string | undefined
  /** Whether the number is possible (right length for its country): only those are looked up. */
  readonly possible: boolean
}

const digitsOf = (text: string): string => text.replace(/\D/g, "")

/** The country calling code of the registered number (`+16315550000` → `1`); `undefined` when it has none. */
export const callingCodeOf = (registered: string): string | undefined =>
  parsePhoneNumberFromString(`+${digitsOf(registered)}`)?.countryCallingCode

/**
 * Translate an input as the server does: with a leading `+` every non-digit is dropped and the
 * country code is kept even when the rest is not valid; without it the input is read as a
 * national number of the registered country (its trunk prefix dropped), exactly like
 * libphonenumber's parse with a default calling code. The `max` metadata is used because the
 * smaller sets disagree on the cases that matter (spec/protocol.md).
 */
export const translate = (input: string, callingCode: string): Translated => {
  const trimmed = input.trim()
  if (trimmed.startsWith("+")) {
    const digits = digitsOf(trimmed)
    if (digits.length === 0) return { number: undefined, possible: false }
    const number = `+${digits}`
    return { number, possible: parsePhoneNumberFromString(number)?.isPossible() ?? false }
  }
  const parsed = parsePhoneNumberFromString(trimmed, { defaultCallingCode: callingCode })
  if (parsed === undefined) return { number: undefined, possible: false }
  return { number: parsed.number, possible: parsed.isPossible() }
}

/** The wa_id a repurposed server derives from a translated number: its digits. */
export const digitsWaId = (number: string): string => digitsOf(number)
