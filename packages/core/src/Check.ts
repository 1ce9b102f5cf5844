/**
 * Checking contacts (spec §2): one batch, or any number of inputs as a `Stream` with exactly one
 * result per input, in input order — optionally paired with a payload of the caller's
 * ({@link checkPaired}), so that nobody matches results to inputs by position.
 *
 * The stream translates and lints each input once, sends each distinct number once (identical
 * inputs and inputs that translate to the same number share one check, answered to all of them),
 * batches, paces requests under the server's rate limit (no burst at start, `Retry-After`
 * honoured), sizes the requests in flight by rate × observed latency, retries transient failures,
 * and re-sends only the numbers a lookup really left `processing` ({@link Policy.pollSchedule}).
 *
 * Bulk lists default to `blocking: "wait"`: the server answers each batch when its lookups are done,
 * so every number is sent once (the usage policy counts every number sent) and one request per
 * batch reaches the rate limit's ceiling. `no_wait` answers at once with `processing` for every
 * number not in the server's cache, which then has to be sent again: twice the numbers, twice the
 * requests. `checkBatch` keeps the spec's default (`no_wait`).
 *
 * @since 0.1.0
 */
import { type Duration, Effect, Ref, Stream } from "effect"
import type { NonEmptyReadonlyArray } from "effect/Array"
import { ContactsConfig, type ContactsConfigShape } from "./ContactsConfig.ts"
import { type ContactsError, InputError } from "./Errors.ts"
import { phoneProblem } from "./Input.ts"
import type { PollOptions } from "./Policy.ts"
import type { RateLimitOptions } from "./RateLimit.ts"
import * as RateLimit from "./RateLimit.ts"
import { type CheckResult, missingFromAnswer, statusOf } from "./CheckResult.ts"
import type { Transport } from "./Transport.ts"
import { type Answer, AnswerTable } from "./internal/AnswerTable.ts"
import { prepare, type Prepared, toResult } from "./internal/Prepare.ts"
import * as Counts from "./internal/CheckCounts.ts"
import * as Pacing from "./internal/Pacing.ts"
import { resolveInputs } from "./internal/Resolve.ts"
import { Translator, type Validity } from "./Translation.ts"
import { resolveSemantics, type Semantics } from "./ApiVersion.ts"
import type { Blocking } from "./Wire.ts"

export type { PollOptions } from "./Policy.ts"
export type { CheckCounts } from "./internal/CheckCounts.ts"

/** Options of a check. */
export interface CheckOptions {
  /**
   * `wait`: the server answers when every lookup is done; `no_wait`: it answers at once and the
   * client re-sends what is `processing`. Default: `wait` for `checkStream`/`checkPaired`,
   * `no_wait` (the spec's default) for `checkBatch`.
   */
  readonly blocking?: Blocking | undefined
  /** Skip the server's 7-day cache. Use sparingly: checks must not outnumber messages. */
  readonly forceCheck?: boolean | undefined
  /** Keep re-sending `processing` numbers this long after the first answer (default 60 s). */
  readonly maxWait?: Duration.Input | undefined
  readonly poll?: PollOptions | undefined
  /**
   * Asked before each re-send of numbers still `processing`, with those numbers: how many of them
   * (from the front) may be re-sent. The others stop being re-sent and are reported `processing`.
   * For a budget of checks that re-sends count against.
   */
  readonly beforeResend?: ((pending: ReadonlyArray<string>) => Effect.Effect<number>) | undefined
  /** Told about each retry of a transient failure, with the delay before it (to announce it). */
  readonly onRetry?: ((error: ContactsError, delayMillis: number) => Effect.Effect<void>) | undefined
  /** Counters of what was sent; pass one in to read them during and after the check. */
  readonly stats?: CheckStats | undefined
}

