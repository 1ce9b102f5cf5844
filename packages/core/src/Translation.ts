/**
 * What the server will make of a phone number (spec §2 "Phone number translation"), and the
 * warnings a careful client gives before sending it. Pure and synchronous: no I/O, no Effect.
 *
 * Metadata: `libphonenumber-js/max`. The headline warning — an input without `+` that the server
 * will turn into a number of its own country (`1-631-555-1002` on an Indian server becomes
 * `+9116315551002`) — needs full validity data: with the `min` set that number passes as valid
 * in India, and the `mobile` set marks landlines invalid (spec/protocol.md).
 *
 * @since 0.1.0
 */
import {
  parsePhoneNumberFromString,
  type CountryCallingCode,
  type PhoneNumber
} from "libphonenumber-js/max"
import { lengthOfShape, shapeOf, warn } from "./internal/Shape.ts"

/** An international number as the server sees it: `+` and digits. */
export type TranslatedNumber = string & { readonly TranslatedNumber: unique symbol }

/** Stable codes of the lint warnings. */
export type WarningCode =
  | "NO_PLUS"
  | "LIKELY_MISTRANSLATED"
  | "INVALID_NUMBER"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "INVALID_LENGTH"
  | "INVALID_COUNTRY_CODE"
  | "NO_DIGITS"
  | "INTERNATIONAL_PREFIX"
  | "TRUNK_PREFIX"
  | "UNKNOWN_REGISTERED_NUMBER"
  | "UNREADABLE"
  | "DUPLICATE"

/** A lint warning: a stable code and a message for people. */
export interface Warning {
  readonly code: WarningCode
  readonly message: string
}

/** The warnings that mean the server's check of this input will fail. */
export const FAILING_CODES: ReadonlySet<WarningCode> = new Set(["TOO_SHORT", "TOO_LONG", "INVALID_LENGTH", "NO_DIGITS", "INVALID_COUNTRY_CODE", "UNREADABLE"])

/** What one input becomes. `translated` is absent only when it cannot be known (no digits, or no `+` and no registered number). */
export interface Translation {
  readonly input: string
  readonly translated: TranslatedNumber | undefined
  /**
   * Whether the translated number — the one the server will check, digit for digit — is a valid
   * number (libphonenumber-js `max`); `undefined` when the check was skipped (`validity:
   * "ambiguous"` and an input with `+`). Never libphonenumber's normalised reading of it: that
   * drops a trunk prefix kept after the country code (`+44 (0)20…`), which the server keeps.
   */
  readonly valid: boolean | undefined
  readonly warnings: ReadonlyArray<Warning>
}

/** The registered number's country calling code, e.g. `"91"` for `+91 …`. */
export type CallingCode = string & { readonly CallingCode: unique symbol }

/**
 * The calling code of the server's registered number, or `undefined` when it is not an
 * international number. Uses `.countryCallingCode`, never `.country`: `+1` and `+44` are shared by
 * several countries and some codes have none.
 */
export const callingCodeOf = (registeredNumber: string): CallingCode | undefined => {
  const trimmed = registeredNumber.trim()
  // A bare calling code ("91", "+91") is accepted too, when it is a real one.
  const bare = /^\+?(\d{1,3})$/.exec(trimmed)
  if (bare !== null) return isKnownCallingCode(bare[1]!) ? (bare[1] as CallingCode) : undefined
  if (!trimmed.startsWith("+")) return undefined
  const parsed = parsePhoneNumberFromString(trimmed)
  return parsed === undefined ? undefined : (parsed.countryCallingCode as CallingCode)
}

/**
 * Whether libphonenumber knows the calling code: a parse with an unknown default calling code
 * ("999", "0") throws, and nothing in the core may throw.
 */
const isKnownCallingCode = (code: string): boolean => {
  try {
    parsePhoneNumberFromString("2345678", { defaultCallingCode: code })
    return true
  } catch {
    return false
  }
}

const NON_DIGITS = /\D/g

/**
 * `+` and digits, nothing else (the form most lists hold): read character by character, cheaper
 * than the regular expressions the other forms need.
 *
 * @internal
 */
