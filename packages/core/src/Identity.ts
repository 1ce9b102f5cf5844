/**
 * A contact's identity (spec §4): read the latest one and acknowledge it, each an Effect that
 * requires a `Transport`. Arguments are validated first: a bad one fails with `InputError` and
 * sends nothing.
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import { call } from "./Call.ts"
import { InputError as InputErrorClass } from "./Errors.ts"
import * as Input from "./Input.ts"
import * as Requests from "./Requests.ts"
import { Acknowledgement, IdentityResponse } from "./Wire.ts"

/** A contact's current identity. */
export interface Identity {
  readonly hash: string
  /** When the identity was created, in ms since the epoch. */
  readonly createdTimestamp: number
  readonly acknowledged: boolean
}

/** Get a contact's latest identity. */
export const getIdentity = Effect.fn("getIdentity")(function*(waId: string) {
  const id = yield* Input.phone("wa_id", waId)
  const body = yield* call(Requests.getIdentity(id), IdentityResponse, { idempotency: "idempotent" })
  return {
    hash: body.contacts.hash,
    createdTimestamp: body.contacts.created_timestamp,
    acknowledged: body.contacts.acknowledged
  } satisfies Identity
})

/** Acknowledge a contact's latest identity (`hash` from {@link getIdentity}). */
export const acknowledgeIdentity = Effect.fn("acknowledgeIdentity")(function*(waId: string, hash: string) {
  const id = yield* Input.phone("wa_id", waId)
  if (hash.trim() === "") {
    return yield* Effect.fail(new InputErrorClass({ field: "hash", input: hash, message: "hash is empty" }))
  }
  yield* call(Requests.acknowledgeIdentity(id, { hash }), Acknowledgement, { idempotency: "idempotent", emptyOk: true })
})