/** Options of a bulk check. */
export interface CheckStreamOptions extends CheckOptions {
  /** Numbers per request (default 500). */
  readonly batchSize?: number | undefined
  /**
   * Requests in flight at once. Default: sized by rate × observed latency (4 to 32) under a rate
   * limit, 4 without one.
   */
  readonly concurrency?: number | undefined
  /**
   * Batches in progress at once (default 48, or 8 × `concurrency` when it is given). A batch
   * waiting to re-poll its `processing` numbers holds no request slot, so later batches start
   * their lookups meanwhile; this bounds the numbers held in memory.
   */
  readonly batchesInProgress?: number | undefined
  /** Client-side pacing (default `RateLimit.PACED`: 19.9/s, no burst at start); `false` for none. */
  readonly rateLimit?: RateLimitOptions | false | undefined
  /**
   * Which inputs get lint's validity check (default `ambiguous`: only those without `+`, where it
   * tells a mistranslation; `all` adds `INVALID_NUMBER` for numbers sent with `+` too, at several
   * times the CPU cost).
   */
  readonly validity?: Validity | undefined
}

/**
 * What a check did, for summaries and for the usage policy (checks must not outnumber messages):
 * a `Ref` of {@link CheckCounts} that the check updates as it goes. Read `yield* stats.get`, or
 * the fields below at any moment.
 */
export class CheckStats {
  readonly ref: Ref.Ref<Counts.CheckCounts> = Ref.makeUnsafe(Counts.empty)
  /** The counts now. */
  get get(): Effect.Effect<Counts.CheckCounts> {
    return Ref.get(this.ref)
  }
  private get now(): Counts.CheckCounts {
    return Ref.getUnsafe(this.ref)
  }
  /** Results produced (one per input). */
  get results(): number {
    return this.now.results
  }
  /** HTTP requests sent, retries included. */
  get requests(): number {
    return this.now.requests
  }
  /** Retries of transient failures. */
  get retries(): number {
    return this.now.retries
  }
  /** Numbers sent in check requests, re-sends included. */
  get contactsSent(): number {
    return this.now.contactsSent
  }
  /** Re-sends of `processing` numbers. */
  get polls(): number {
    return this.now.polls
  }
  /** Results per raw status. */
  get byStatus(): Counts.CheckCounts["byStatus"] {
    return this.now.byStatus
  }
  /** Failures that were retried, by tag. */
  get retriedErrors(): Counts.CheckCounts["retriedErrors"] {
    return this.now.retriedErrors
  }
  /** The semantics of the last response. */
  get semantics(): Semantics | undefined {
    return this.now.semantics
  }
}

const configuredSemantics = (config: ContactsConfigShape): Semantics => resolveSemantics(config.apiVersion, undefined)

const counted = (stats: CheckStats | undefined, results: ReadonlyArray<CheckResult>) =>
  stats === undefined ? Effect.void : Ref.update(stats.ref, Counts.emitted(results.map(statusOf)))

const pacingOf = (options: CheckStreamOptions): Pacing.Pacing => {
  const limiter = options.rateLimit === false ? RateLimit.unlimited : RateLimit.make(options.rateLimit ?? RateLimit.PACED)
  if (options.concurrency !== undefined) return Pacing.fixed(limiter, Math.max(1, options.concurrency))
  return options.rateLimit === false ? Pacing.fixed(limiter, Pacing.MIN_IN_FLIGHT) : Pacing.adaptive(limiter)
}

/**
 * How the first inputs of their numbers in one group are answered: `resolve` sends them (the
 * check's own resolution, with its pacing and polling); a seam may answer some otherwise (it sets
 * their `answer`) and send only the rest, whose answers it returns. The result store uses it
 * (`StoredCheck`).
 *
 * @internal
 */
export type GroupSeam<T, E2, R2, N = never> = (
  firsts: ReadonlyArray<Prepared<T, N>>,
  resolve: (inputs: ReadonlyArray<string>) => Effect.Effect<Map<string, Answer>, ContactsError, Transport>
) => Effect.Effect<Map<string, Answer>, ContactsError | E2, Transport | R2>

