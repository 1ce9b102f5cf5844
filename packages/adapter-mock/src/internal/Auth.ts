/**
 * Login and tokens (spec §1): Basic credentials for `POST /v1/users/login`, the factory
 * account's forced password change, bearer tokens that live 7 days, logout.
 *
 * @internal
 */
import { randomBytes } from "node:crypto"
import type { Account } from "../SimulatorConfig.ts"

/** How long a token issued by login is accepted. */
export const tokenTtlMs = 7 * 24 * 60 * 60 * 1000

/** Why a login did not issue a token. */
export type LoginFailure = "AccessDenied" | "PasswordChangeRequired" | "WeakPassword"

/** The outcome of a login. */
export type LoginResult =
  | { readonly _tag: "LoggedIn"; readonly token: string; readonly expiresAt: number }
  | { readonly _tag: "Refused"; readonly reason: LoginFailure }

/**
 * The vendor's password policy: 8–64 characters with a digit, an upper-case letter, a
 * lower-case letter and a special character.
 */
export const isStrongPassword = (password: string): boolean =>
  password.length >= 8 && password.length <= 64 &&
  /\d/.test(password) && /[A-Z]/.test(password) && /[a-z]/.test(password) && /[^A-Za-z0-9]/.test(password)

/** `expires_after` as the server writes it: `YYYY-MM-DD HH:MM:SS+00:00`. */
export const formatExpiry = (epochMs: number): string =>
  `${new Date(epochMs).toISOString().slice(0, 19).replace("T", " ")}+00:00`

/** Read `Basic base64(user:password)`; `undefined` when the header is not that. */
export const parseBasic = (header: string | undefined): { readonly username: string; readonly password: string } | undefined => {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? "")
  if (match === null) return undefined
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Read `Bearer <token>`. */
export const parseBearer = (header: string | undefined): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1]

/** Accounts and the tokens issued to them. */
export class Accounts {
  readonly #accounts = new Map<string, { password: string; mustChange: boolean }>()
  // Static tokens are stored with an infinite expiry.
  readonly #tokens = new Map<string, number>()
  #lifetimeMs = tokenTtlMs

  constructor(accounts: ReadonlyArray<Account>, staticTokens: ReadonlyArray<string>) {
    for (const a of accounts) this.#accounts.set(a.username, { password: a.password, mustChange: a.mustChangePassword ?? false })
    for (const t of staticTokens) this.#tokens.set(t, Number.POSITIVE_INFINITY)
  }

  /** Log in; with `newPassword` the password is changed first (required on the factory account). */
  login(authorization: string | undefined, newPassword: string | undefined, now: number): LoginResult {
    const credentials = parseBasic(authorization)
    const account = credentials && this.#accounts.get(credentials.username)
    if (credentials === undefined || account === undefined || account.password !== credentials.password) {
      return { _tag: "Refused", reason: "AccessDenied" }
    }
    if (newPassword !== undefined) {
      if (!isStrongPassword(newPassword)) return { _tag: "Refused", reason: "WeakPassword" }
      account.password = newPassword
      account.mustChange = false
    } else if (account.mustChange) {
      return { _tag: "Refused", reason: "PasswordChangeRequired" }
    }
    // 32 random bytes: a token must not be guessable from another one or from the clock.
    const token = randomBytes(32).toString("base64url")
    const expiresAt = now + this.#lifetimeMs
    this.#tokens.set(token, expiresAt)
    return { _tag: "LoggedIn", token, expiresAt }
  }

  /** Whether `Authorization: Bearer …` carries a token that is valid now. */
  isAuthorized(authorization: string | undefined, now: number): boolean {
    const token = parseBearer(authorization)
    const expiresAt = token === undefined ? undefined : this.#tokens.get(token)
    return expiresAt !== undefined && now < expiresAt
  }

  /** End a token; false when it was not valid. */
  logout(authorization: string | undefined, now: number): boolean {
    if (!this.isAuthorized(authorization, now)) return false
    this.#tokens.delete(parseBearer(authorization)!)
    return true
  }

  /**
   * End every token issued by a login (static tokens stay), and issue the next ones for
   * `lifetimeMs` only: the `token-expiry` scenario, where a client must log in again.
   */
  expireIssuedTokens(lifetimeMs: number): void {
    for (const [token, expiresAt] of this.#tokens) if (expiresAt !== Number.POSITIVE_INFINITY) this.#tokens.delete(token)
    this.#lifetimeMs = lifetimeMs
  }

  /** Accept `token` from now on, forever. */
  addStaticToken(token: string): void {
    this.#tokens.set(token, Number.POSITIVE_INFINITY)
  }
}
