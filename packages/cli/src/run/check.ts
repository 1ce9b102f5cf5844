/**
 * The body of `wa-contacts check`, loaded only when the command runs: read the inputs as a
 * stream, skip what `--resume` finds done, check the rest with the core's bulk check, write every
 * result as it arrives, and finish with a summary on stderr — also when the run fails or is
 * interrupted, so that nothing already checked is lost.
 *
 * @since 0.1.0
 */
import { Check, ContactsConfig, ApiVersion } from "@wa-contacts/core"
import { Cause, Console, type Duration, Effect, Exit as EffectExit, Option, Stream } from "effect"
import * as Connection from "../Connection.ts"
import { toExit } from "../ErrorMessage.ts"
import { Exit, ExitCode, usage } from "../ExitCode.ts"
import { OutputError, outputExit } from "../Files.ts"
import * as Input from "../Input.ts"
import * as Output from "../Output.ts"
import * as Progress from "../Progress.ts"
import * as Resume from "../Resume.ts"
import { Tty } from "../Tty.ts"
import { CHECK_COLUMNS, recordOf, summaryLines } from "./checkRecords.ts"
import { NO_REGISTERED_NOTE } from "./lint.ts"
import { aroundStore, type StoreCheckInput, throughStore } from "./storeCheck.ts"

export { CHECK_COLUMNS, recordOf }

/** The parsed flags of `check`. */
export interface CheckInput extends Connection.ConnectionOptions, StoreCheckInput, Input.InputFlags, Output.OutputFlags {
  readonly wait: Option.Option<boolean>
  readonly forceCheck: boolean
  readonly batchSize: Option.Option<number>
  readonly concurrency: Option.Option<number>
  readonly rate: Option.Option<number>
  readonly maxWait: Option.Option<Duration.Duration>
  readonly resume: boolean
  readonly quiet: boolean
}