/**
 * The bulk check over any item type: `inputOf` reads the input, `output` pairs the result (with
 * what the seam noted on the input); an optional `seam` wraps the resolution of each group.
 *
 * @internal
 */
export const checkWithSeam = <T, O, E, R, E2 = never, R2 = never, N = never>(
  source: Stream.Stream<T, E, R>,
  inputOf: (item: T) => string,
  output: ((result: CheckResult, item: T, note: N | undefined) => O) | undefined,
  options: CheckStreamOptions,
  seam?: GroupSeam<T, E2, R2, N>
): Stream.Stream<O, ContactsError | E | E2, Transport | R | R2> =>
  Stream.unwrap(Effect.gen(function*() {
    const config = yield* ContactsConfig
    const translator = new Translator(config.registeredNumber, options.validity ?? "ambiguous")
    const pacing = pacingOf(options)
    const answersByKey = new AnswerTable()
    const fallback = configuredSemantics(config)
    const resolveOptions = { ...options, blocking: options.blocking ?? "wait" }
    const batchesInProgress = options.batchesInProgress ?? (options.concurrency === undefined ? 48 : options.concurrency * 8)

    const resolveGroup = (group: ReadonlyArray<Prepared<T, N>>) => {
      const firsts = group.filter((p) => p.first)
      if (firsts.length === 0) return Effect.succeed(group)
      const resolve = (inputs: ReadonlyArray<string>) => resolveInputs(inputs, resolveOptions, config, pacing)
      return (seam === undefined ? resolve(firsts.map((p) => p.translation.input)) : seam(firsts, resolve)).pipe(
        Effect.map((answers) => {
          for (const p of firsts) {
            p.answer ??= answers.get(p.translation.input) ?? { outcome: missingFromAnswer, semantics: fallback }
            answersByKey.setAt(p.key, p.answer, p.placed)
          }
          return group
        })
      )
    }
    // A group's results, one per input: never empty, since `grouped` emits none empty.
    const emit = (group: ReadonlyArray<Prepared<T, N>>): Effect.Effect<NonEmptyReadonlyArray<O>> => {
      // After the ordered mapEffect every earlier group is answered, so duplicates of earlier
      // numbers find their answer here.
      const results = group.map((p) => toResult(p, p.answer ?? answersByKey.get(p.key), fallback))
      // Without `output` the items are the inputs and the results go out as they are (O = CheckResult).
      const out = output === undefined ? (results as unknown as ReadonlyArray<O>) : results.map((result, i) => output(result, group[i]!.item, group[i]!.note))
      return Effect.as(counted(options.stats, results), out as NonEmptyReadonlyArray<O>)
    }

    return source.pipe(
      Stream.map((item) => prepare<T, N>(translator, answersByKey, inputOf(item), item)),
      Stream.grouped(Math.max(1, options.batchSize ?? 500)),
      Stream.mapEffect(resolveGroup, { concurrency: Math.max(1, batchesInProgress) }),
      Stream.mapEffect(emit),
      // Each group's results go on as one chunk. `flattenIterable` made a stream of each group
      // (`flatMap`): three times the cost per input of this whole step, and what it held was
      // promoted (400k inputs, instant transport: 96 → 60 MB promoted of ~580 MB allocated).
      Stream.flattenArray
    )
  }))

/**
 * Inputs as a stream of chunks of one batch. An array given whole would be one chunk (effect's
 * `fromIterable`): every input prepared before the first batch could leave (0.2–0.6 s at 100k
 * inputs), and all of them alive at once. Chunks of one batch let the first request go as soon
 * as its batch is ready. An array is sliced, not iterated: its iterator made an object per input.
 *
 * @internal
 */
export const streamOf = <A, E, R>(inputs: Stream.Stream<A, E, R> | Iterable<A>, options: CheckStreamOptions): Stream.Stream<A, E, R> => {
  if (Stream.isStream(inputs)) return inputs
  const size = Math.max(1, options.batchSize ?? 500)
  if (!Array.isArray(inputs)) return Stream.fromIterable(inputs, { chunkSize: size })
  const array: ReadonlyArray<A> = inputs
  // An iterable, not a generator: a stream may be run more than once.
  return Stream.fromIterable({ [Symbol.iterator]: () => slices(array, size) }, { chunkSize: 1 }).pipe(Stream.flattenArray)
}

