/**
 * Reporting a contact (spec §3), optionally blocking it too, as an Effect that requires a
 * `Transport`. Arguments are validated first: a bad one fails with `InputError` and sends nothing.
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import { call } from "./Call.ts"
import { InputError as InputErrorClass } from "./Errors.ts"
import * as Input from "./Input.ts"
import * as Requests from "./Requests.ts"
import { Acknowledgement, type ReportRequest } from "./Wire.ts"

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
