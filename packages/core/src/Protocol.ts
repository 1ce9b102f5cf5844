/**
 * Facts of the protocol that more than one package needs, written once: the vendor's error codes
 * with their titles (spec §5) and the documented rate limit (spec §1). The simulator imports them
 * to answer as the server does; the core maps them to typed errors; the HTTP adapter reacts to
 * the login codes. Data only: no I/O.
 *
 * @since 0.2.0
 */

/** The vendor error codes of spec §5, by the spec's names. */
export const ErrorCode = {
  GenericError: 1000,
  AccessDenied: 1005,
  ResourceNotFound: 1006,
  RequiredParameterMissing: 1008,
  ParameterValueNotValid: 1009,
  UserNotValid: 1013,
  InternalError: 1014,
  TooManyRequests: 1015,
  SystemOverloaded: 1016,
  PasswordChangeRequired: 1024,
  IdentityAckRequired: 1028,
  NotEngagedContact: 2048
} as const

/** A vendor error code the spec lists. */
export type ErrorCode = typeof ErrorCode[keyof typeof ErrorCode]

/** The title the server sends with each code. */
export const errorTitles: { readonly [C in ErrorCode]: string } = {
  1000: "Generic error",
  1005: "Access denied",
  1006: "Resource not found",
  1008: "Required parameter is missing",
  1009: "Parameter value is not valid",
  1013: "User is not valid",
  1014: "Internal error",
  1015: "Too many requests",
  1016: "System overloaded",
  1024: "Password Change Required",
  1028: "Identity change requires acknowledgement",
  2048: "Not engaged contact"
}

/** Whether a number is one of the codes the spec lists. */
export const isErrorCode = (code: number): code is ErrorCode => Object.hasOwn(errorTitles, code)

/**
 * The code a bare HTTP status stands for when the body carries none (a proxy's 429 or 503, a
 * gateway's 401): the status decides.
 */
export const codeOfStatus = (status: number): ErrorCode =>
  status === 401 ? ErrorCode.AccessDenied
  : status === 404 ? ErrorCode.ResourceNotFound
  : status === 429 ? ErrorCode.TooManyRequests
  : status === 503 ? ErrorCode.SystemOverloaded
  : status >= 500 ? ErrorCode.InternalError
  : ErrorCode.GenericError

/** A rate limit: `requestsPerSecond` sustained, `burst` requests back to back. */
export interface RateLimitSetting {
  readonly requestsPerSecond: number
  readonly burst: number
}

/** The limit the vendor documents for every non-message endpoint: 20 requests/s, bursts of 60. */
export const documentedRateLimit: RateLimitSetting = { requestsPerSecond: 20, burst: 60 }
