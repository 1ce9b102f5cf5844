/**
 * Block, unblock, the blocklist, report and identity (spec §3–4), each an Effect that requires a
 * `Transport`. Arguments are validated first: a bad one fails with `InputError` and sends nothing.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import { call } from "./Call.ts"
import { type ContactsError, InputError as InputErrorClass } from "./Errors.ts"
import * as Input from "./Input.ts"
import * as Requests from "./Requests.ts"
import type { Transport } from "./Transport.ts"
import { Acknowledgement, BlocklistResponse, IdentityResponse, type Pagination, type ReportRequest } from "./Wire.ts"

/** Block a contact. It must have messaged the business in the last 24 h (else `NotEngaged`). Idempotent. */
export const block = Effect.fn("block")(function*(phone: string, options: { readonly reason?: string | undefined } = {}) {
  const number = yield* Input.phone("phone", phone)
  const reason = yield* Input.reason(options.reason)
  yield* call(Requests.block(number, reason === undefined ? {} : { reason }), Acknowledgement, { idempotency: "idempotent", emptyOk: true })
})

/** Unblock a contact. Unblocking one that is not blocked succeeds. */
export const unblock = Effect.fn("unblock")(function*(phone: string) {
  const number = yield* Input.phone("phone", phone)
  yield* call(Requests.unblock(number), Acknowledgement, { idempotency: "idempotent", emptyOk: true })
})

/** A blocked contact: the JID as the server gives it, and the bare wa_id. */
export interface BlockedContact {
  readonly jid: string
  readonly waId: string
}

/** One page of the blocklist. */
export interface BlocklistPage {
  readonly contacts: ReadonlyArray<BlockedContact>
  readonly pagination: Pagination
}

const JID_SUFFIX = /@.*$/

/** Turn a JID (`16315551000@s.whatsapp.net`) into its bare wa_id. */
export const waIdOfJid = (jid: string): string => jid.replace(JID_SUFFIX, "")

/** One page of the blocklist, oldest block first. `limit` 1..200 (default 100), `offset` >= 0. */
export const blocklistPage = Effect.fn("blocklistPage")(function*(options: { readonly limit?: number; readonly offset?: number } = {}) {
  const limit = yield* Input.integer("limit", options.limit ?? Input.Limits.blocklistDefaultLimit, 1, Input.Limits.blocklistMaxLimit)
  const offset = yield* Input.integer("offset", options.offset ?? 0, 0)
  const body = yield* call(Requests.blocklist(limit, offset), BlocklistResponse, { idempotency: "idempotent" })
  return {
    contacts: body.contacts.map((c) => ({ jid: c.wa_id, waId: waIdOfJid(c.wa_id) })),
    pagination: body.pagination
  } satisfies BlocklistPage
})

/**
 * The whole blocklist as a `Stream`, fetched page by page as the consumer pulls: stopping early
 * fetches no further pages.
 */
export const blocklist = (
  options: { readonly pageSize?: number } = {}
): Stream.Stream<BlockedContact, ContactsError, Transport> =>
  Stream.paginate(0, (offset: number) =>
    Effect.map(blocklistPage({ limit: options.pageSize ?? Input.Limits.blocklistMaxLimit, offset }), (page) => {
      const next = offset + page.contacts.length
      const more = page.contacts.length > 0 && next < page.pagination.total
      return [page.contacts, more ? Option.some(next) : Option.none()] as const
    })).pipe(Stream.withSpan("blocklist"))

/** What to report. */
export interface ReportOptions {
  readonly reason?: string | undefined
  /** Also block the contact (default false). */
  readonly block?: boolean | undefined
  /** The message to report; without it the contact's last 5 messages are reported. */
  readonly messageId?: string | undefined
}

/**
 * Report a contact (24 h engagement rule as for block). Not idempotent: it is retried only when
 * the server surely did not process it (429, 503, connection refused).
 */
export const report = Effect.fn("report")(function*(phone: string, options: ReportOptions = {}) {
  const number = yield* Input.phone("phone", phone)
  const reason = yield* Input.reason(options.reason)
  if (options.messageId !== undefined && options.messageId.trim() === "") {
    return yield* Effect.fail(new InputErrorClass({ field: "message_id", input: "", message: "message_id is empty" }))
  }
  const body: ReportRequest = {
    ...(reason === undefined ? {} : { reason }),
    ...(options.block === undefined ? {} : { block: options.block }),
    ...(options.messageId === undefined ? {} : { message_id: options.messageId })
  }
  yield* call(Requests.report(number, body), Acknowledgement, { idempotency: "not-idempotent", emptyOk: true })
})

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
