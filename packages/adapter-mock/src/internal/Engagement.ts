/**
 * Engagement (spec §3): the messages contacts sent the business, which make block and report
 * legal for 24 hours, the blocklist in order of blocking, and the reports filed.
 *
 * @internal
 */
import { randomBytes } from "node:crypto"

/** How long after a contact's last message block and report are allowed. */
export const engagementWindowMs = 24 * 60 * 60 * 1000

/** How many recent messages a report without `message_id` covers. */
export const reportedMessageCount = 5

/** An inbound message. */
export interface InboundMessage {
  readonly id: string
  readonly at: number
}

/** A filed report. */
export interface Report {
  readonly waId: string
  readonly messageIds: ReadonlyArray<string>
  readonly reason: string | undefined
  readonly at: number
}

/** Inbound messages, blocklist and reports, keyed by wa_id. */
export class Engagement {
  readonly #inbound = new Map<string, Array<InboundMessage>>()
  // A Map iterates in insertion order: re-blocking after an unblock moves a contact to the end,
  // which is exactly "ordered by time of blocking, oldest first".
  readonly #blocked = new Map<string, number>()
  readonly #reports: Array<Report> = []

  /** Record a message from `waId` at `at`; returns its id (a fresh `wamid.…` unless given). */
  recordInbound(waId: string, at: number, id?: string): string {
    const messageId = id ?? `wamid.${randomBytes(18).toString("base64")}`
    const list = this.#inbound.get(waId) ?? []
    list.push({ id: messageId, at })
    this.#inbound.set(waId, list)
    return messageId
  }

  /** Whether the contact sent a message within the last 24 hours. */
  isEngaged(waId: string, now: number): boolean {
    const last = this.#inbound.get(waId)?.at(-1)
    return last !== undefined && now - last.at < engagementWindowMs
  }

  /** Whether the contact sent the message with this id. */
  hasMessage(waId: string, messageId: string): boolean {
    return this.#inbound.get(waId)?.some((m) => m.id === messageId) ?? false
  }

  /** Block (idempotent: an already blocked contact keeps its place). */
  block(waId: string, now: number): void {
    if (!this.#blocked.has(waId)) this.#blocked.set(waId, now)
  }

  /** Unblock (idempotent). */
  unblock(waId: string): void {
    this.#blocked.delete(waId)
  }

  /** Whether the contact is blocked. */
  isBlocked(waId: string): boolean {
    return this.#blocked.has(waId)
  }

  /** One page of the blocklist (wa_ids, oldest block first) and its total size. */
  blocklist(offset: number, limit: number): { readonly waIds: ReadonlyArray<string>; readonly total: number } {
    const all = [...this.#blocked.keys()]
    return { waIds: all.slice(offset, offset + limit), total: all.length }
  }

  /** File a report on the given message, or on the contact's last 5 messages. */
  report(waId: string, now: number, options: { readonly reason?: string | undefined; readonly messageId?: string | undefined }): Report {
    const messageIds = options.messageId !== undefined
      ? [options.messageId]
      : (this.#inbound.get(waId) ?? []).slice(-reportedMessageCount).map((m) => m.id)
    const report: Report = { waId, messageIds, reason: options.reason, at: now }
    this.#reports.push(report)
    return report
  }

  /** Every report filed so far, oldest first. */
  get reports(): ReadonlyArray<Report> {
    return this.#reports
  }

  /** Size of the blocklist. */
  get blockedCount(): number {
    return this.#blocked.size
  }

  /** Number of inbound messages recorded. */
  get inboundCount(): number {
    let n = 0
    for (const list of this.#inbound.values()) n += list.length
    return n
  }
}
