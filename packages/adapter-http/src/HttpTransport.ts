/**
 * The core's `Transport` over real HTTP(S): effect's `HttpClient` on undici (chosen by measurement,
 * see the README), with the base URL, timeouts, bearer tokens and login, TLS trust, headers and
 * redaction that only a real network needs. It knows nothing of contacts: it sends what the core
 * built and hands back what the server answered.
 *
 * @since 0.1.0
 */
import { type Config, Duration, Effect, Layer, Redacted, type Scope } from "effect"
import { HttpBody, type HttpClient, HttpClientRequest } from "effect/http"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as Undici from "@effect/platform-node/Undici"
import { Transport } from "@wa-contacts/core"
import type { HttpConfigError } from "./HttpConfigError.ts"
import { fromEnv, type HttpTransportConfig } from "./HttpTransportConfig.ts"
import { fromHttpClientError, timedOut } from "./internal/failure.ts"
import { type Exchange, makeSession, type Session } from "./internal/session.ts"
import { resolveSettings, type Settings } from "./internal/settings.ts"

/** The warning logged each time a transport with `insecure: true` is built. */
export const INSECURE_WARNING =
  "wa-contacts: TLS certificate verification is OFF (insecure). Anyone between you and the server can read " +
  "and change the traffic, passwords and tokens included. Use a CA bundle (ca / WA_CA_FILE) instead."

/**
 * Adds the configured headers below effect's `HttpClient`, in undici itself: their values never
 * enter an `HttpClientRequest`, so no span, error or inspection of a request can show them,
 * whatever header names a gateway uses for its API key.
 */
const withHeaders = (headers: Settings["headers"]): Undici.Dispatcher.DispatcherComposeInterceptor => (dispatch) =>
(options, handler) => {
  // effect's undici client passes the request's headers as a record.
  const merged = { ...(options.headers as Record<string, string | Array<string> | undefined> | null | undefined) }
  for (const [name, value] of headers) merged[name] = Redacted.value(value)
  return dispatch({ ...options, headers: merged }, handler)
}

const loadUndici = Effect.promise(() => import("@effect/platform-node/Undici"))

/** A proxy agent tunnelling to the server, with the server's TLS settings on the tunnel. */
const makeProxyAgent = (url: Redacted.Redacted<string>, tls: { readonly ca?: string; readonly rejectUnauthorized?: boolean }) =>
  Effect.acquireRelease(
    Effect.map(loadUndici, (undici) => new undici.ProxyAgent({ uri: Redacted.value(url), requestTls: { ...tls } })),
    (agent) => Effect.promise(() => agent.destroy())
  )

/** The undici agent for this server: its own connection pool, trusting only what the settings say. */
const makeClient = (settings: Settings): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> => {
  const tls = {
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.insecure ? { rejectUnauthorized: false } : {})
  }
  const agent: Effect.Effect<Undici.Dispatcher, never, Scope.Scope> = settings.proxy === undefined
    ? NodeHttpClient.makeDispatcherOptions({ connect: tls })
    : makeProxyAgent(settings.proxy, tls)
  return Effect.flatMap(agent, (agent) => {
    const dispatcher = settings.headers.length === 0 ? agent : agent.compose(withHeaders(settings.headers))
    return Effect.provideService(NodeHttpClient.makeUndici, NodeHttpClient.Dispatcher, dispatcher)
  })
}

/** Send one request and read its whole body, within the timeout, as a core response. */
const makeExchange = (client: HttpClient.HttpClient, settings: Settings): Exchange => {
  const millis = Duration.toMillis(settings.timeout)
  const common = HttpClientRequest.setHeaders({ "user-agent": settings.userAgent, accept: "application/json" })
  return (request) => {
    const target = `${request.method} ${request.url}`
    return client.execute(common(request)).pipe(
      Effect.flatMap((response) =>
        Effect.map(response.text, (text): Transport.TransportResponse => ({
          status: response.status,
          headers: { ...response.headers },
          body: Transport.parseBody(text)
        }))
      ),
      Effect.mapError((error) => fromHttpClientError(target, error)),
      Effect.timeoutOrElse({ duration: settings.timeout, orElse: () => Effect.fail(timedOut(target, millis)) })
    )
  }
}

