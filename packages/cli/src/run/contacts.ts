/**
 * The bodies of `block`, `unblock`, `report`, `blocklist` and `identity get|ack`, loaded only
 * when one of them runs. Every phone argument is linted first, as `check` lints its inputs.
 *
 * @since 0.1.0
 */
import { Blocking, Identity, Report } from "@wa-contacts/core"
import { Console, Effect, Option, Stream } from "effect"
import * as Connection from "../Connection.ts"
import { usage } from "../ExitCode.ts"
import { OutputError, outputExit } from "../Files.ts"
import * as Output from "../Output.ts"
import { Tty } from "../Tty.ts"
import { lintArgument } from "./lint.ts"
import { withConnection } from "./withConnection.ts"

/** Flags of commands that print records. */
export interface Printing extends Output.OutputFlags {
  readonly quiet: boolean
}

/** Print rows in the format asked for, to stdout or `--output`. */
export const print = <E, R>(options: Printing, columns: ReadonlyArray<Output.Column>, rows: Stream.Stream<Output.Row, E, R>) =>
  Effect.scoped(Effect.gen(function*() {
    const tty = yield* Tty
    const path = Option.getOrUndefined(options.output)
    const format = Output.chooseFormat(Option.getOrUndefined(options.format), path, tty.stdout)
    const target = yield* Output.open({ path, force: options.force })
    yield* Output.write(target, format, columns, rows).pipe(
      Effect.mapError((e) => (e instanceof OutputError ? outputExit(e) : e))
    )
  }))

/** A confirmation for people, on stdout (unless `--quiet`). */
const confirm = (quiet: boolean, text: string) =>
  quiet ? Effect.void : Output.line(text).pipe(Effect.catchTag("OutputError", (e) => Effect.fail(outputExit(e))))

/** `block NUMBER [--reason]`. */
export const block = Effect.fnUntraced(function*(
  input: Connection.ConnectionOptions & { readonly number: string; readonly reason: Option.Option<string>; readonly quiet: boolean }
) {
  yield* Connection.validate(input)
  yield* lintArgument(input, "number", input.number)
  yield* withConnection(input, Blocking.block(input.number, { reason: Option.getOrUndefined(input.reason) }))
  yield* confirm(input.quiet, `blocked ${input.number}`)
})

/** `unblock NUMBER`. */
export const unblock = Effect.fnUntraced(function*(input: Connection.ConnectionOptions & { readonly number: string; readonly quiet: boolean }) {
  yield* Connection.validate(input)
  yield* lintArgument(input, "number", input.number)
  yield* withConnection(input, Blocking.unblock(input.number))
  yield* confirm(input.quiet, `unblocked ${input.number}`)
})

/** `report NUMBER [--reason] [--block] [--message-id]`. */
export const report = Effect.fnUntraced(function*(
  input: Connection.ConnectionOptions & {
    readonly number: string
    readonly reason: Option.Option<string>
    readonly block: boolean
    readonly messageId: Option.Option<string>
    readonly quiet: boolean
  }
) {
  yield* Connection.validate(input)
  yield* lintArgument(input, "number", input.number)
  yield* withConnection(input, Report.report(input.number, {
    reason: Option.getOrUndefined(input.reason),
    block: input.block,
    messageId: Option.getOrUndefined(input.messageId)
  }))
  yield* confirm(input.quiet, `reported ${input.number}${input.block ? " and blocked it" : ""}`)
})

/** The columns of a blocklist record. */
export const BLOCKLIST_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "wa_id", header: "WA_ID" },
  { key: "jid", header: "JID" }
]

/** `blocklist [--limit N --offset N | --all]`. */
export const blocklist = Effect.fnUntraced(function*(
  input: Connection.ConnectionOptions & Printing & {
    readonly limit: Option.Option<number>
    readonly offset: Option.Option<number>
    readonly all: boolean
  }
) {
  if (input.all && (Option.isSome(input.limit) || Option.isSome(input.offset))) {
    return yield* usage("--all fetches every page: drop --limit and --offset")
  }
  yield* Connection.validate(input)
  const toRow = (c: Blocking.BlockedContact): Output.Row => ({ wa_id: c.waId, jid: c.jid })
  if (input.all) {
    return yield* withConnection(input, print(input, BLOCKLIST_COLUMNS, Stream.map(Blocking.blocklist(), toRow)))
  }
  const limit = Option.getOrUndefined(input.limit)
  const offset = Option.getOrUndefined(input.offset)
  const page = yield* withConnection(
    input,
    Blocking.blocklistPage({ ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) })
  )
  yield* print(input, BLOCKLIST_COLUMNS, Stream.fromIterable(page.contacts.map(toRow)))
  const { total } = page.pagination
  const from = page.pagination.offset
  if (!input.quiet) {
    yield* Console.error(
      page.contacts.length === 0
        ? `no blocked contacts at offset ${from} (${total} in all)`
        : `${from + 1}–${from + page.contacts.length} of ${total} blocked contacts` +
          (from + page.contacts.length < total ? ` (next: --offset ${from + page.contacts.length}, or --all)` : "")
    )
  }
})

/** The columns of an identity record: `input` is the number asked about, as given. */
export const IDENTITY_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "input", header: "INPUT" },
  { key: "hash", header: "HASH" },
  { key: "created", header: "CREATED" },
  { key: "created_timestamp", header: "CREATED_MS", table: false },
  { key: "acknowledged", header: "ACKNOWLEDGED", colour: (row) => (row["acknowledged"] === true ? "green" : "yellow") }
]

/** `identity get WA_ID`. */
export const identityGet = Effect.fnUntraced(function*(input: Connection.ConnectionOptions & Printing & { readonly waId: string }) {
  yield* Connection.validate(input)
  yield* lintArgument(input, "wa_id", input.waId)
  const identity = yield* withConnection(input, Identity.getIdentity(input.waId))
  const created = new Date(identity.createdTimestamp)
  yield* print(input, IDENTITY_COLUMNS, Stream.make<Array<Output.Row>>({
    input: input.waId,
    hash: identity.hash,
    created: Number.isNaN(created.getTime()) ? null : created.toISOString(),
    created_timestamp: identity.createdTimestamp,
    acknowledged: identity.acknowledged
  }))
})

/** `identity ack WA_ID --hash HASH`. */
export const identityAck = Effect.fnUntraced(function*(
  input: Connection.ConnectionOptions & { readonly waId: string; readonly hash: string; readonly quiet: boolean }
) {
  yield* Connection.validate(input)
  yield* lintArgument(input, "wa_id", input.waId)
  yield* withConnection(input, Identity.acknowledgeIdentity(input.waId, input.hash))
  yield* confirm(input.quiet, `acknowledged the identity of ${input.waId}`)
})
