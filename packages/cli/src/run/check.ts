/**
 * The body of `wa-contacts check`, loaded only when the command runs: read the inputs as a
 * stream, skip what `--resume` finds done, check the rest with the core's bulk check, write every
 * result as it arrives, and finish with a summary on stderr — also when the run fails or is
 * interrupted, so that nothing already checked is lost.
 *
 * @since 0.1.0
 */
import { Check, Config, Result, Version } from "@wa-contacts/core"
import { Cause, Console, Duration, Effect, Exit as EffectExit, Option, Stream } from "effect"
import * as Connection from "../Connection.ts"
import { toExit } from "../ErrorMessage.ts"
import { Exit, ExitCode, usage } from "../ExitCode.ts"
import * as InputSource from "../InputSource.ts"
import * as Output from "../Output.ts"
import * as Progress from "../Progress.ts"
import * as Resume from "../Resume.ts"
import { Tty } from "../Tty.ts"

/** The parsed flags of `check`. */
export interface CheckInput extends Connection.ConnectionOptions {
  readonly numbers: ReadonlyArray<string>
  readonly file: Option.Option<string>
  readonly column: Option.Option<string>
  readonly wait: boolean
  readonly forceCheck: boolean
  readonly batchSize: Option.Option<number>
  readonly concurrency: Option.Option<number>
  readonly rate: Option.Option<number>
  readonly maxWait: Option.Option<number>
  readonly format: Option.Option<Output.Format>
  readonly output: Option.Option<string>
  readonly resume: boolean
  readonly quiet: boolean
}

const CONTROL = /[\u0000-\u001f\u007f]/g

/** Inputs as a table shows them: control characters escaped, so a bad line cannot garble the terminal. */
const printable = (text: string): string =>
  text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

const statusColour = (row: Output.Row): Output.Colour => {
  switch (row["status"]) {
    case "valid":
      return "green"
    case "invalid":
      return "yellow"
    case "failed":
      return "red"
    default:
      return "cyan"
  }
}

/** The columns of a check record, in order. */
export const CHECK_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "input", header: "INPUT", show: (row) => printable(String(row["input"])) },
  { key: "status", header: "STATUS", colour: statusColour },
  {
    key: "wa_id",
    header: "WA_ID",
    show: (row) => row["wa_id"] === null ? "-" : row["wa_id_trusted"] === true ? String(row["wa_id"]) : `${String(row["wa_id"])} (untrusted)`
  },
  { key: "wa_id_trusted", header: "TRUSTED", table: false },
  { key: "translated", header: "TRANSLATED" },
  { key: "warnings", header: "WARNINGS", colour: () => "dim" },
  { key: "line", header: "LINE", table: false },
  { key: "detail", header: "DETAIL" }
]

const detailOf = (result: Result.CheckResult, item: InputSource.InputItem | undefined): string | null => {
  switch (result._tag) {
    case "Failed":
      return item?.problem ?? result.detail
    case "Processing":
      return "still processing at the deadline: check again later"
    case "NotWhatsAppUser":
      return result.anomaly ? "invalid from a server that should never say it (protocol anomaly)" : null
    default:
      return null
  }
}

/** One output record for a result. */
export const recordOf = (result: Result.CheckResult, item: InputSource.InputItem | undefined): Output.Row => {
  const { waId, trusted } = Result.waIdOf(result)
  return {
    input: result.input,
    status: Result.statusOf(result),
    wa_id: waId ?? null,
    wa_id_trusted: trusted,
    translated: result.translated ?? null,
    warnings: result.warnings.map((w) => w.code),
    line: item?.line ?? null,
    detail: detailOf(result, item)
  }
}

const positive = (flag: string, value: Option.Option<number>, min: number): Effect.Effect<number | undefined, Exit> => {
  if (Option.isNone(value)) return Effect.succeed(undefined)
  return value.value >= min && Number.isFinite(value.value)
    ? Effect.succeed(value.value)
    : Effect.fail(usage(`--${flag} must be a number >= ${min}`))
}

/** A first-in first-out queue of the items in flight, matched to results as they come out in order. */
class InFlight {
  private items: Array<InputSource.InputItem> = []
  private head = 0
  push(item: InputSource.InputItem): void {
    this.items.push(item)
  }
  shift(): InputSource.InputItem | undefined {
    const item = this.items[this.head++]
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }
}

