/**
 * A checked `HttpTransportConfig`: every setting validated and normalised once, when the layer is
 * built, so that sending a request never has to decide anything about configuration.
 */
import { Duration, Effect, Redacted, Result } from "effect"
import { readFile } from "node:fs/promises"
import { HttpConfigError } from "../HttpConfigError.ts"
import {
  DEFAULT_REFRESH_MARGIN,
  DEFAULT_TIMEOUT,
  type HttpTransportConfig,
  type Secret
} from "../HttpTransportConfig.ts"
import { validateBaseUrl } from "./baseUrl.ts"
import { version } from "./version.ts"

/** Credentials for `POST /v1/users/login`. */
export interface Credentials {
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly newPassword: Redacted.Redacted<string> | undefined
}

export interface Settings {
  readonly baseUrl: string
  /** A token to start with (from `token`). */
  readonly token: Redacted.Redacted<string> | undefined
  /** Credentials to log in with, when configured. */
  readonly credentials: Credentials | undefined
  readonly timeout: Duration.Duration
  readonly refreshMargin: Duration.Duration
  /** PEM text to trust instead of the public roots. */
  readonly ca: string | undefined
  readonly insecure: boolean
  /** Headers sent with every request, lower-case names; values stay redacted until sent. */
  readonly headers: ReadonlyArray<readonly [name: string, value: Redacted.Redacted<string>]>
  readonly userAgent: string
  /** The proxy URL (it may carry credentials). */
  readonly proxy: Redacted.Redacted<string> | undefined
}

const fail = (setting: string, message: string) => Effect.fail(new HttpConfigError({ setting, message }))

const redacted = (secret: Secret): Redacted.Redacted<string> =>
  Redacted.isRedacted(secret) ? secret : Redacted.make(secret)

const duration = (
  setting: string,
  input: Duration.Input | undefined,
  fallback: Duration.Duration,
  minimumMillis: number
) => {
  if (input === undefined) return Effect.succeed(fallback)
  const parsed = Duration.fromInput(input)
  if (parsed._tag === "None" || !Duration.isFinite(parsed.value) || Duration.toMillis(parsed.value) < minimumMillis) {
    return fail(setting, `${JSON.stringify(String(input))} is not a finite duration of at least ${minimumMillis} ms (e.g. "30 seconds")`)
  }
  return Effect.succeed(parsed.value)
}

const PEM = "-----BEGIN CERTIFICATE-----"

/** `ca` is PEM text when it contains a certificate, else the path of a PEM file. */
const certificates = (ca: string | undefined): Effect.Effect<string | undefined, HttpConfigError> => {
  if (ca === undefined || ca.trim() === "") return Effect.succeed(undefined)
  if (ca.includes(PEM)) return Effect.succeed(ca)
  return Effect.tryPromise({
    try: () => readFile(ca, "utf8"),
    catch: (cause) =>
      new HttpConfigError({
        setting: "ca",
        message: `cannot read the CA file ${JSON.stringify(ca)}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`
      })
  }).pipe(
    Effect.filterOrFail(
      (text) => text.includes(PEM),
      () => new HttpConfigError({ setting: "ca", message: `${JSON.stringify(ca)} holds no PEM certificate (${PEM})` })
    )
  )
}

/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i

const headers = (
  config: HttpTransportConfig,
  authConfigured: boolean
): Effect.Effect<Settings["headers"], HttpConfigError> => {
  const entries: Array<readonly [string, Redacted.Redacted<string>]> = []
  for (const [raw, value] of Object.entries(config.headers ?? {})) {
    const name = raw.trim().toLowerCase()
    if (!HEADER_NAME.test(name)) return fail("headers", `${JSON.stringify(raw)} is not a valid header name`)
    if (name === "authorization" && authConfigured) {
      return fail("headers", "an Authorization header conflicts with token/username: configure one or the other")
    }
    entries.push([name, redacted(value)])
  }
  return Effect.succeed(entries)
}

const credentials = (config: HttpTransportConfig): Result.Result<Credentials | undefined, HttpConfigError> => {
  const username = config.username?.trim() || undefined
  const { password, newPassword } = config
  if (username === undefined) {
    if (password !== undefined || newPassword !== undefined) {
      return Result.fail(new HttpConfigError({ setting: "username", message: "a password is set but no username" }))
    }
    return Result.succeed(undefined)
  }
  if (password === undefined) {
    return Result.fail(
      new HttpConfigError({ setting: "password", message: `username ${JSON.stringify(username)} needs a password` })
    )
  }
  return Result.succeed({
    username,
    password: redacted(password),
    newPassword: newPassword === undefined ? undefined : redacted(newPassword)
  })
}

const proxy = (config: HttpTransportConfig): Effect.Effect<Redacted.Redacted<string> | undefined, HttpConfigError> => {
  if (config.proxy === undefined) return Effect.succeed(undefined)
  const url = redacted(config.proxy)
  const protocol = URL.parse(Redacted.value(url))?.protocol
  // The URL may hold credentials: never repeat it.
  if (protocol !== "http:" && protocol !== "https:") return fail("proxy", "the proxy must be an http:// or https:// URL")
  return Effect.succeed(url)
}

/** Check and normalise a configuration; reads the CA file when `ca` is a path. */
export const resolveSettings = Effect.fnUntraced(function*(config: HttpTransportConfig) {
  const baseUrl = yield* Effect.fromResult(validateBaseUrl(config.baseUrl))
  const login = yield* Effect.fromResult(credentials(config))
  const token = config.token === undefined ? undefined : redacted(config.token)
  return {
    baseUrl,
    token,
    credentials: login,
    timeout: yield* duration("timeout", config.timeout, DEFAULT_TIMEOUT, 1),
    refreshMargin: yield* duration("refreshMargin", config.refreshMargin, DEFAULT_REFRESH_MARGIN, 0),
    ca: yield* certificates(config.ca),
    insecure: config.insecure === true,
    headers: yield* headers(config, token !== undefined || login !== undefined),
    userAgent: config.userAgent?.trim() || `wa-contacts/${version}`,
    proxy: yield* proxy(config)
  } satisfies Settings
})
