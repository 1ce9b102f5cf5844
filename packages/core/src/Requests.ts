/**
 * Building requests is a pure function of the operation's arguments: no I/O (as in Octokit's
 * `endpoint`). Arguments are validated by the operations before these are called.
 *
 * @since 0.1.0
 */
import { pathSegment } from "./Input.ts"
import type { TransportRequest } from "./Transport.ts"
import type { BlockRequest, CheckRequest, IdentityAckRequest, ReportRequest } from "./Wire.ts"

/** `POST /v1/contacts` */
export const check = (body: CheckRequest): TransportRequest => ({ method: "POST", path: "/v1/contacts", body })

/** `POST /v1/contacts/{phone}/block` */
export const block = (phone: string, body: BlockRequest): TransportRequest => ({
  method: "POST",
  path: `/v1/contacts/${pathSegment(phone)}/block`,
  body
})

/** `POST /v1/contacts/{phone}/unblock` (no body) */
export const unblock = (phone: string): TransportRequest => ({
  method: "POST",
  path: `/v1/contacts/${pathSegment(phone)}/unblock`
})

/** `GET /v1/contacts/blocklist?limit=&offset=` */
export const blocklist = (limit: number, offset: number): TransportRequest => ({
  method: "GET",
  path: "/v1/contacts/blocklist",
  query: { limit: String(limit), offset: String(offset) }
})

/** `POST /v1/contacts/{phone}/report` */
export const report = (phone: string, body: ReportRequest): TransportRequest => ({
  method: "POST",
  path: `/v1/contacts/${pathSegment(phone)}/report`,
  body
})

/** `GET /v1/contacts/{wa_id}/identity` */
export const getIdentity = (waId: string): TransportRequest => ({
  method: "GET",
  path: `/v1/contacts/${pathSegment(waId)}/identity`
})

/** `PUT /v1/contacts/{wa_id}/identity` */
export const acknowledgeIdentity = (waId: string, body: IdentityAckRequest): TransportRequest => ({
  method: "PUT",
  path: `/v1/contacts/${pathSegment(waId)}/identity`,
  body
})
