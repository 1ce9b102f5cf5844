/**
 * The body of `wa-contacts revalidate`, loaded only when the command runs: the due numbers of the
 * store through `StoredCheck.revalidate`, one record each as results arrive (or only the changes),
 * and a summary on stderr — fresh, due, checked, deferred, changed — also when the run stops early.
 * With the budget's ledger rule in force and no message recorded it refuses and says what to do.
 *
 * @since 0.2.0
 */
import { Check, ContactsConfig, StoredCheck } from "@wa-contacts/core"
import { Cause, Console, type Duration, Effect, Exit as EffectExit, Option, Stream } from "effect"
import * as Connection from "../Connection.ts"
import { toExit } from "../ErrorMessage.ts"
import { Exit, ExitCode, usage } from "../ExitCode.ts"
import { OutputError, outputExit } from "../Files.ts"
import * as Output from "../Output.ts"
import { count } from "../Progress.ts"
import { Tty } from "../Tty.ts"
import { secretsOfStore, type StoreInput, withStore } from "./store.ts"
import { type BudgetInput, budgetOf, isChange, recordsOf, STORED_COLUMNS, storedRecordOf } from "./storeRecords.ts"

/** The parsed flags of `revalidate`. */
export interface RevalidateInput extends Connection.ConnectionOptions, StoreInput, BudgetInput, Output.OutputFlags {
  readonly maxAge: Option.Option<Duration.Duration>
  readonly limit: Option.Option<number>
  readonly changesOnly: boolean
  readonly forceCheck: boolean
  readonly batchSize: Option.Option<number>
  readonly rate: Option.Option<number>
  readonly maxWait: Option.Option<Duration.Duration>
  readonly quiet: boolean
}

const NO_MESSAGES_HINT =
  "record the messages you send (wa-contacts store messages add N), or give a cap for this run (--budget N), or switch the budget off (--no-budget)"

/** The summary of a re-validation, for stderr. */
export const summaryLines = (c: StoredCheck.RevalidationCounts, ending: string | undefined): ReadonlyArray<string> => [
  `${count(c.fresh)} fresh, ${count(c.due)} due: ${count(c.checked)} re-checked, ${count(c.deferred)} deferred, ${count(c.changed)} changed` +
  (c.stored > 0 ? `, ${count(c.stored)} checked meanwhile by another run` : "") + ` · ${count(c.sent)} numbers sent`,
  ...(c.deferred > 0 ? ["deferred numbers were not sent and stay due: run again once more messages are recorded, or with a larger --budget"] : []),
  ...(ending === undefined ? [] : [ending])
]

/** Run `revalidate`. */
export const run = Effect.fnUntraced(function*(input: RevalidateInput) {
  const secrets = [...Connection.secretsOf(input), ...secretsOfStore(input)]
  const budget = budgetOf(input, true)
  if (budget instanceof Exit) return yield* budget
  yield* Connection.validate(input)
  const tty = yield* Tty
  const outputPath = Option.getOrUndefined(input.output)
  const format = Output.chooseFormat(Option.getOrUndefined(input.format), outputPath, tty.stdout)
  const rate = Option.getOrUndefined(input.rate)
  const stats = new Check.CheckStats()
  const counts: StoredCheck.RevalidationCounts = { ...StoredCheck.emptyCounts(), fresh: 0, due: 0 }
  let started = false

  const results = StoredCheck.revalidate({
    limit: Option.getOrUndefined(input.limit),
    forceCheck: input.forceCheck,
    batchSize: Option.getOrUndefined(input.batchSize),
    rateLimit: rate === undefined ? undefined : rate === 0 ? false : { requestsPerSecond: rate, burst: 1 },
    maxWait: Option.getOrUndefined(input.maxWait),
    stats,
    store: { maxAge: Option.getOrUndefined(input.maxAge), budget }
  }, counts)
  const records = recordsOf(results, (result, now) => {
    started = true
    return storedRecordOf(result, undefined, now)
  }).pipe(
    Stream.filter((row) => !input.changesOnly || isChange(row)),
    Stream.mapError((error) => (error._tag === "NoMessagesRecorded" ? usage(error.message, NO_MESSAGES_HINT) : error)),
    Stream.provide(Connection.layer(input)),
    Stream.provideService(ContactsConfig.ContactsConfig, {
      ...Connection.clientSettings(input),
      retry: { onRetry: Connection.announceRetries(input, input.quiet) }
    })
  )

  const finish = <E>(exit: EffectExit.Exit<void, E>) =>
    Effect.gen(function*() {
      if (input.quiet) return
      if (EffectExit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause) && !started) return
      const interrupted = EffectExit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
      const ending = interrupted ? "interrupted: what was re-checked is in the store; run again to continue" : undefined
      for (const line of summaryLines(counts, ending)) yield* Console.error(line)
    })

  yield* withStore(
    input,
    Effect.scoped(Effect.gen(function*() {
      const target = yield* Output.open({ path: outputPath, force: input.force })
      yield* Output.write(target, format, STORED_COLUMNS, records)
    })).pipe(Effect.onExit(finish))
  ).pipe(
    Effect.mapError((error) =>
      error instanceof OutputError ? outputExit(error) : toExit(error, secrets)
    )
  )
  if (stats.byStatus.processing > 0) {
    return yield* new Exit({ code: ExitCode.Processing, message: `${count(stats.byStatus.processing)} still processing at the deadline`, hint: "run revalidate again later: they stay due" })
  }
})
