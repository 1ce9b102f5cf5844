/**
 * How a command reaches a server: the connection flags (with their environment variables), and
 * the `Transport` layer they describe — the HTTP adapter for a real server, or the in-process
 * simulator with `--mock`. The adapters are imported only when a command runs, so that `--help`
 * never loads an HTTP client or phone number metadata.
 *
 * @since 0.1.0
 */
import type { Transport } from "@wa-contacts/core"
import { Config, ConfigProvider, Console, Effect, Layer, Option, Redacted } from "effect"
import { Flag } from "effect/cli"
import { simulatorFlags } from "./commands/mock.ts"
import { describe, redact } from "./ErrorMessage.ts"
import { Exit, ExitCode, type Failure, usage } from "./ExitCode.ts"

/** The simulator's default registered number (the vendor's sample is a +1 number). */
export const MOCK_REGISTERED = "+16315550000"

/** A text flag that falls back to the environment variable `env`, named in its description (with `more` after it). */
const envText = (name: string, env: string, description: string, more = ""): Flag.Flag<Option.Option<string>> =>
  Flag.String(name).pipe(Flag.withDescription(`${description} (env ${env}${more})`), Flag.withFallbackConfig(Config.String(env)), Flag.optional)

/** A secret flag that falls back to the environment variable `env`; never printed. */
const envSecret = (name: string, env: string, description: string): Flag.Flag<Option.Option<Redacted.Redacted<string>>> =>
  Flag.Redacted(name).pipe(
    Flag.withDescription(`${description} (env ${env}); never printed`),
    Flag.withFallbackConfig(Config.Redacted(env)),
    Flag.optional
  )

/** The flags of every command that talks to a server. */
export const connectionFlags = {
  baseUrl: envText("base-url", "WA_BASE_URL", "The server's address, e.g. https://coreapp:9090"),
  token: envSecret("token", "WA_TOKEN", "A bearer token"),
  username: envText("username", "WA_USERNAME", "Log in as this user"),
  password: envSecret("password", "WA_PASSWORD", "That user's password"),
  newPassword: envSecret(
    "new-password",
    "WA_NEW_PASSWORD",
    "First login (e.g. the factory admin account): set this new password (8-64 characters with a digit, an upper-case letter, " +
      "a lower-case letter and a special character)"
  ),
  caFile: envText("ca-file", "WA_CA_FILE", "Trust the certificates in this PEM file (self-signed servers)"),
  insecure: Flag.Boolean("insecure").pipe(
    Flag.withDescription("Do not verify the server's TLS certificate (test setups only; prefer --ca-file)"),
    Flag.withDefault(false)
  ),
  apiVersion: Flag.String("api-version").pipe(
    Flag.withDescription("The server's API version (2.41.3) or semantics (legacy, repurposed, unknown); overrides what the server reports"),
    Flag.optional
  ),
  registered: envText(
    "registered",
    "WA_REGISTERED",
    "The number the server is registered with, e.g. +919876543210, for local translation and lint",
    `; with --mock the simulator's, default ${MOCK_REGISTERED}`
  ),
  mock: Flag.Boolean("mock").pipe(
    Flag.withDescription("Run against the built-in simulator, in process: no server needed"),
    Flag.withDefault(false)
  ),
  // The simulator's own flags, as `mock serve` has them (one definition, the simulator's defaults).
  ...simulatorFlags
} as const

/** The parsed connection flags. */
export interface ConnectionOptions {
  readonly baseUrl: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly username: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted<string>>
  readonly newPassword: Option.Option<Redacted.Redacted<string>>
  readonly caFile: Option.Option<string>
  readonly insecure: boolean
  readonly apiVersion: Option.Option<string>
  readonly registered: Option.Option<string>
  readonly mock: boolean
  readonly latency: Option.Option<number>
  readonly allUsers: boolean
}

/** Credentials written into the base URL (`https://user:pass@host`), which must never be echoed. */
const urlCredentials = (baseUrl: Option.Option<string>): { readonly username?: string; readonly password?: string } => {
  if (Option.isNone(baseUrl)) return {}
  try {
    const url = new URL(baseUrl.value)
    return {
      ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) })
    }
  } catch {
    return {}
  }
}

/** The secrets among the options (token, password, a password in the base URL), for redaction. */
export const secretsOf = (options: ConnectionOptions): ReadonlyArray<string | Redacted.Redacted<string>> => {
  const inUrl = urlCredentials(options.baseUrl).password
  return [
    ...Option.toArray(options.token),
    ...Option.toArray(options.password),
    ...(inUrl === undefined ? [] : [inUrl, encodeURIComponent(inUrl)])
  ]
}

