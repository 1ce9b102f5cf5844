/** Shared test helpers: the spec's vectors (read lazily), requests through the in-process transport. */
import { Transport } from "@wa-contacts/core"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"

// The one loader of spec/vectors/ (lazy: a test file that never touches a vector never reads one).
export { readVector, type TranslationCase, translationCases, type VendorBody, vendorBodies } from "../../core/test/support/vectors.ts"

/** Send one request through the in-process transport in context. */
export const send = (request: Transport.TransportRequest) =>
  Effect.gen(function*() {
    const transport = yield* Transport.Transport
    return yield* transport.send(request)
  })

/** The JSON body of a response (fails the test when it is not JSON). */
export const jsonOf = (response: Transport.TransportResponse): any => {
  if (response.body._tag !== "Json") throw new Error(`expected JSON, got text: ${response.body.text.slice(0, 80)}`)
  return response.body.value
}

/** `POST /v1/contacts` and its JSON body. */
export const check = (contacts: ReadonlyArray<string>, options: { blocking?: "wait" | "no_wait"; force_check?: boolean } = {}) =>
  Effect.map(send({ method: "POST", path: "/v1/contacts", body: { contacts, ...options } }), (r) => ({ status: r.status, body: jsonOf(r) }))

/** A POST to a contact route (`block`, `unblock`, `report`) with the phone percent-encoded. */
export const contactPost = (phone: string, action: string, body?: unknown) =>
  Effect.map(
    send({ method: "POST", path: `/v1/contacts/${encodeURIComponent(phone)}/${action}`, body }),
    (r) => ({ status: r.status, body: jsonOf(r) })
  )

/** The single error of an error envelope. */
export const errorOf = (body: any): { code: number; title: string; details: string } => {
  if (!Array.isArray(body?.errors) || body.errors.length !== 1) throw new Error(`expected one error in ${JSON.stringify(body)}`)
  return body.errors[0]
}

/**
 * `POST /v1/contacts` with `blocking: "wait"` under TestClock: the request sleeps until its
 * lookups finish, so the test moves the clock by the lookup latency while it waits.
 */
export const checkWaiting = (contacts: ReadonlyArray<string>, latencyMs = 500) =>
  check(contacts, { blocking: "wait" }).pipe(
    Effect.forkChild,
    Effect.tap(() => TestClock.adjust(latencyMs)),
    Effect.flatMap(Fiber.join)
  )
