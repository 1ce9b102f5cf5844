/**
 * Reading request bodies and query parameters the way the server does: strict about types,
 * answering 400 with 1008 (missing) or 1009 (not valid) instead of crashing.
 *
 * @internal
 */
import { type ApiError, apiError, Code, type RequestBody } from "./Envelope.ts"

/** A value, or the error to answer with. */
export type Read<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: ApiError }

const good = <A>(value: A): Read<A> => ({ ok: true, value })
const bad = (code: "missing" | "invalid", details: string): Read<never> => ({
  ok: false,
  error: apiError(400, code === "missing" ? Code.RequiredParameterMissing : Code.ParameterValueNotValid, details)
})

/** The body as a JSON object; no body reads as `{}`. */
export const objectBody = (body: RequestBody): Read<Readonly<Record<string, unknown>>> => {
  switch (body._tag) {
    case "None":
      return good({})
    case "TooLarge":
      return bad("invalid", "Request body is too large")
    case "NotJson":
      return bad("invalid", "Request body is not valid JSON")
    case "Json":
      return typeof body.value === "object" && body.value !== null && !Array.isArray(body.value)
        ? good(body.value as Record<string, unknown>)
        : bad("invalid", "Request body must be a JSON object")
  }
}

/** An optional string field. */
export const optionalString = (obj: Readonly<Record<string, unknown>>, key: string): Read<string | undefined> => {
  const value = obj[key]
  return value === undefined || typeof value === "string" ? good(value) : bad("invalid", `"${key}" must be a string`)
}

/** A required string field. */
export const requiredString = (obj: Readonly<Record<string, unknown>>, key: string): Read<string> => {
  const value = obj[key]
  if (value === undefined || value === null) return bad("missing", `"${key}" is required`)
  return typeof value === "string" ? good(value) : bad("invalid", `"${key}" must be a string`)
}

/** An optional boolean field. */
export const optionalBoolean = (obj: Readonly<Record<string, unknown>>, key: string): Read<boolean | undefined> => {
  const value = obj[key]
  return value === undefined || typeof value === "boolean" ? good(value) : bad("invalid", `"${key}" must be a boolean`)
}

/** `reason` of block and report: a string of fewer than 60 code points. */
export const reasonField = (obj: Readonly<Record<string, unknown>>): Read<string | undefined> => {
  const reason = optionalString(obj, "reason")
  if (!reason.ok || reason.value === undefined) return reason
  return [...reason.value].length >= 60 ? bad("invalid", "\"reason\" must be fewer than 60 characters") : reason
}

/** The body of `POST /v1/contacts`. */
export interface CheckBody {
  readonly contacts: ReadonlyArray<string>
  readonly wait: boolean
  readonly forceCheck: boolean
}

/** Read the body of `POST /v1/contacts`. */
export const checkBody = (body: RequestBody): Read<CheckBody> => {
  const obj = objectBody(body)
  if (!obj.ok) return obj
  const { contacts, blocking, force_check } = obj.value
  if (contacts === undefined || contacts === null) return bad("missing", "\"contacts\" is required")
  if (!Array.isArray(contacts) || !contacts.every((c) => typeof c === "string")) {
    return bad("invalid", "\"contacts\" must be an array of strings")
  }
  if (contacts.length === 0) return bad("invalid", "\"contacts\" must not be empty")
  if (blocking !== undefined && blocking !== "wait" && blocking !== "no_wait") {
    return bad("invalid", "\"blocking\" must be \"wait\" or \"no_wait\"")
  }
  if (force_check !== undefined && typeof force_check !== "boolean") return bad("invalid", "\"force_check\" must be a boolean")
  return good({ contacts, wait: blocking === "wait", forceCheck: force_check === true })
}

/** An integer query parameter within bounds, with a default. */
export const intParam = (
  query: Readonly<Record<string, string>>,
  key: string,
  options: { readonly min: number; readonly max: number; readonly default: number }
): Read<number> => {
  const raw = query[key]
  if (raw === undefined) return good(options.default)
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  return Number.isSafeInteger(n) && n >= options.min && n <= options.max
    ? good(n)
    : bad("invalid", `"${key}" must be an integer from ${options.min} to ${options.max}`)
}