/** The base URL without credentials, and the credentials it held (flags win over them). */
const splitBaseUrl = (raw: string): Effect.Effect<{ readonly url: string; readonly username?: string; readonly password?: string }, Exit> => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Effect.fail(usage("--base-url / WA_BASE_URL is not a URL (expected e.g. https://coreapp:9090)"))
  }
  const credentials = urlCredentials(Option.some(raw))
  url.username = ""
  url.password = ""
  return Effect.succeed({ url: url.href.replace(/\/$/, ""), ...credentials })
}

/** What each environment setting of the HTTP adapter expects, for messages. */
const EXPECTED: Record<string, string> = {
  WA_TIMEOUT: "a duration such as 10s, 500ms or 2m (a bare number is milliseconds)",
  WA_INSECURE: "true or false",
  WA_HEADERS: "Name=value pairs separated by commas",
  WA_BASE_URL: "a URL such as https://coreapp:9090"
}

/** Settings whose value may be echoed (the others may hold a secret: headers, proxy credentials). */
const SHOWN: ReadonlySet<string> = new Set(["WA_TIMEOUT", "WA_INSECURE"])

/** A configuration error in words: which variable, and what it should be (never a raw `SchemaError(…)`). */
const configProblem = (error: Config.ConfigError): string => {
  const text = String(error.cause.message ?? error.message)
  const key = /at \["([^"]+)"\]/.exec(text)?.[1]
  if (key === undefined) return text.split("\n")[0] ?? text
  const value = process.env[key]
  const expected = EXPECTED[key]
  return `${key}${value === undefined || !SHOWN.has(key) ? "" : `=${JSON.stringify(value)}`} is not valid: ` +
    (expected === undefined ? (text.split("\n")[0] ?? "").replace(/^Expected/, "expected") : `expected ${expected}`)
}

/** The message when there is no server to talk to. */
export const NO_SERVER =
  "no server configured: pass --base-url URL, set WA_BASE_URL, or use --mock to run against the built-in simulator"


/** The client settings (`ContactsConfig`) the flags describe. */
export const clientSettings = (options: ConnectionOptions): { readonly apiVersion?: string; readonly registeredNumber?: string } => {
  const registered = Option.getOrUndefined(options.registered) ?? (options.mock ? MOCK_REGISTERED : undefined)
  const apiVersion = Option.getOrUndefined(options.apiVersion)
  return {
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(registered === undefined ? {} : { registeredNumber: registered })
  }
}

/**
 * What is said on stderr as retries are scheduled (unless `--quiet`), so that a server that is
 * down is not minutes of silence; `before` runs first (to clear a progress bar). The requests in
 * flight fail together when the server is down, each with its own retry: the same failure again
 * before the retry last announced is due is that wave, said once (a bulk check said ~100 lines
 * before giving up).
 */
export const announceRetries = (options: ConnectionOptions, quiet: boolean, before: Effect.Effect<void> = Effect.void) => {
  if (quiet) return undefined
  let said = ""
  let due = 0
  return (error: Failure, delayMillis: number): Effect.Effect<void> =>
    Effect.clockWith((clock) => {
      const now = clock.currentTimeMillisUnsafe()
      const text = describe(error)
      if (text === said && now < due) return Effect.void
      said = text
      due = now + delayMillis
      return Effect.andThen(before, Console.error(redact(`retrying in ${(delayMillis / 1000).toFixed(1)} s: ${text}`, secretsOf(options))))
    })
}

/**
 * The account's new password, checked against the password rule of the API (spec "Login": 8-64
 * characters with a digit, an upper-case and a lower-case letter and a special character) before
 * it is sent: a weak one is an authentication error (exit 2), said in words.
 */
const weakPassword = (password: string): string | undefined => {
  const missing = [
    password.length < 8 || password.length > 64 ? "8 to 64 characters" : undefined,
    /\d/.test(password) ? undefined : "a digit",
    /[A-Z]/.test(password) ? undefined : "an upper-case letter",
    /[a-z]/.test(password) ? undefined : "a lower-case letter",
    /[^A-Za-z0-9]/.test(password) ? undefined : "a special character"
  ].filter((m) => m !== undefined)
  return missing.length === 0 ? undefined : missing.join(", ")
}

/**
 * Check the flags that do not fit together or cannot work, before anything is sent; the same
 * message whatever the command. Loads the core for the version and number rules (one source).
 */
