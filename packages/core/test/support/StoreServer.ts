/**
 * A small server for store tests, as a scripted `Transport`: answers each checked number by a rule
 * the test can change (to make a number newly invalid, or change its wa_id), optionally answers
 * `processing` to a number's first `no_wait` send, optionally takes time per request (on the test
 * clock), and counts every number it received — the figure the usage policy counts.
 */
import { Effect } from "effect"
import type { Transport } from "@wa-contacts/core"
import { checkAnswer, contactsOf, failure, fromFunction, json, type Scripted } from "./ScriptedTransport.ts"

/** The server's answer for one number. */
export interface Answer {
  readonly status: "valid" | "invalid" | "failed" | "processing"
  readonly wa_id?: string
}

/** The default rule: even last digit valid (wa_id = digits), odd invalid, `...9999` failed. */
export const defaultRule = (input: string): Answer => {
  const digits = input.replace(/\D/g, "")
  if (digits.endsWith("9999")) return { status: "failed" }
  return Number(digits.at(-1)) % 2 === 0 ? { status: "valid", wa_id: digits } : { status: "invalid" }
}

/** A store test's server and what it observed. */
export interface StoreServer extends Scripted {
  /** Every number received in check requests, re-sends included. */
  readonly received: Array<string>
  /** How many times each input was received. */
  readonly countOf: (input: string) => number
  /** Change the rule from now on. */
  rule: (input: string) => Answer
}

/**
 * Make a server; `version` is its `meta.version`, `latency` ms per check request,
 * `processingFirst` answers `processing` to a first `no_wait` send, `failAfter` refuses every
 * connection after that many check requests (a server gone away, not retryable), `refuseFirst`
 * refuses the connection of that many first check requests (retryable: not yet up).
 */
export const make = (
  options: {
    readonly version?: string
    readonly latency?: number
    readonly processingFirst?: boolean
    readonly failAfter?: number
    readonly refuseFirst?: number
  } = {}
): StoreServer => {
  const received: Array<string> = []
  const seen = new Map<string, number>()
  // The transport reads the rule from the returned object, so a test can swap it.
  let server: StoreServer | undefined
  let checks = 0
  const scripted = fromFunction((request: Transport.TransportRequest) => {
    if (request.method !== "POST" || request.path !== "/v1/contacts") return json(404, {})
    ++checks
    if (options.refuseFirst !== undefined && checks <= options.refuseFirst) return failure("ConnectionRefused", { retryable: true })
    if (options.failAfter !== undefined && checks > options.failAfter) return failure("ConnectionRefused", { retryable: false })
    const body = request.body as { blocking?: string }
    for (const input of contactsOf(request)) {
      received.push(input)
      seen.set(input, (seen.get(input) ?? 0) + 1)
    }
    const answer = checkAnswer(
      request,
      (input) => (options.processingFirst === true && body.blocking === "no_wait" && seen.get(input) === 1 ? { status: "processing" } : server!.rule(input)),
      { version: options.version ?? "2.45.1" }
    )
    return options.latency === undefined ? answer : Effect.as(Effect.sleep(options.latency), answer)
  })
  server = { ...scripted, received, countOf: (input: string) => seen.get(input) ?? 0, rule: defaultRule }
  return server
}