function* slices<A>(array: ReadonlyArray<A>, size: number): Generator<NonEmptyReadonlyArray<A>> {
  for (let i = 0; i < array.length; i += size) yield array.slice(i, i + size) as unknown as NonEmptyReadonlyArray<A>
}

/**
 * Check any number of inputs as a `Stream` of results: exactly one per input, in input order.
 * Memory holds one compact entry per distinct number (to answer later duplicates: about 6 bytes
 * for an E.164 number, see `internal/AnswerTable.ts`) and the batches in progress; the inputs
 * themselves are consumed as a stream.
 *
 * Fails with the first non-transient error (or a transient one whose retries ran out); results
 * emitted before that stand.
 */
export const checkStream = <E = never, R = never>(
  inputs: Stream.Stream<string, E, R> | Iterable<string>,
  options: CheckStreamOptions = {}
): Stream.Stream<CheckResult, ContactsError | E, Transport | R> =>
  checkWithSeam<string, CheckResult, E, R>(streamOf(inputs, options), (input) => input, undefined, options).pipe(Stream.withSpan("checkStream"))

/**
 * {@link checkStream} with a payload of the caller's carried alongside each input: each result
 * comes out paired with its own input's payload (a line number, a record id, a row), in input
 * order, so nothing has to match results to inputs by position.
 *
 * @example
 * ```ts
 * const rows = Stream.fromIterable([["+16315551000", { line: 1 }], ["6315551002", { line: 2 }]] as const)
 * Check.checkPaired(rows).pipe(Stream.runForEach(([result, { line }]) => Console.log(line, result._tag)))
 * ```
 */
export const checkPaired = <P, E = never, R = never>(
  inputs: Stream.Stream<readonly [input: string, payload: P], E, R> | Iterable<readonly [input: string, payload: P]>,
  options: CheckStreamOptions = {}
): Stream.Stream<readonly [result: CheckResult, payload: P], ContactsError | E, Transport | R> =>
  checkWithSeam(streamOf(inputs, options), ([input]) => input, (result, [, payload]) => [result, payload] as const, options).pipe(
    Stream.withSpan("checkPaired")
  )

/**
 * Check one batch: the inputs are validated (a bad one fails with `InputError` before anything is
 * sent) and sent as given, in one request, then polled as the `no_wait` recipe says. Inputs that
 * are the same number (the same string, or another format of it) are sent once and share the
 * answer. Results are in input order.
 */
export const checkBatch = Effect.fn("check")(function*(inputs: ReadonlyArray<string>, options: CheckOptions = {}) {
  for (const input of inputs) {
    const problem = phoneProblem(input)
    if (problem !== undefined) {
      return yield* new InputError({ field: "contacts", input: input.slice(0, 40), message: `contact ${JSON.stringify(input.slice(0, 40))} ${problem}` })
    }
  }
  if (inputs.length === 0) return []
  const config = yield* ContactsConfig
  const translator = new Translator(config.registeredNumber)
  const seen = new AnswerTable()
  const prepared = inputs.map((input) => prepare(translator, seen, input, undefined))
  // Only the first input of each number is sent (the usage policy: never check a number twice);
  // inputs that translate to the same number share its answer, as in `checkStream`.
  const firsts = prepared.filter((p) => p.first)
  const answers = yield* resolveInputs(firsts.map((p) => p.translation.input), options, config, undefined)
  const answersByKey = new Map(firsts.map((p) => [p.key, answers.get(p.translation.input)] as const))
  const fallback = configuredSemantics(config)
  const results = prepared.map((p) => toResult(p, answersByKey.get(p.key), fallback))
  yield* counted(options.stats, results)
  return results
})
