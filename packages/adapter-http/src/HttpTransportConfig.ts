/**
 * How to reach one On-Premises server: its address, how to authenticate, how long to wait, which
 * certificates to trust. A plain value for `HttpTransport.layer`, or read from the environment
 * (`WA_BASE_URL`, `WA_TOKEN`, …) for `HttpTransport.layerConfig`.
 *
 * @since 0.1.0
 */
import { Config, Duration, Option, Redacted, Schema } from "effect"

/** A secret given as plain text or already `Redacted`; the transport keeps it `Redacted` either way. */
export type Secret = string | Redacted.Redacted<string>

/**
 * Settings of the HTTP transport. Only `baseUrl` is required.
 *
 * Authentication, in order of preference:
 * - `username` + `password`: the transport logs in (`POST /v1/users/login`) when the first
 *   request needs it, reuses the token, renews it before `expires_after` and once after a 401.
 *   Add `newPassword` for an account whose first login must set one (the factory `admin`).
 * - `token`: a bearer token obtained elsewhere. With credentials too, it is used first and the
 *   credentials renew it.
 * - neither: no `Authorization` header (gateways authenticate with `headers`, e.g. an API key).
 */
export interface HttpTransportConfig {
  /** The On-Premises client's own address, e.g. `https://your-coreapp:9090` (a path prefix is kept). */
  readonly baseUrl: string | URL
  /** A bearer token obtained elsewhere. */
  readonly token?: Secret | undefined
  /** The user to log in as (`POST /v1/users/login`). */
  readonly username?: string | undefined
  /** That user's password. */
  readonly password?: Secret | undefined
  /**
   * The password to set when the server answers the first login with 401 / 1024 "Password Change
   * Required". After the change it is the password. If the server refuses `password` with 1005
   * (a previous run already changed it), the transport tries `newPassword` once.
   */
  readonly newPassword?: Secret | undefined
  /** Time limit for one HTTP exchange, body included (a login is one exchange). Default 30 seconds. */
  readonly timeout?: Duration.Input | undefined
  /**
   * Certificates to trust for `https:` instead of the public roots: PEM text, or the path of a PEM
   * file (self-signed servers: pass their certificate or the CA that signed it).
   */
  readonly ca?: string | undefined
  /**
   * Turn TLS certificate verification off. For throw-away test setups only: a warning is logged
   * each time the layer is built. Prefer `ca`.
   */
  readonly insecure?: boolean | undefined
  /**
   * Extra headers sent with every request (gateways that copy the interface use API-key headers).
   * Values are treated as secrets: they never appear in logs, errors or traces.
   */
  readonly headers?: Readonly<Record<string, Secret>> | undefined
  /**
   * An HTTP proxy to tunnel through (`http://proxy:3128`, credentials in the URL allowed: it is
   * treated as a secret). Not read from `HTTPS_PROXY`: set it explicitly (`WA_PROXY`).
   */
  readonly proxy?: Secret | undefined
  /** The `User-Agent` header. Default `wa-contacts/<version>`. */
  readonly userAgent?: string | undefined
  /** How long before `expires_after` a token is renewed. Default 5 minutes. */
  readonly refreshMargin?: Duration.Input | undefined
}

/** The default time limit of one HTTP exchange. */
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.seconds(30)

/** The default margin before `expires_after` at which a token is renewed. */
export const DEFAULT_REFRESH_MARGIN: Duration.Duration = Duration.minutes(5)

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.option(config).pipe(Config.map(Option.getOrUndefined))

/** `WA_TIMEOUT` as a duration (`"10 seconds"`, `"500 millis"`) or a number of milliseconds. */
const timeoutConfig = Config.Duration("WA_TIMEOUT").pipe(
  Config.orElse(() => Config.Int("WA_TIMEOUT").pipe(Config.map(Duration.millis)))
)

/**
 * The settings read from the environment (or any `ConfigProvider`):
 *
 * | variable | setting |
 * |---|---|
 * | `WA_BASE_URL` (required) | `baseUrl` |
 * | `WA_TOKEN` | `token` |
 * | `WA_USERNAME`, `WA_PASSWORD`, `WA_NEW_PASSWORD` | `username`, `password`, `newPassword` |
 * | `WA_CA_FILE` | `ca` (a path, or PEM text) |
 * | `WA_INSECURE` | `insecure` (`true`/`false`, `1`/`0`, `yes`/`no`) |
 * | `WA_TIMEOUT` | `timeout` (`"10 seconds"`, or milliseconds) |
 * | `WA_HEADERS` | `headers` (`"X-Api-Key=…,X-Other=…"`) |
 * | `WA_PROXY` | `proxy` |
 * | `WA_USER_AGENT` | `userAgent` |
 */
export const fromEnv: Config.Config<HttpTransportConfig> = Config.all({
  baseUrl: Config.String("WA_BASE_URL"),
  token: optional(Config.Redacted("WA_TOKEN")),
  username: optional(Config.String("WA_USERNAME")),
  password: optional(Config.Redacted("WA_PASSWORD")),
  newPassword: optional(Config.Redacted("WA_NEW_PASSWORD")),
  ca: optional(Config.String("WA_CA_FILE")),
  insecure: optional(Config.Boolean("WA_INSECURE")),
  timeout: optional(timeoutConfig),
  headers: optional(
    Config.Record(Schema.String, Schema.String, "WA_HEADERS").pipe(
      Config.map((headers): Record<string, Secret> =>
        Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.trim(), Redacted.make(value.trim())]))
      )
    )
  ),
  proxy: optional(Config.Redacted("WA_PROXY")),
  userAgent: optional(Config.String("WA_USER_AGENT"))
})
