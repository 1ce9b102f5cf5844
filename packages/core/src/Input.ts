/**
 * Validation of what a caller passes, before anything is sent: a bad value is a typed
 * `InputError` and no request goes out.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { InputError } from "./Errors.ts"
import { isPlainE164 } from "./Translation.ts"

/** Limits from spec §3 and its decisions. */
export const Limits = {
  /** `reason` must be fewer than 60 characters, counted as Unicode code points. */
  reasonMaxCodePoints: 59,
  blocklistMaxLimit: 200,
  blocklistDefaultLimit: 100,
  /** Longer than any dialable number in any format; guards against pasted documents. */
  phoneMaxLength: 64
} as const

const PHONE_CHARS = /^[0-9 +().-]+$/

/** Why a phone (or wa_id) text is not acceptable, or `undefined` when it is. */
export const phoneProblem = (value: string): string | undefined => {
  if (value.length <= Limits.phoneMaxLength && isPlainE164(value)) return undefined
  if (value.trim().length === 0) return "is empty"
  if (value.length > Limits.phoneMaxLength) return `is longer than ${Limits.phoneMaxLength} characters`
  if (!PHONE_CHARS.test(value)) return "may contain only digits, spaces and + ( ) - ."
  // No dialable format has `..`; in a path segment it invites dot-segment normalisation.
  if (value.includes("..")) return "may not contain \"..\""
  if (!/\d/.test(value)) return "has no digits"
  return undefined
}

const shown = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value)

/** A phone number or wa_id for a path segment: non-empty, only digits, spaces and `+()-.`. */
export const phone = (field: string, value: string): Effect.Effect<string, InputError> => {
  const problem = phoneProblem(value)
  return problem === undefined
    ? Effect.succeed(value)
    : Effect.fail(new InputError({ field, input: shown(value), message: `${field} ${problem}` }))
}

/** A `reason`: fewer than 60 Unicode code points. */
export const reason = (value: string | undefined): Effect.Effect<string | undefined, InputError> => {
  if (value === undefined) return Effect.succeed(undefined)
  const length = [...value].length
  return length <= Limits.reasonMaxCodePoints
    ? Effect.succeed(value)
    : Effect.fail(new InputError({
      field: "reason",
      input: shown(value),
      message: `reason must be fewer than 60 characters (it has ${length})`
    }))
}

/** An integer in `[min, max]`. */
export const integer = (
  field: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER
): Effect.Effect<number, InputError> =>
  Number.isInteger(value) && value >= min && value <= max
    ? Effect.succeed(value)
    : Effect.fail(new InputError({
      field,
      input: String(value),
      message: max === Number.MAX_SAFE_INTEGER
        ? `${field} must be an integer >= ${min}`
        : `${field} must be an integer from ${min} to ${max}`
    }))

/** Percent-encode a validated path segment (`+1 631` → `%2B1%20631`). */
export const pathSegment = (value: string): string => encodeURIComponent(value)