/** The core's request as an effect HTTP request, without authorization. */
const toHttpRequest = (baseUrl: string, request: Transport.TransportRequest) => {
  const http = HttpClientRequest.make(request.method)(`${baseUrl}${request.path}`, {
    urlParams: request.query ?? {},
    headers: request.headers ?? {}
  })
  return request.body === undefined
    ? http
    : HttpClientRequest.setBody(http, HttpBody.text(JSON.stringify(request.body), "application/json"))
}

/** The request was never sent when the login before it failed, whatever the login's own flags say. */
const beforeSending = (error: Transport.TransportError) =>
  new Transport.TransportError({
    reason: error.reason,
    message: error.message,
    retryable: error.retryable,
    requestSent: false
  })

/** Send with the session's token; on a 401, renew the token once and send again. */
const sendWithSession = (session: Session, exchange: Exchange) =>
(http: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const login = yield* Effect.mapError(session.current, beforeSending)
    if (login._tag === "Refused") return login.response
    const response = yield* exchange(HttpClientRequest.bearerToken(http, login.grant.token))
    if (response.status !== 401) return response
    const renewed = yield* Effect.mapError(session.renew(login.grant), beforeSending)
    if (renewed._tag === "Refused") return renewed.response
    return yield* exchange(HttpClientRequest.bearerToken(http, renewed.grant.token))
  })

type Authorized = (
  http: HttpClientRequest.HttpClientRequest
) => Effect.Effect<Transport.TransportResponse, Transport.TransportError>

/** How requests are authorised: a login session, a fixed token, or nothing (a gateway's API key). */
const authorization = Effect.fnUntraced(function*(settings: Settings, exchange: Exchange) {
  const { baseUrl, credentials, token } = settings
  if (credentials !== undefined) {
    const session = yield* makeSession({
      loginUrl: `${baseUrl}/v1/users/login`,
      credentials,
      token,
      refreshMargin: settings.refreshMargin,
      exchange
    })
    return sendWithSession(session, exchange) satisfies Authorized
  }
  if (token !== undefined) return ((http) => exchange(HttpClientRequest.bearerToken(http, token))) satisfies Authorized
  return exchange satisfies Authorized
})

/**
 * Build the transport's `send` for one server. Fails with `HttpConfigError` when a setting cannot
 * work; the connection pool lives as long as the scope.
 */
export const make = Effect.fnUntraced(function*(
  config: HttpTransportConfig
): Effect.fn.Return<Transport.Transport["Service"], HttpConfigError, Scope.Scope> {
  const settings = yield* resolveSettings(config)
  if (settings.insecure) yield* Effect.logWarning(INSECURE_WARNING)
  const exchange = makeExchange(yield* makeClient(settings), settings)
  const authorized: Authorized = yield* authorization(settings, exchange)
  return Transport.Transport.of({
    send: (request) =>
      Effect.try({
        try: () => toHttpRequest(settings.baseUrl, request),
        catch: (cause) =>
          new Transport.TransportError({
            reason: "Other",
            retryable: false,
            requestSent: false,
            message: `${request.method} ${request.path}: the body is not JSON-serialisable (${String(cause)})`
          })
      }).pipe(Effect.flatMap(authorized))
  })
})

/**
 * The core's `Transport` for the server described by `config`.
 *
 * @example
 * ```ts
 * import { HttpTransport } from "@wa-contacts/adapter-http"
 *
 * const TransportLive = HttpTransport.layer({
 *   baseUrl: "https://your-coreapp:9090",
 *   username: "admin",
 *   password: Redacted.make(process.env.WA_PASSWORD!),
 *   ca: "/etc/wa/coreapp-ca.pem"
 * })
 * ```
 */
export const layer = (config: HttpTransportConfig): Layer.Layer<Transport.Transport, HttpConfigError> =>
  Layer.effect(Transport.Transport, make(config))

/**
 * The core's `Transport`, configured from an effect `Config`: by default the `WA_*` environment
 * variables of `HttpTransportConfig.fromEnv` (`WA_BASE_URL`, `WA_USERNAME`, `WA_PASSWORD`, …).
 */
export const layerConfig = (
  config: Config.Config<HttpTransportConfig> = fromEnv
): Layer.Layer<Transport.Transport, HttpConfigError | Config.ConfigError> =>
  Layer.effect(Transport.Transport, Effect.flatMap(config, make))