/** Run `check`. */
export const run = Effect.fnUntraced(function*(input: CheckInput) {
  const secrets = Connection.secretsOf(input)
  const tty = yield* Tty
  const outputPath = Option.getOrUndefined(input.output)
  const toFile = !Output.isStdout(outputPath)
  const format = Output.chooseFormat(Option.getOrUndefined(input.format), outputPath, tty.stdout)
  if (input.resume && !toFile) return yield* usage("--resume needs --output FILE (the output of the run to continue)")
  if (input.resume && !Resume.canResume(format)) {
    return yield* usage(`--resume needs --format ndjson or csv (not ${format}): only those can be appended to`)
  }
  yield* Connection.validate(input)
  const through = throughStore(input)
  if (through instanceof Exit) return yield* through

  yield* Effect.scoped(Effect.gen(function*() {
    const source = yield* Input.open(Input.optionsOf(input))
    const done = input.resume && outputPath !== undefined ? yield* Resume.load(outputPath, format) : undefined
    const target = yield* Output.open({
      path: outputPath,
      append: done !== undefined,
      force: input.force,
      overwriteHint: Resume.canResume(format) ? "or --resume to continue it" : undefined,
      input: Option.getOrUndefined(input.file)
    })

    const progress = !input.quiet && tty.stderr && source.streamed ? Progress.bar() : Progress.silent
    const stats = new Check.CheckStats()
    const settings = Connection.clientSettings(input)
    // Each input travels with its item (line, problem) through the check: no pairing by position.
    const inputs = source.items.pipe(
      Stream.filter((item) => done === undefined || !done.take(item.value)),
      Stream.map((item) => [item.value, item] as const)
    )
    // Said once per run, as soon as an input without + is met with no registered number known.
    let said = settings.registeredNumber !== undefined || input.quiet
    // Looked at a chunk at a time: `Stream.tap` runs an effect for every input and hands on chunks
    // of one, which on millions of lines was most of the garbage, and the heap grew with the list.
    const noted = Stream.mapArrayEffect(inputs, (chunk) =>
      said || !chunk.some(([value, item]) => item.problem === undefined && !value.startsWith("+"))
        ? Effect.succeed(chunk)
        : Effect.as(Effect.andThen(Effect.sync(() => (said = true)), Console.error(`note: some numbers have no leading +: ${NO_REGISTERED_NOTE}`)), chunk))
    const fraction = () => (source.size === undefined || source.size === 0 ? undefined : Math.min(1, source.bytesRead() / source.size))
    const rate = Option.getOrUndefined(input.rate)
    const options: Check.CheckStreamOptions = {
      blocking: Option.match(input.wait, { onNone: () => undefined, onSome: (wait) => (wait ? "wait" : "no_wait") }),
      forceCheck: input.forceCheck,
      batchSize: Option.getOrUndefined(input.batchSize),
      concurrency: Option.getOrUndefined(input.concurrency),
      // --rate N paces to N per second, one at a time from the start (no burst).
      rateLimit: rate === undefined ? undefined : rate === 0 ? false : { requestsPerSecond: rate, burst: 1, initialBurst: 0 },
      maxWait: Option.getOrUndefined(input.maxWait),
      stats
    }
    const records = through === undefined
      ? Stream.map(Check.checkPaired(noted, options), ([result, item]) => recordOf(result, item))
      : through.rows(noted, options)
    const rows = records.pipe(
      Stream.mapArray((out) => {
        progress.update({ done: stats.results, byStatus: stats.byStatus, fraction: fraction() })
        return out
      }),
      Stream.provide(Connection.layer(input)),
      Stream.provideService(ContactsConfig.ContactsConfig, {
        ...settings,
        retry: { onRetry: Connection.announceRetries(input, input.quiet, Effect.sync(() => progress.done())) }
      })
    )

    const startedAt = Date.now()
    // What --api-version says, when given; otherwise only an answer tells the semantics.
    const fallback = settings.apiVersion === undefined ? undefined : ApiVersion.resolveSemantics(settings.apiVersion, undefined)
    const finish = <E>(exit: EffectExit.Exit<void, E>) =>
      Effect.gen(function*() {
        progress.done()
        if (input.quiet) return
        if (EffectExit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          // A reader that went away, or a run that failed before its first result: nothing to sum up.
          if (error instanceof OutputError && error.brokenPipe) return
          if (!Cause.hasInterruptsOnly(exit.cause) && stats.results === 0) return
        } else if (stats.results === 0 && source.failure() !== undefined) {
          return
        }
        const interrupted = EffectExit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
        const ending = interrupted
          ? (target.written()
            ? `interrupted: ${Progress.count(stats.results)} records written to ${target.label}`
            // Opened late: before the first record, an --output file was neither created nor touched.
            : `interrupted before the first record: nothing written${toFile ? ` (${target.label} left as it was)` : ""}`) +
            (toFile && Resume.canResume(format) ? "; run the same command with --resume to continue" : "")
          : undefined
        for (const line of summaryLines(stats, Date.now() - startedAt, done?.skipped() ?? 0, stats.semantics ?? fallback, ending)) {
          yield* Console.error(line)
        }
        if (through !== undefined) yield* Console.error(through.summary())
      })

    const write = Output.write(target, format, through?.columns ?? CHECK_COLUMNS, rows, { append: done?.started === true })
    yield* aroundStore(through, write).pipe(
      Effect.onExit(finish),
      Effect.mapError((error) => (error instanceof OutputError ? outputExit(error) : toExit(error, secrets)))
    )
    const failure = source.failure()
    if (failure !== undefined) return yield* failure
    if (stats.byStatus.processing > 0) {
      return yield* new Exit({
        code: ExitCode.Processing,
        message: `${Progress.count(stats.byStatus.processing)} still processing at the deadline`,
        hint: "raise --max-wait, or check them again later"
      })
    }
  }))
})
