/**
 * The bodies of `store import|export|stats|messages add|prune`, and how every store command opens
 * the store: `--store` / `WA_STORE` (a SQLite path or a PostgreSQL URL) through
 * `@wa-contacts/store`, loaded only when a command runs. Store failures become exit codes with
 * messages free of the URL's password.
 *
 * @since 0.2.0
 */
import { ContactsConfig, ResultStore, StoreAdmin } from "@wa-contacts/core"
import { Console, type Duration, Effect, Layer, Option, Redacted, Stream } from "effect"
import { redact } from "../ErrorMessage.ts"
import { Exit, ExitCode, usage } from "../ExitCode.ts"
import { outputExit } from "../Files.ts"
import * as Input from "../Input.ts"
import * as Output from "../Output.ts"
import { count } from "../Progress.ts"
import { print } from "./contacts.ts"
import { EXPORT_COLUMNS, exportRecordOf } from "./storeRecords.ts"

/** The `--store` flag as parsed. */
export interface StoreInput {
  readonly store: Option.Option<Redacted.Redacted<string>>
}

const NO_STORE = usage("no store given", "pass --store PATH (a SQLite file) or --store postgres://user@host/db, or set WA_STORE")

/** The password of a PostgreSQL URL, as written and decoded, to remove from any message. */
export const secretsOfStore = (input: StoreInput): ReadonlyArray<string> => {
  if (Option.isNone(input.store)) return []
  try {
    const url = new URL(Redacted.value(input.store.value))
    if (url.password === "") return []
    return [url.password, decodeURIComponent(url.password)]
  } catch {
    return []
  }
}

/** Node's socket codes in a driver's message, said in words (the codes mean nothing to most users). */
const SOCKET_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/connect ECONNREFUSED (\S+)/, "the connection to $1 was refused (is the database server running there?)"],
  [/getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)/, "the host $1 was not found"],
  [/connect ETIMEDOUT (\S+)/, "no answer from $1 in time"],
  [/\bECONNRESET\b/, "the database server closed the connection"]
]

const inWords = (message: string): string =>
  SOCKET_WORDS.reduce((text, [pattern, words]) => text.replace(pattern, words), message)

/** A failure of the store as an exit: opening it is a setting that cannot work (1), later failures 3. */
export const storeExit = (error: ResultStore.StoreError, input: StoreInput): Exit =>
  new Exit({
    code: error.operation === "open" ? ExitCode.Usage : ExitCode.Api,
    message: redact(`the store: ${inWords(error.message)}`, secretsOfStore(input))
  })

/** The store at `location` (the adapter is loaded only now); failures to open it become exits. */
export const storeLayer = (location: Redacted.Redacted<string>, input: StoreInput): Layer.Layer<ResultStore.ResultStore, Exit> =>
  Layer.unwrap(Effect.promise(() => import("@wa-contacts/store")).pipe(
    Effect.map(({ Store }) =>
      Store.layer(Redacted.value(location)).pipe(
        Layer.catchTag("StoreError", (e) => Layer.effect(ResultStore.ResultStore, Effect.fail(storeExit(e, input))))
      )
    )
  ))