export const isPlainE164 = (value: string): boolean => {
  const length = value.length
  if (length < 2 || value.charCodeAt(0) !== 43) return false
  for (let i = 1; i < length; i++) {
    const c = value.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/**
 * The warning for an international number that libphonenumber reads as another number: it drops
 * a trunk prefix kept after the calling code (`+44 (0)20 7946 0958`, `+49 030…`, `+1 1 631…`),
 * which is dialled only within the country. The server does not drop it: it checks the digits as
 * sent, a number that does not exist. `undefined` when the reading is the number as sent.
 */
const trunkPrefixWarning = (translated: TranslatedNumber, parsed: PhoneNumber | undefined): Warning | undefined => {
  if (parsed === undefined || parsed.number === translated) return undefined
  const callingCode = parsed.countryCallingCode
  const national = translated.slice(1 + callingCode.length)
  const prefix = national.endsWith(parsed.nationalNumber) ? national.slice(0, national.length - parsed.nationalNumber.length) : ""
  return warn(
    "TRUNK_PREFIX",
    prefix.length > 0 && translated.startsWith(`+${callingCode}`)
      ? `${JSON.stringify(prefix)} after +${callingCode} is a trunk prefix, dialled only within the country: the server will check ${translated}, not ${parsed.number}; send ${parsed.number}`
      : `the server will check ${translated} as sent, which is not a valid number; ${parsed.number} probably was meant`
  )
}

/**
 * The valid number an international number was meant to be: itself when valid as sent, the number
 * without its trunk prefix when only that is valid (`+4402079460958` → `+442079460958`).
 */
const meantNumber = (e164: string): string | undefined => {
  const parsed = parsePhoneNumberFromString(e164)
  return parsed?.isValid() === true ? parsed.number : undefined
}

/** Whether the digits start with an international dialling prefix of the registered country. */
const usesInternationalPrefix = (digits: string, callingCode: CallingCode | undefined): boolean =>
  digits.startsWith("00") || (callingCode === "1" && digits.startsWith("011"))

/** No warnings: shared, never changed (a new empty array per input was garbage a run made a million of). */
const NO_WARNINGS: ReadonlyArray<Warning> = Object.freeze([])

/**
 * An international number with `validity: "ambiguous"`: sent as written, so the server's answer is
 * the verdict; only its shape's length and a trunk prefix after the calling code are linted.
 * `translated` is `+` and the digits of `input`.
 */
const sentAsWritten = (input: string, translated: TranslatedNumber): Translation => {
  const shape = shapeOf(translated, 1)
  const length = lengthOfShape(shape, translated)
  if (length !== undefined) return { input, translated, valid: false, warnings: [length] }
  // A trunk prefix needs a parse; only numbers that can have one get it: those of a shape whose
  // sample lost digits, and those with a 0 (the trunk prefix of most countries) after the code.
  const trunk = shape.strips || (shape.callingCode !== undefined && translated.charCodeAt(1 + shape.callingCode.length) === 48)
    ? trunkPrefixWarning(translated, parsePhoneNumberFromString(translated))
    : undefined
  return trunk === undefined ? { input, translated, valid: undefined, warnings: NO_WARNINGS } : { input, translated, valid: false, warnings: [trunk] }
}

/**
 * Translate one input as a server registered with `callingCode` will, with its lint warnings
 * (all but `DUPLICATE`, which needs the other inputs: see {@link Translator}).
 *
 * - With a leading `+`: every non-digit is dropped.
 * - Without: read as a national number of the registered country, with its dialling rules (its
 *   trunk prefix is dropped), exactly as libphonenumber's parse with a default calling code; the
 *   calling code is kept even when the result is not a valid number.
 */
export const translate = (
  input: string,
  callingCode: CallingCode | undefined,
  validity: Validity = "all"
): Translation => {
  if (validity === "ambiguous" && isPlainE164(input)) return sentAsWritten(input, input as TranslatedNumber)
  const trimmed = input.trim()
  const digits = trimmed.replace(NON_DIGITS, "")
  if (digits.length === 0) {
    return { input, translated: undefined, valid: false, warnings: [warn("NO_DIGITS", "the input has no digits: the check will fail")] }
  }
  if (trimmed.startsWith("+")) {
    const translated = `+${digits}` as TranslatedNumber
    if (validity === "ambiguous") return sentAsWritten(input, translated)
    const parsed = parsePhoneNumberFromString(translated)
    // A valid number has a possible length (its patterns imply it): the length is asked about, and
    // its problem taken from the shape's verdict, only for the others.
    const valid = parsed?.isValid() ?? false
    const length = valid || parsed?.isPossible() === true ? undefined : lengthOfShape(shapeOf(translated, 1), translated)
    if (length !== undefined) return { input, translated, valid: false, warnings: [length] }
    // libphonenumber's verdict is about its own reading; when that is not the number as sent, the
    // number as sent is not a valid one (the reading drops digits only the server would keep).
    const trunk = trunkPrefixWarning(translated, parsed)
    if (trunk !== undefined) return { input, translated, valid: false, warnings: [trunk] }
    return { input, translated, valid, warnings: valid ? [] : [warn("INVALID_NUMBER", `${translated} is not a valid phone number`)] }
  }

  const noPlus = warn(
    "NO_PLUS",
    callingCode === undefined
      ? "no leading +: the server will read it as a number of its own country"
      : `no leading +: the server will read it as a number of +${callingCode}`
  )
  const warnings: Array<Warning> = [noPlus]
  if (usesInternationalPrefix(digits, callingCode)) {
    warnings.push(warn(
      "INTERNATIONAL_PREFIX",
      "starts with an international dialling prefix (00 or 011) instead of +: the server does not read it as one"
    ))
  }
  if (callingCode === undefined) {
    warnings.push(warn("UNKNOWN_REGISTERED_NUMBER", "the server's registered number is not configured: cannot tell what it becomes"))
    return { input, translated: undefined, valid: false, warnings }
  }
  const parsed = parsePhoneNumberFromString(trimmed, { defaultCallingCode: callingCode as CountryCallingCode })
  const translated = (parsed?.number ?? `+${callingCode}${digits}`) as TranslatedNumber
  if (parsed === undefined) {
    // The server's national reading is the same parse: where it reads nothing (a `+` after the
    // start, letters among the digits), it looks nothing up.
    warnings.push(warn("UNREADABLE", `the server cannot read it as a number of +${callingCode}: the check will fail`))
    return { input, translated, valid: false, warnings }
  }
  const valid = parsed.isValid()
  // The verdict on the national reading is the server's: the shape's verdict (on the international
  // form) only names the problem, and a reading impossible as dialled fails even when the same
  // digits would be possible written internationally.
  const length = valid || parsed.isPossible()
    ? undefined
    : (lengthOfShape(shapeOf(translated, 1), translated) ??
      warn("INVALID_LENGTH", `${translated} has a length no number of +${callingCode} has as dialled: the check will fail`))
  if (length !== undefined) warnings.push(length)
  if (!valid) {
    // Only where the verdict can change: is the same input with a `+` a valid number?
    const withPlus = `+${digits}`
    // No calling code starts with 0, so `+0…` needs no parse; nor does a number whose shape says
    // its length or calling code is impossible (most inputs this far).
    const shape = digits[0] !== "0" && withPlus !== translated ? shapeOf(digits) : undefined
    const meant = shape !== undefined && shape.length === null && shape.callingCode !== undefined ? meantNumber(withPlus) : undefined
    if (meant !== undefined && meant !== translated) {
      warnings.push(warn(
        "LIKELY_MISTRANSLATED",
        `the server will check ${translated}, which is not a valid number; ${meant} probably was meant: send it with a +`
      ))
    } else if (length === undefined) {
      warnings.push(warn("INVALID_NUMBER", `${translated} is not a valid phone number`))
    }
  }
  return { input, translated, valid, warnings }
}

/**
 * Only the number the server will check, without lint: one regex for inputs with `+`, one parse
 * for the others. Use it where warnings are not wanted (routing, keys); `translate` otherwise.
 */
export const translateNumber = (input: string, callingCode: CallingCode | undefined): TranslatedNumber | undefined => {
  const trimmed = input.trim()
  const digits = trimmed.replace(NON_DIGITS, "")
  if (digits.length === 0) return undefined
  if (trimmed.startsWith("+")) return `+${digits}` as TranslatedNumber
  if (callingCode === undefined) return undefined
  const parsed = parsePhoneNumberFromString(trimmed, { defaultCallingCode: callingCode as CountryCallingCode })
  return (parsed?.number ?? `+${callingCode}${digits}`) as TranslatedNumber
}

/**
 * Which inputs get the (costly) validity check:
 * - `all`: every input, so `INVALID_NUMBER` is reported for any number;
 * - `ambiguous`: only inputs without `+`, where validity decides between a mistranslation and an
 *   invalid number. An input with `+` is sent as written, the server's answer is the verdict, and
 *   skipping the check makes a bulk check's lint several times cheaper.
 */
export type Validity = "all" | "ambiguous"

/** The key under which two inputs count as the same number: the translation, else the trimmed input. */
export const dedupKey = (t: Translation): string => t.translated ?? `raw:${t.input.trim()}`

/**
 * Translation with memory: one parse per distinct input, and `DUPLICATE` warnings for inputs that
 * translate to a number seen before. Create one per job: it remembers one short string per distinct
 * number (to name the first input in a `DUPLICATE`), and a bounded cache of parses.
 */
export class Translator {
  /** Inputs the parse cache holds before it starts over: few, its entries outlive the young generation. */
  static readonly CACHE_SIZE = 4_096
  readonly callingCode: CallingCode | undefined
  private readonly byInput = new Map<string, Translation>()
  private readonly firstInputByKey = new Map<string, string>()

  readonly validity: Validity

  constructor(registeredNumber: string | undefined, validity: Validity = "all") {
    this.callingCode = registeredNumber === undefined ? undefined : callingCodeOf(registeredNumber)
    this.validity = validity
  }

  /** Translate without remembering the input as seen (no `DUPLICATE`), cached per input. */
  translate(input: string): Translation {
    // Written as the server reads it: cheaper to translate again than to remember.
    if (this.validity === "ambiguous" && isPlainE164(input)) return sentAsWritten(input, input as TranslatedNumber)
    let t = this.byInput.get(input)
    if (t === undefined) {
      t = translate(input, this.callingCode, this.validity)
      // Bounded: repeats in real lists are close together, and memory must stay flat on millions.
      if (this.byInput.size >= Translator.CACHE_SIZE) this.byInput.clear()
      this.byInput.set(input, t)
    }
    return t
  }

  /** Translate and lint the next input of a sequence, adding `DUPLICATE` when its number was seen. */
  next(input: string): Translation & { readonly key: string; readonly first: boolean } {
    const { translation, key, first } = markDuplicate(this.translate(input), this.seen)
    return { ...translation, key, first }
  }

  private readonly seen: SeenNumbers = {
    see: (key, input) => {
      const earlier = this.firstInputByKey.get(key)
      if (earlier === undefined) this.firstInputByKey.set(key, input)
      return earlier
    }
  }
}

/** The numbers a sequence of inputs has seen, by `dedupKey`. */
export interface SeenNumbers {
  /**
   * Remember `key` if it is new (`undefined`); if it was seen, the first input of that number when
   * remembered, else `true` (a compact set, such as the bulk check's answer table, keeps no names).
   */
  readonly see: (key: string, input: string) => string | true | undefined
}

/** An input of a sequence after de-duplication. */
export interface Marked {
  /** The translation, with `DUPLICATE` added when the number was seen before. */
  readonly translation: Translation
  readonly key: string
  /** Whether this is the first input of its number (the one that is checked). */
  readonly first: boolean
}

/**
 * The one de-duplication of a sequence of inputs: the first input of each number is remembered in
 * `seen` (its translation kept as is, not copied); a later one gets `DUPLICATE` (it is checked once).
 */
export const markDuplicate = (t: Translation, seen: SeenNumbers): Marked => {
  const key = dedupKey(t)
  const earlier = seen.see(key, t.input)
  if (earlier === undefined) return { translation: t, key, first: true }
  // Repeats in a bulk check (its table keeps no names), millions of them: one shared frozen warning.
  const warning = earlier === true ? ONLY_DUPLICATE[0]! : warn("DUPLICATE", earlier === t.input
    ? "the same input was given before: it is checked once"
    : `the same number as the earlier input ${JSON.stringify(earlier)}: it is checked once`)
  const warnings = earlier === true && t.warnings.length === 0 ? ONLY_DUPLICATE : [...t.warnings, warning]
  return { translation: { ...t, warnings }, key, first: false }
}
const ONLY_DUPLICATE: ReadonlyArray<Warning> = Object.freeze([Object.freeze(warn("DUPLICATE", "the same number as an earlier input: it is checked once"))])
