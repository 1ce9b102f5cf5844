/**
 * How a command reaches a server: the connection flags (with their environment variables), and
 * the `Transport` layer they describe — the HTTP adapter for a real server, or the in-process
 * simulator with `--mock`. The adapters are imported only when a command runs, so that `--help`
 * never loads an HTTP client or phone number metadata.
 *
 * @since 0.1.0
 */
import type { Transport } from "@wa-contacts/core"
import { Config, ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { Flag } from "effect/cli"
import { describe } from "./ErrorMessage.ts"
import { type Exit, usage } from "./ExitCode.ts"

/** The simulator's lookup latency under `--mock`: long enough to show the polling, short enough to finish fast. */
export const MOCK_LATENCY_MS = 300

const optionalEnv = <A>(flag: Flag.Flag<A>, config: Config.Config<A>): Flag.Flag<Option.Option<A>> =>
  flag.pipe(Flag.withFallbackConfig(config), Flag.optional)

/** The flags of every command that talks to a server. */
export const connectionFlags = {
  baseUrl: optionalEnv(
    Flag.String("base-url").pipe(Flag.withDescription("The server's address, e.g. https://coreapp:9090 (env WA_BASE_URL)")),
    Config.String("WA_BASE_URL")
  ),
  token: optionalEnv(
    Flag.Redacted("token").pipe(Flag.withDescription("A bearer token (env WA_TOKEN); never printed")),
    Config.Redacted("WA_TOKEN")
  ),
  username: optionalEnv(
    Flag.String("username").pipe(Flag.withDescription("Log in as this user (env WA_USERNAME)")),
    Config.String("WA_USERNAME")
  ),
  password: optionalEnv(
    Flag.Redacted("password").pipe(Flag.withDescription("That user's password (env WA_PASSWORD); never printed")),
    Config.Redacted("WA_PASSWORD")
  ),
  caFile: optionalEnv(
    Flag.String("ca-file").pipe(Flag.withDescription("Trust the certificates in this PEM file (self-signed servers) (env WA_CA_FILE)")),
    Config.String("WA_CA_FILE")
  ),
  insecure: Flag.Boolean("insecure").pipe(
    Flag.withDescription("Do not verify the server's TLS certificate (test setups only; prefer --ca-file)"),
    Flag.withDefault(false)
  ),
  apiVersion: Flag.String("api-version").pipe(
    Flag.withDescription("The server's API version (2.41.3) or semantics (legacy, repurposed); overrides what the server reports"),
    Flag.optional
  ),
  registered: Flag.String("registered").pipe(
    Flag.withDescription("The number the server is registered with (+16315550000), for local translation and lint"),
    Flag.optional
  ),
  mock: Flag.Boolean("mock").pipe(
    Flag.withDescription("Run against the built-in simulator, in process: no server needed"),
    Flag.withDefault(false)
  ),
  latency: Flag.Int("latency").pipe(
    Flag.withDescription(`With --mock: the simulator's lookup latency in ms (default ${MOCK_LATENCY_MS})`),
    Flag.optional
  ),
  allUsers: Flag.Boolean("all-users").pipe(
    Flag.withDescription("With --mock: every possible number is a WhatsApp user"),
    Flag.withDefault(false)
  )
} as const

/** The parsed connection flags. */
export interface ConnectionOptions {
  readonly baseUrl: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly username: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted<string>>
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

/** The message when there is no server to talk to. */
export const NO_SERVER =
  "no server configured: pass --base-url URL, set WA_BASE_URL, or use --mock to run against the built-in simulator"

/** The simulator's default registered number (the vendor's sample is a +1 number). */
const MOCK_REGISTERED = "+16315550000"

/** The client settings (`ContactsConfig`) the flags describe. */
export const clientSettings = (options: ConnectionOptions): { readonly apiVersion?: string; readonly registeredNumber?: string } => {
  const registered = Option.getOrUndefined(options.registered) ?? (options.mock ? MOCK_REGISTERED : undefined)
  const apiVersion = Option.getOrUndefined(options.apiVersion)
  return {
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(registered === undefined ? {} : { registeredNumber: registered })
  }
}

/** Check the flags that do not fit together; the same message whatever the command. */
export const validate = (options: ConnectionOptions): Effect.Effect<void, Exit> => {
  if (!options.mock && (Option.isSome(options.latency) || options.allUsers)) {
    return Effect.fail(usage("--latency and --all-users configure the simulator: use them with --mock"))
  }
  if (Option.isSome(options.latency) && options.latency.value < 0) {
    return Effect.fail(usage("--latency must be 0 or more milliseconds"))
  }
  if (!options.mock && Option.isNone(options.baseUrl)) return Effect.fail(usage(NO_SERVER))
  return Effect.void
}

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
        lookupLatencyMs: Option.getOrElse(options.latency, () => MOCK_LATENCY_MS),
        allUsers: options.allUsers,
        ...(apiVersion === undefined ? {} : { version: apiVersion }),
        ...(registered === undefined ? {} : { registered })
      }), (error) => `--mock: ${describe(error)}`)
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
      Effect.mapError((error) => usage(`environment: ${error.message}`))
    )
    const username = Option.getOrUndefined(options.username) ?? base.username
    const password = Option.getOrUndefined(options.password) ?? (base.password === undefined ? undefined : Redacted.make(base.password))
    const token = Option.getOrUndefined(options.token)
    const ca = Option.getOrUndefined(options.caFile)
    return orUsage(HttpTransport.layer({
      ...env,
      baseUrl: base.url,
      ...(token === undefined ? {} : { token }),
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(ca === undefined ? {} : { ca }),
      insecure: options.insecure || env.insecure === true
    }), describe)
  }))