/** Run `effect` with the store of `input` (exit 1 when none is given); store failures become exits. */
export const withStore = <A, E, R>(
  input: StoreInput,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exit | Exclude<E, ResultStore.StoreError>, Exclude<R, ResultStore.ResultStore>> =>
  Option.match(input.store, {
    onNone: () => Effect.fail(NO_STORE),
    onSome: (location) =>
      effect.pipe(
        Effect.mapError((e) => (isStoreError(e) ? storeExit(e, input) : e as Exclude<E, ResultStore.StoreError>)),
        Effect.provide(storeLayer(location, input))
      ) as Effect.Effect<A, Exit | Exclude<E, ResultStore.StoreError>, Exclude<R, ResultStore.ResultStore>>
  })

const isStoreError = (u: unknown): u is ResultStore.StoreError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "StoreError"

const confirm = (quiet: boolean, text: string) =>
  quiet ? Effect.void : Output.line(text).pipe(Effect.catchTag("OutputError", (e) => Effect.fail(outputExit(e))))

/** `store import`. */
export const importNumbers = Effect.fnUntraced(function*(input: StoreInput & Input.InputFlags & {
  readonly registered: Option.Option<string>
  readonly quiet: boolean
}) {
  const delimiter = Option.getOrUndefined(input.delimiter)
  // Named as a bad delimiter even without --file (Input.open would first ask for --file).
  if (delimiter !== undefined && Input.parseDelimiter(delimiter) === undefined) return yield* usage(`--delimiter ${JSON.stringify(delimiter)}: give one character, or tab`)
  const counts = { inputs: 0, added: 0, known: 0, skipped: 0 }
  const shown: Array<string> = []
  yield* Effect.scoped(Effect.gen(function*() {
    const source = yield* Input.open(Input.optionsOf(input))
    const skipped = StoreAdmin.importNumbers(Stream.map(source.items, (item) => item.value), counts)
    yield* withStore(input, Stream.runForEach(skipped, (s) => Effect.sync(() => void (shown.length < 5 && shown.push(`${s.input}: ${s.reason}`))))).pipe(
      Effect.provideService(ContactsConfig.ContactsConfig, Option.match(input.registered, { onNone: () => ({}), onSome: (registeredNumber) => ({ registeredNumber }) }))
    )
    const failure = source.failure()
    if (failure !== undefined) return yield* failure
  }))
  if (!input.quiet) {
    for (const line of shown) yield* Console.error(`skipped ${line}`)
  }
  yield* confirm(
    input.quiet,
    `imported ${count(counts.inputs)} inputs: ${count(counts.added)} numbers added, ${count(counts.known)} already in the store, ${count(counts.skipped)} skipped`
  )
})

/** `store export`. */
export const exportStore = (input: StoreInput & Output.OutputFlags) =>
  withStore(input, print({ ...input, quiet: false }, EXPORT_COLUMNS, Stream.map(StoreAdmin.exportAll, exportRecordOf)))

const STATS_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "measure", header: "MEASURE" },
  { key: "count", header: "COUNT", show: (row) => count(Number(row["count"])) }
]

/** `store stats`. */
export const stats = (input: StoreInput & {
  readonly maxAge: Option.Option<Duration.Duration>
  readonly budgetWindow: Option.Option<Duration.Duration>
  readonly budgetRatio: Option.Option<number>
  readonly format: Option.Option<Output.Format>
}) =>
  withStore(input, Effect.gen(function*() {
    const s = yield* StoreAdmin.stats({
      maxAge: Option.getOrUndefined(input.maxAge),
      budget: { window: Option.getOrUndefined(input.budgetWindow), ratio: Option.getOrUndefined(input.budgetRatio) }
    })
    const rows: ReadonlyArray<readonly [string, number]> = [
      ["numbers", s.numbers],
      ["valid", s.byStatus.valid],
      ["invalid", s.byStatus.invalid],
      ["failed", s.byStatus.failed],
      ["never checked", s.unchecked],
      ["fresh", s.fresh],
      ["due", s.due],
      ["checked in the last day", s.byAge.day],
      ["checked 1-7 days ago", s.byAge.week],
      ["checked 7-30 days ago", s.byAge.month],
      ["checked over 30 days ago", s.byAge.older],
      ["checks in the budget window", s.ledger.checks],
      ["messages in the budget window", s.ledger.messages],
      ["budget left", s.budgetLeft],
      ["changes recorded", s.changes]
    ]
    yield* print(
      { format: input.format, output: Option.none(), force: false, quiet: false },
      STATS_COLUMNS,
      Stream.fromIterable(rows.map(([measure, n]) => ({ measure, count: n })))
    )
  }))

/** `store messages add N`. */
export const addMessages = (input: StoreInput & { readonly count: number; readonly quiet: boolean }) =>
  withStore(input, Effect.gen(function*() {
    yield* StoreAdmin.recordMessages(input.count).pipe(Effect.mapError((e) => usage(e.message)))
    const s = yield* StoreAdmin.stats()
    yield* confirm(input.quiet, `recorded ${count(input.count)} messages; the budget allows ${count(s.budgetLeft)} more checks in the last 7 days`)
  }))

/** `store prune --older-than D`. */
export const prune = (input: StoreInput & { readonly olderThan: Duration.Duration; readonly quiet: boolean }) =>
  withStore(input, Effect.gen(function*() {
    const pruned = yield* StoreAdmin.prune(input.olderThan)
    yield* confirm(input.quiet, `pruned ${count(pruned.numbers)} numbers, ${count(pruned.history)} history rows, ${count(pruned.ledger)} ledger entries`)
  }))