export const validate = (options: ConnectionOptions): Effect.Effect<void, Exit> =>
  Effect.gen(function*() {
    if (!options.mock && (Option.isSome(options.latency) || options.allUsers)) {
      return yield* usage("--latency and --all-users configure the simulator: use them with --mock")
    }
    if (Option.isSome(options.latency) && options.latency.value < 0) return yield* usage("--latency must be 0 or more milliseconds")
    if (!options.mock && Option.isNone(options.baseUrl)) return yield* usage(NO_SERVER)
    const { Translation, ApiVersion } = yield* Effect.promise(() => import("@wa-contacts/core"))
    if (Option.isSome(options.apiVersion)) {
      const text = options.apiVersion.value.trim()
      if (!ApiVersion.isSemantics(text) && ApiVersion.parseVersion(text) === undefined) {
        return yield* usage(
          `--api-version ${JSON.stringify(options.apiVersion.value)} is not a server version (major.minor[.patch], e.g. 2.41.3; or legacy / repurposed / unknown)`
        )
      }
    }
    if (Option.isSome(options.registered) && Translation.callingCodeOf(options.registered.value) === undefined) {
      return yield* usage(
        `--registered / WA_REGISTERED ${JSON.stringify(options.registered.value)}: not an international number`,
        "give it with + and the country code, e.g. +919876543210"
      )
    }
    if (Option.isSome(options.newPassword)) {
      const weak = weakPassword(Redacted.value(options.newPassword.value))
      if (weak !== undefined) {
        return yield* new Exit({
          code: ExitCode.Auth,
          message: `--new-password / WA_NEW_PASSWORD is too weak: it needs ${weak}`,
          hint: "the server refuses a new password without 8 to 64 characters with a digit, an upper-case letter, a lower-case letter and a special character"
        })
      }
    }
  })

/**
 * The `Transport` the flags describe: the in-process simulator with `--mock`, else the HTTP
 * adapter. A setting that cannot work fails with exit 1, its message free of secrets.
 */
export const layer = (options: ConnectionOptions): Layer.Layer<Transport.Transport, Exit> =>
  Layer.unwrap(Effect.gen(function*() {
    yield* validate(options)
    const { Transport } = yield* Effect.promise(() => import("@wa-contacts/core"))
    // A layer that could not be built becomes exit 1 with a message free of secrets.
    const orUsage = <E>(layer: Layer.Layer<Transport.Transport, E>, message: (error: E) => string) =>
      layer.pipe(Layer.catch((error: E) => Layer.effect(Transport.Transport, Effect.fail(usage(message(error))))))
    if (options.mock) {
      const { SimulatorTransport } = yield* Effect.promise(() => import("@wa-contacts/adapter-mock"))
      const apiVersion = Option.getOrUndefined(options.apiVersion)
      const registered = Option.getOrUndefined(options.registered)
      return orUsage(SimulatorTransport.layer({
        ...Option.match(options.latency, { onNone: () => ({}), onSome: (lookupLatency) => ({ lookupLatency }) }),
        allUsers: options.allUsers,
        ...(apiVersion === undefined ? {} : { apiVersion }),
        ...(registered === undefined ? {} : { registeredNumber: registered })
      }), (error) => `--mock: ${describe(error)}`)
    }
    // The HTTP client (undici 7) needs what the package's engines say, Node 22.19 or later: an older
    // Node (npm only warns) crashes inside it as it loads, which read as a bug in wa-contacts.
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number)
    if (major < 22 || (major === 22 && minor < 19)) {
      return yield* usage(
        `connecting to a server needs Node 22.19 or later; this is Node ${process.versions.node}`,
        "upgrade Node (--mock, the built-in simulator, works without a server)"
      )
    }
    const { HttpTransport, HttpTransportConfig } = yield* Effect.promise(() => import("@wa-contacts/adapter-http"))
    const base = yield* splitBaseUrl(Option.getOrThrow(options.baseUrl))
    // The adapter's other environment settings (WA_NEW_PASSWORD, WA_TIMEOUT, WA_PROXY, WA_HEADERS,
    // WA_USER_AGENT) apply too; the flags win. WA_BASE_URL may be absent (--base-url gave it).
    const env = yield* HttpTransportConfig.fromEnv.pipe(
      Effect.provideService(
        ConfigProvider.ConfigProvider,
        ConfigProvider.orElse(ConfigProvider.fromEnv(), ConfigProvider.fromUnknown({ WA_BASE_URL: base.url }))
      ),
      Effect.mapError((error) => usage(`environment: ${configProblem(error)}`))
    )
    const username = Option.getOrUndefined(options.username) ?? base.username
    const password = Option.getOrUndefined(options.password) ?? (base.password === undefined ? undefined : Redacted.make(base.password))
    const newPassword = Option.getOrUndefined(options.newPassword)
    const token = Option.getOrUndefined(options.token)
    const ca = Option.getOrUndefined(options.caFile)
    return orUsage(HttpTransport.layer({
      ...env,
      baseUrl: base.url,
      ...(token === undefined ? {} : { token }),
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(newPassword === undefined ? {} : { newPassword }),
      ...(ca === undefined ? {} : { ca }),
      // Plain http has no certificate to skip: no TLS warning for it.
      insecure: (options.insecure || env.insecure === true) && !base.url.startsWith("http:")
    }), describe)
  }))
