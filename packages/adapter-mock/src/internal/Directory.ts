/**
 * The simulated WhatsApp directory: which numbers have an account, their wa_ids, and each
 * user's identity (the hash a business acknowledges after a `user_identity_changed`).
 *
 * Plain mutable state, touched only synchronously by the simulator (see Simulator.ts).
 *
 * @internal
 */
import { createHash, randomBytes } from "node:crypto"
import { digitsWaId } from "./ServerTranslation.ts"

/** A user's identity as `GET /v1/contacts/{wa_id}/identity` shows it. */
export interface Identity {
  readonly hash: string
  /** Milliseconds since the epoch. */
  readonly createdTimestamp: number
  readonly acknowledged: boolean
}

/** The directory of WhatsApp users, keyed by translated number (`+…`) and by wa_id. */
export class Directory {
  readonly #byNumber = new Map<string, string>()
  readonly #byWaId = new Map<string, string>()
  readonly #identities = new Map<string, Identity>()
  readonly #allUsers: boolean
  readonly #createdAt: number

  constructor(options: { readonly allUsers: boolean; readonly createdAt: number }) {
    this.#allUsers = options.allUsers
    this.#createdAt = options.createdAt
  }

  /** Add (or replace) a user; `number` must already be translated (`+` and digits). */
  add(number: string, waId: string = digitsWaId(number)): void {
    const previous = this.#byNumber.get(number)
    if (previous !== undefined) this.#byWaId.delete(previous)
    this.#byNumber.set(number, waId)
    this.#byWaId.set(waId, number)
  }

  /** The wa_id of the user with this translated number, if it is a user. */
  waIdOf(number: string): string | undefined {
    return this.#byNumber.get(number) ?? (this.#allUsers ? digitsWaId(number) : undefined)
  }

  /** Whether this wa_id belongs to a user. */
  hasWaId(waId: string): boolean {
    return this.#byWaId.has(waId) || (this.#allUsers && /^\d{5,15}$/.test(waId))
  }

  /** How many users were added (an "every number" directory counts only those). */
  get size(): number {
    return this.#byNumber.size
  }

  /**
   * The user's current identity. A user that never changed identity has one derived from the
   * wa_id (stable across runs), created when the simulator started, already acknowledged.
   */
  identity(waId: string): Identity | undefined {
    if (!this.hasWaId(waId)) return undefined
    return this.#identities.get(waId) ?? {
      hash: createHash("sha256").update(waId).digest().subarray(0, 8).toString("base64"),
      createdTimestamp: this.#createdAt,
      acknowledged: true
    }
  }

  /** Give the user a new random identity that the business has not acknowledged yet. */
  changeIdentity(waId: string, now: number): Identity | undefined {
    if (!this.hasWaId(waId)) return undefined
    const identity = { hash: randomBytes(8).toString("base64"), createdTimestamp: now, acknowledged: false }
    this.#identities.set(waId, identity)
    return identity
  }

  /** Acknowledge `hash`: true when it is the user's latest identity. */
  acknowledge(waId: string, hash: string): boolean {
    const current = this.identity(waId)
    if (current === undefined || current.hash !== hash) return false
    this.#identities.set(waId, { ...current, acknowledged: true })
    return true
  }
}
