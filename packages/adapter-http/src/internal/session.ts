/**
 * The login session: one token shared by every request, obtained lazily with
 * `POST /v1/users/login`, renewed before its `expires_after` and once after a 401, and never
 * obtained twice at the same time (concurrent requests wait for the one login in flight).
 *
 * A login the server refuses is not an error of the transport: the refusal (401 / 1005, 401 /
 * 1024, a 503 …) is handed back as the response of the request that needed the token, and the
 * core maps it like any other response (`Unauthorized`, `PasswordChangeRequired`, `Overloaded`).
 */
import { Clock, Duration, Effect, Option, Redacted, Schema, SynchronizedRef } from "effect"
import { HttpBody, HttpClientRequest } from "effect/http"
import { Response, Transport, Wire } from "@wa-contacts/core"
import type { Credentials } from "./settings.ts"

/** Send one request and read its whole response (see `HttpTransport`). */
export type Exchange = (
  request: HttpClientRequest.HttpClientRequest
) => Effect.Effect<Transport.TransportResponse, Transport.TransportError>

/** A token and when to stop using it. `serial` tells tokens apart without comparing secrets. */
export interface Grant {
  readonly token: Redacted.Redacted<string>
  /** Epoch millis after which the token is renewed before use; `undefined` when unknown. */
  readonly renewAt: number | undefined
  readonly serial: number
}

/** The outcome of asking for a token: one to use, or the server's refusal to pass on. */
export type Login =
  | { readonly _tag: "Granted"; readonly grant: Grant }
  | { readonly _tag: "Refused"; readonly response: Transport.TransportResponse }

export interface Session {
  /** A token fit to use now: the current one, or one from a new login. */
  readonly current: Effect.Effect<Login, Transport.TransportError>
  /** After `stale` got a 401: a newer token, from another request's login or from a new one. */
  readonly renew: (stale: Grant) => Effect.Effect<Login, Transport.TransportError>
}

interface State {
  readonly grant: Grant | undefined
  /** The password that works: the configured one, or the new one once it has been set. */
  readonly password: Redacted.Redacted<string>
  readonly passwordChanged: boolean
  readonly serial: number
}

const decodeLogin = Schema.decodeUnknownOption(Wire.LoginResponse)

export interface SessionOptions {
  readonly loginUrl: string
  readonly credentials: Credentials
  readonly token: Redacted.Redacted<string> | undefined
  readonly refreshMargin: Duration.Duration
  readonly exchange: Exchange
}

export const makeSession = Effect.fnUntraced(function*(options: SessionOptions) {
  const { credentials, exchange } = options
  const margin = Duration.toMillis(options.refreshMargin)
  const state = yield* SynchronizedRef.make<State>({
    grant: options.token === undefined ? undefined : { token: options.token, renewAt: undefined, serial: 0 },
    password: credentials.password,
    passwordChanged: false,
    serial: 0
  })

  /** The state's token if it may still be used now. */
  const freshGrant = ({ grant }: State) =>
    Effect.map(Clock.currentTimeMillis, (now) =>
      grant !== undefined && (grant.renewAt === undefined || now < grant.renewAt) ? grant : undefined)

  // The login body is bytes with a content type that effect's request inspection does not decode,
  // so a new password cannot show up when a request is printed.
  const attempt = (password: Redacted.Redacted<string>, newPassword?: Redacted.Redacted<string>) =>
    exchange(
      HttpClientRequest.post(options.loginUrl).pipe(
        HttpClientRequest.basicAuth(credentials.username, password),
        newPassword === undefined
          ? (request) => request
          : HttpClientRequest.setBody(
            HttpBody.uint8Array(
              new TextEncoder().encode(JSON.stringify({ new_password: Redacted.value(newPassword) } satisfies Wire.LoginRequest)),
              "application/json; charset=utf-8"
            )
          )
      )
    )

  const grantFrom = Effect.fnUntraced(function*(response: Transport.TransportResponse, serial: number) {
    const body = response.body._tag === "Json" ? decodeLogin(response.body.value) : Option.none()
    if (Option.isNone(body)) {
      return yield* new Transport.TransportError({
        reason: "Other",
        retryable: false,
        requestSent: false,
        message: `POST ${options.loginUrl}: the login answered ${response.status} without a token`
      })
    }
    const user = body.value.users[0]
    const now = yield* Clock.currentTimeMillis
    const expiresAt = Wire.parseExpiresAfter(user.expires_after)
    // A token that lives less than twice the margin is renewed halfway through its life instead.
    const renewAt = expiresAt === undefined ? undefined : expiresAt - Math.min(margin, Math.max(0, expiresAt - now) / 2)
    yield* Effect.logDebug("wa-contacts: logged in").pipe(
      Effect.annotateLogs({ username: credentials.username, expires_after: user.expires_after })
    )
    return { token: Redacted.make(user.token), renewAt, serial } satisfies Grant
  })

  /** Log in, setting the new password when the server asks for it; the state to keep afterwards. */
  const login = Effect.fnUntraced(function*(current: State) {
    const serial = current.serial + 1
    const granted = (response: Transport.TransportResponse, password: Redacted.Redacted<string>, changed: boolean) =>
      Effect.map(grantFrom(response, serial), (grant): readonly [Login, State] => [
        { _tag: "Granted", grant },
        { grant, password, passwordChanged: changed, serial }
      ])
    const refused = (response: Transport.TransportResponse): readonly [Login, State] => [
      { _tag: "Refused", response },
      { ...current, grant: undefined }
    ]

    const first = yield* attempt(current.password)
    if (first.status === 200) return yield* granted(first, current.password, current.passwordChanged)
    const { newPassword } = credentials
    if (first.status !== 401 || newPassword === undefined || current.passwordChanged) return refused(first)
    // The core reads the refusal as it reads every error response (spec §5): one decoding.
    const refusal = Response.errorOf(first, yield* Clock.currentTimeMillis)._tag
    if (refusal === "PasswordChangeRequired") {
      const second = yield* attempt(current.password, newPassword)
      if (second.status !== 200) return refused(second)
      yield* Effect.logInfo("wa-contacts: first login, the new password is now set").pipe(
        Effect.annotateLogs({ username: credentials.username })
      )
      return yield* granted(second, newPassword, true)
    }
    if (refusal === "Unauthorized") {
      // An earlier run may already have set the new password: it is the password now.
      const second = yield* attempt(newPassword)
      if (second.status === 200) return yield* granted(second, newPassword, true)
    }
    return refused(first)
  })

  /**
   * Under the lock, so that one login serves everyone waiting: keep the token in place if it is
   * fresh and `reusable`, else log in.
   */
  const loginUnless = (reusable: (grant: Grant) => boolean) =>
    SynchronizedRef.modifyEffect(state, (latest) =>
      Effect.flatMap(freshGrant(latest), (grant) =>
        grant !== undefined && reusable(grant)
          ? Effect.succeed([{ _tag: "Granted", grant } satisfies Login, latest] as const)
          : login(latest)))

  // The fast path reads without the lock; only a missing or stale token queues for a login.
  const current: Session["current"] = Effect.flatMap(
    Effect.flatMap(SynchronizedRef.get(state), freshGrant),
    (grant) => grant !== undefined ? Effect.succeed({ _tag: "Granted", grant }) : loginUnless(() => true)
  )

  // A token newer than the one that got the 401 was issued by another request's login meanwhile.
  const renew: Session["renew"] = (stale) => loginUnless((grant) => grant.serial !== stale.serial)

  return { current, renew } satisfies Session
})
