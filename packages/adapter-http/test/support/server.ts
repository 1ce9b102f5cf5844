/**
 * Test-only servers on 127.0.0.1 (port 0): real sockets, never a mocked fetch. `serve` runs any
 * handler over http or https; `onPrem` is a handler that logs in and checks tokens the way an
 * On-Premises client does, with switches for the cases the tests need.
 */
import { Effect, type Scope } from "effect"
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import type { AddressInfo } from "node:net"

/** A request as the server saw it. */
export interface Recorded {
  readonly method: string
  /** Path and query exactly as sent (still percent-encoded). */
  readonly url: string
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
}

export type Handler = (request: Recorded, response: ServerResponse, raw: IncomingMessage) => void

export interface TestServer {
  readonly url: string
  readonly port: number
  /** Every request received, in order. */
  readonly requests: Array<Recorded>
}

/** Send a JSON body. */
export const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
  response.end(text)
}

const listen = (server: Server) =>
  Effect.callback<number>((resume) => {
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
  })

const close = (server: Server) =>
  Effect.callback<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })

/** Serve `handler` on 127.0.0.1 until the scope closes; with `tls`, over https. */
export const serve = (
  handler: Handler,
  options: { readonly tls?: { readonly key: string; readonly cert: string } } = {}
): Effect.Effect<TestServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const requests: Array<Recorded> = []
    const onRequest = (raw: IncomingMessage, response: ServerResponse) => {
      const chunks: Array<Buffer> = []
      raw.on("data", (chunk: Buffer) => chunks.push(chunk))
      raw.on("end", () => {
        const recorded: Recorded = {
          method: raw.method ?? "",
          url: raw.url ?? "",
          headers: raw.headers,
          body: Buffer.concat(chunks).toString("utf8")
        }
        requests.push(recorded)
        handler(recorded, response, raw)
      })
    }
    const server = options.tls === undefined
      ? createHttpServer(onRequest)
      : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    const port = yield* Effect.acquireRelease(listen(server), () => close(server))
    const scheme = options.tls === undefined ? "http" : "https"
    return { url: `${scheme}://127.0.0.1:${port}`, port, requests }
  })

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export const closedPort: Effect.Effect<number> = Effect.gen(function*() {
  const server = createHttpServer()
  const port = yield* listen(server)
  yield* close(server)
  return port
})

/** The vendor's `expires_after` format: `2018-03-01 15:29:26+00:00`. */
export const expiresAfter = (epochMillis: number): string =>
  new Date(epochMillis).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "+00:00")

const error = (code: number, title: string) => ({ errors: [{ code, title, details: title }] })

/** What `onPrem` answers and counts. */
export interface OnPrem {
  readonly handler: Handler
  /** Successful logins so far, and every login attempt (with its decoded credentials and body). */
  readonly logins: Array<{ readonly user: string; readonly password: string; readonly body: string; readonly ok: boolean }>
  /** Forget every token issued so far (the next request with one gets 401 / 1005). */
  readonly revokeTokens: () => void
  /** The tokens issued so far, in order. */
  readonly issued: Array<string>
}

export interface OnPremOptions {
  /** user → password. Default `{ admin: "S3cret!pass" }`. */
  readonly users?: Record<string, string>
  /** Users whose next login must set a new password (401 / 1024 until they do). */
  readonly mustChangePassword?: ReadonlyArray<string>
  /** `expires_after` of the n-th token (1-based). Default: 7 days from the real now. */
  readonly expiresAfter?: (n: number) => string
  /** Token text of the n-th token. */
  readonly tokenText?: (n: number) => string
  /** How to answer an authorised request; default: echo it as JSON. */
  readonly route?: Handler
  /** Milliseconds before answering a login. */
  readonly loginDelayMillis?: number
}

/** Echo a request: what the transport sent, as the server saw it. */
export const echo: Handler = (request, response) =>
  json(response, 200, { method: request.method, url: request.url, body: request.body, headers: request.headers })

/** An On-Premises client's login and token checks in front of `route`. */
export const onPrem = (options: OnPremOptions = {}): OnPrem => {
  const users: Record<string, string> = { admin: "S3cret!pass", ...options.users }
  const mustChange = new Set(options.mustChangePassword ?? [])
  const tokens = new Set<string>()
  const issued: Array<string> = []
  const logins: OnPrem["logins"] = []
  const route = options.route ?? echo
  const login: Handler = (request, response) => {
    const basic = /^Basic (.+)$/.exec(String(request.headers.authorization ?? ""))
    const [user = "", password = ""] = basic === null
      ? []
      : Buffer.from(basic[1]!, "base64").toString("utf8").split(/:(.*)/s)
    const newPassword = request.body === "" ? undefined : (JSON.parse(request.body) as { new_password?: string }).new_password
    const record = (ok: boolean) => logins.push({ user, password, body: request.body, ok })
    if (users[user] === undefined || users[user] !== password) {
      record(false)
      return json(response, 401, error(1005, "Access denied"))
    }
    if (mustChange.has(user)) {
      if (newPassword === undefined) {
        record(false)
        return json(response, 401, error(1024, "Password Change Required"))
      }
      mustChange.delete(user)
      users[user] = newPassword
    }
    record(true)
    const n = issued.length + 1
    const token = options.tokenText?.(n) ?? `token-${n}-${Math.random().toString(36).slice(2)}`
    issued.push(token)
    tokens.add(token)
    json(response, 200, {
      users: [{ token, expires_after: options.expiresAfter?.(n) ?? expiresAfter(Date.now() + 7 * 86_400_000) }]
    })
  }
  const handler: Handler = (request, response, raw) => {
    if (request.method === "POST" && request.url === "/v1/users/login") {
      if (options.loginDelayMillis === undefined) return login(request, response, raw)
      return void setTimeout(() => login(request, response, raw), options.loginDelayMillis)
    }
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ""))
    if (bearer === null || !tokens.has(bearer[1]!)) return json(response, 401, error(1005, "Access denied"))
    route(request, response, raw)
  }
  return { handler, logins, issued, revokeTokens: () => tokens.clear() }
}