const seconds = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`)

const summaryLines = (
  stats: Check.CheckStats,
  elapsedMs: number,
  skipped: number,
  semantics: Version.Semantics,
  ending: string | undefined
): ReadonlyArray<string> => {
  const s = stats.byStatus
  const counts = `${s.valid} valid, ${s.invalid} invalid, ${s.failed} failed, ${s.processing} processing`
  const requests = `${stats.requests} request${stats.requests === 1 ? "" : "s"}` +
    (stats.polls > 0 ? ` (${stats.polls} re-sent while processing)` : "") +
    (stats.retries > 0 ? `, ${stats.retries} retried` : "")
  return [
    `${stats.results} checked in ${seconds(elapsedMs)}: ${counts} · ${requests}` +
    (skipped > 0 ? ` · ${skipped} skipped (already in the output)` : ""),
    `semantics: ${semantics} — ${Version.describeSemantics(semantics)}`,
    ...(ending === undefined ? [] : [ending])
  ]
}

/** Run `check`. */
export const run = Effect.fnUntraced(function*(input: CheckInput) {
  const secrets = Connection.secretsOf(input)
  const tty = yield* Tty
  const outputPath = Option.getOrUndefined(input.output)
  const format = Output.chooseFormat(Option.getOrUndefined(input.format), outputPath, tty.stdout)
  if (input.resume && outputPath === undefined) return yield* usage("--resume needs --output FILE (the output of the run to continue)")
  const batchSize = yield* positive("batch-size", input.batchSize, 1)
  const concurrency = yield* positive("concurrency", input.concurrency, 1)
  const rate = yield* positive("rate", input.rate, 0)
  const maxWait = yield* positive("max-wait", input.maxWait, 0)
  yield* Connection.validate(input)

  const source = yield* InputSource.open({
    numbers: input.numbers,
    file: Option.getOrUndefined(input.file),
    column: Option.getOrUndefined(input.column)
  })
  const done = input.resume && outputPath !== undefined ? yield* Resume.load(outputPath, format) : undefined
  const target = outputPath === undefined
    ? yield* Output.stdout
    : yield* Effect.mapError(Output.file(outputPath, done?.started === true ? "append" : "create"), (e) => usage(e.message))
  const writer = yield* Output.writer(format, CHECK_COLUMNS, target, { append: done?.started === true })

  const stats = new Check.CheckStats()
  const settings = Connection.clientSettings(input)
  const inFlight = new InFlight()
  let skipped = 0
  const inputs = source.items.pipe(
    Stream.filter((item) => {
      if (done !== undefined && done.take(item.value)) {
        skipped++
        return false
      }
      inFlight.push(item)
      return true
    }),
    Stream.map((item) => item.value)
  )
  const progress = !input.quiet && tty.stderr && source.streamed ? Progress.bar() : Progress.silent
  const fraction = () => (source.size === undefined || source.size === 0 ? undefined : Math.min(1, source.bytesRead() / source.size))

  const results = Check.checkStream(inputs, {
    blocking: input.wait ? "wait" : "no_wait",
    forceCheck: input.forceCheck,
    batchSize,
    concurrency,
    rateLimit: rate === undefined ? undefined : rate === 0 ? false : { requestsPerSecond: rate, burst: Math.max(1, Math.round(rate)) },
    maxWait: maxWait === undefined ? undefined : Duration.seconds(maxWait),
    stats
  })

  const startedAt = Date.now()
  const pipeline = results.pipe(
    Stream.runForEachArray((chunk) => {
      const rows = chunk.map((result) => recordOf(result, inFlight.shift()))
      return Effect.andThen(writer.write(rows), Effect.sync(() => progress.update({ done: stats.results, byStatus: stats.byStatus, fraction: fraction() })))
    }),
    Effect.provide(Connection.layer(input)),
    Effect.provideService(Config.ContactsConfig, settings)
  )

  const fallback = Version.resolveSemantics(settings.apiVersion, undefined)
  const finish = (exit: EffectExit.Exit<unknown, unknown>) =>
    Effect.gen(function*() {
      // Close the output first: a JSON array gets its `]`, a file is flushed and closed.
      yield* writer.end
      yield* target.close
      progress.done()
      if (input.quiet) return
      const interrupted = EffectExit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
      // A run that failed before sending anything (a setting that cannot work) has nothing to sum up.
      if (EffectExit.isFailure(exit) && !interrupted && stats.requests === 0 && stats.results === 0) return
      const ending = interrupted
        ? `interrupted: ${stats.results} records written${outputPath === undefined ? "" : ` to ${outputPath}; run again with --resume to continue`}`
        : undefined
      for (const line of summaryLines(stats, Date.now() - startedAt, skipped, stats.semantics ?? fallback, ending)) {
        yield* Console.error(line)
      }
    })

  yield* pipeline.pipe(
    Effect.onExit(finish),
    Effect.mapError((error) => toExit(error, secrets))
  )
  const failure = source.failure()
  if (failure !== undefined) return yield* failure
  if (stats.byStatus.processing > 0) {
    return yield* new Exit({ code: ExitCode.Processing, message: `${stats.byStatus.processing} still processing at the deadline (raise --max-wait, or check them again later)` })
  }
})
