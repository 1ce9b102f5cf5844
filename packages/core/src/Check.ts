/**
 * Checking contacts (spec §2): one batch, or any number of inputs as a `Stream` with exactly one
 * result per input, in input order.
 *
 * The stream translates and lints each input once, sends each distinct number once (identical
 * inputs and inputs that translate to the same number share one check, answered to all of them),
 * batches, runs a bounded number of batches at once behind a client-side rate limit, retries
 * transient failures, and follows the vendor's `no_wait` recipe: re-send only the numbers still
 * `processing`, with back-off, until a deadline, after which they are reported as `processing`.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Semaphore, Stream } from "effect"
import { call, type CallObserver } from "./Call.ts"
import { ContactsConfig, type ContactsConfigShape } from "./Config.ts"
import { type ContactsError, InputError } from "./Errors.ts"
import { phoneProblem } from "./Input.ts"
import type { RateLimiter, RateLimitOptions } from "./RateLimit.ts"
import * as RateLimit from "./RateLimit.ts"
import * as Requests from "./Requests.ts"
import { type CheckResult, interpret, type Outcome, statusOf } from "./Result.ts"
import type { Transport } from "./Transport.ts"
import { type Answer, AnswerTable } from "./internal/AnswerTable.ts"
import { dedupKey, type Translation, Translator, type Validity, type Warning } from "./Translation.ts"
import { resolveSemantics, type Semantics } from "./Version.ts"
import { type Blocking, type CheckContact, CheckResponse } from "./Wire.ts"

/** How the `no_wait` recipe re-sends what is still `processing`. */
export interface PollOptions {
  /** Delay before the first re-send (default 500 ms: the usual lookup latency). */
  readonly initialDelay?: Duration.Input
  /** Growth of the delay between re-sends (default 1.5). */
  readonly factor?: number
  /** The longest delay between re-sends (default 5 s). */
  readonly maxDelay?: Duration.Input
}

/** Options of a check. */
export interface CheckOptions {
  /** `no_wait` (default): answer at once and poll; `wait`: the server waits for every lookup. */
  readonly blocking?: Blocking | undefined
  /** Skip the server's 7-day cache. Use sparingly: checks must not outnumber messages. */
  readonly forceCheck?: boolean | undefined
  /** Give up waiting for `processing` numbers after this long (default 60 s). */
  readonly maxWait?: Duration.Input | undefined
  readonly poll?: PollOptions | undefined
  /** Counters of what was sent; pass one in to read them afterwards. */
  readonly stats?: CheckStats | undefined
  /**
   * Asked before each re-send of `processing` numbers: how many of them (from the first) may be
   * re-sent. The others are no longer polled and are reported as `processing`. Default: all.
   * The check budget uses it, since re-sends count as checks.
   */
  readonly beforeResend?: ((pending: number) => Effect.Effect<number>) | undefined
}

/** Options of a bulk check. */
export interface CheckStreamOptions extends CheckOptions {
  /** Numbers per request (default 500). */
  readonly batchSize?: number | undefined
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number | undefined
  /**
   * Batches in progress at once (default 8 × `concurrency`). A batch waiting to re-poll its
   * `processing` numbers holds no request slot, so later batches start their lookups meanwhile;
   * this bounds the numbers held in memory.
   */
  readonly batchesInProgress?: number | undefined
  /** Client-side limit (default the documented 20/s, bursts of 60); `false` for none. */
  readonly rateLimit?: RateLimitOptions | false | undefined
  /**
   * Which inputs get lint's validity check (default `ambiguous`: only those without `+`, where it
   * tells a mistranslation; `all` adds `INVALID_NUMBER` for numbers sent with `+` too, at several
   * times the CPU cost).
   */
  readonly validity?: Validity | undefined
}

/** What a check did, for summaries and for the usage policy (checks must not outnumber messages). */
export class CheckStats implements CallObserver {
  /** Results produced (one per input). */
  results = 0
  /** HTTP requests sent, retries included. */
  requests = 0
  /** Retries of transient failures. */
  retries = 0
  /** Numbers sent in check requests, re-sends included. */
  contactsSent = 0
  /** Re-sends of `processing` numbers. */
  polls = 0
  /** Results per raw status. */
  readonly byStatus: Record<"valid" | "invalid" | "failed" | "processing", number> = { valid: 0, invalid: 0, failed: 0, processing: 0 }
  /** Failures that were retried, by tag (RateLimited, Overloaded, TransportError …). */
  readonly retriedErrors: Record<string, number> = {}
  /** The semantics of the last response. */
  semantics: Semantics | undefined

  readonly onRequest = (request: { readonly body?: unknown }) => {
    this.requests++
    const contacts = (request.body as { contacts?: ReadonlyArray<string> } | undefined)?.contacts
    if (contacts !== undefined) this.contactsSent += contacts.length
  }

  readonly onRetry = (error: ContactsError) => {
    this.retries++
    this.retriedErrors[error._tag] = (this.retriedErrors[error._tag] ?? 0) + 1
  }
}

const DEFAULT_MAX_WAIT = Duration.seconds(60)

const millis = (input: Duration.Input | undefined, fallback: Duration.Duration): number =>
  Duration.toMillis(input === undefined ? fallback : Duration.fromInputUnsafe(input))

const missing: Outcome = { _tag: "Failed", cause: "missing", detail: "the server's answer did not include this number" }

/**
 * Check `inputs` (distinct strings) in one request, then follow the `no_wait` recipe for whatever
 * is `processing`. Answers are keyed by input. Transient failures are retried; others fail.
 */
const resolveInputs = (
  inputs: ReadonlyArray<string>,
  options: CheckOptions,
  config: ContactsConfigShape,
  limiter: RateLimiter,
  inFlight: Semaphore.Semaphore | undefined
): Effect.Effect<Map<string, Answer>, ContactsError, Transport> =>
  Effect.gen(function*() {
    const stats = options.stats
    const callOptions = {
      idempotency: "idempotent" as const,
      beforeAttempt: limiter.take,
      aroundAttempt: inFlight === undefined ? undefined : inFlight.withPermits(1),
      observer: stats
    }
    const answers = new Map<string, Answer>()
    const record = (entries: ReadonlyArray<CheckContact>, semantics: Semantics, asked: ReadonlyArray<string>) => {
      const seen = new Set<string>()
      for (const entry of entries) {
        seen.add(entry.input)
        answers.set(entry.input, { outcome: interpret(entry.status, entry.wa_id, semantics), semantics })
      }
      for (const input of asked) {
        if (!seen.has(input)) answers.set(input, { outcome: missing, semantics })
      }
      if (stats !== undefined) stats.semantics = semantics
    }
    const send = (contacts: ReadonlyArray<string>, blocking: Blocking, forceCheck: boolean) =>
      call(
        Requests.check({ blocking, contacts: [...contacts], force_check: forceCheck }),
        CheckResponse,
        callOptions
      ).pipe(Effect.tap((body) => Effect.sync(() => record(body.contacts, resolveSemantics(config.apiVersion, body.meta?.version), contacts))))

    const start = yield* Effect.clockWith((c) => c.currentTimeMillis)
    const deadline = start + millis(options.maxWait, DEFAULT_MAX_WAIT)
    yield* send(inputs, options.blocking ?? "no_wait", options.forceCheck ?? false)

    const factor = options.poll?.factor ?? 1.5
    const maxDelay = millis(options.poll?.maxDelay, Duration.seconds(5))
    let delay = millis(options.poll?.initialDelay, Duration.millis(500))
    let pending = inputs.filter((i) => answers.get(i)?.outcome._tag === "Processing")
    while (pending.length > 0) {
      const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
      if (now >= deadline) break
      yield* Effect.sleep(Math.min(delay, deadline - now))
      if (options.beforeResend !== undefined) {
        pending = pending.slice(0, Math.max(0, yield* options.beforeResend(pending.length)))
        if (pending.length === 0) break
      }
      // Re-poll without force_check: a forced re-check would restart the lookup every time.
      if (stats !== undefined) stats.polls += pending.length
      yield* send(pending, "no_wait", false)
      pending = pending.filter((i) => answers.get(i)?.outcome._tag === "Processing")
      delay = Math.min(delay * factor, maxDelay)
    }
    return answers
  })

/** One input of a bulk check, prepared: translated, linted, and whether it is the first of its number. */
interface Prepared {
  readonly translation: Translation
  readonly key: string
  readonly first: boolean
  /** Why the input is not sent at all (not a phone number), if so. */
  readonly rejected: string | undefined
}

const DUPLICATE: Warning = { code: "DUPLICATE", message: "the same number as an earlier input: it is checked once" }

const prepare = (translator: Translator, seen: AnswerTable, input: string): Prepared => {
  const rejected = phoneProblem(input)
  if (rejected !== undefined) {
    return { translation: { input, translated: undefined, valid: false, warnings: [] }, key: "", first: false, rejected }
  }
  const translation = translator.translate(input)
  const key = dedupKey(translation)
  if (seen.has(key)) {
    return { translation: { ...translation, warnings: [...translation.warnings, DUPLICATE] }, key, first: false, rejected: undefined }
  }
  seen.markPending(key)
  return { translation, key, first: true, rejected: undefined }
}

const toResult = (p: Prepared, answer: Answer | undefined, fallback: Semantics): CheckResult => {
  const { input, translated, warnings } = p.translation
  if (p.rejected !== undefined) {
    return { _tag: "Failed", cause: "rejected", detail: `not sent: the input ${p.rejected}`, input, translated, warnings, semantics: fallback }
  }
  const { outcome, semantics } = answer ?? { outcome: missing, semantics: fallback }
  return { ...outcome, input, translated, warnings, semantics }
}

const configuredSemantics = (config: ContactsConfigShape): Semantics => resolveSemantics(config.apiVersion, undefined)

const count = (stats: CheckStats | undefined, result: CheckResult): CheckResult => {
  if (stats !== undefined) {
    stats.results++
    stats.byStatus[statusOf(result)]++
  }
  return result
}

/**
 * How the first inputs of their numbers in one group are answered: `resolve` sends them (the
 * check's own resolution, with its rate limit and polling); a seam may answer some otherwise and
 * send only the rest. The result store uses it (`StoredCheck`).
 *
 * @internal
 */
export type GroupSeam<T, E2, R2> = (
  firsts: ReadonlyArray<{ readonly item: T; readonly translation: Translation; readonly rejected: string | undefined }>,
  resolve: (inputs: ReadonlyArray<string>) => Effect.Effect<Map<string, Answer>, ContactsError, Transport>
) => Effect.Effect<Map<string, Answer>, ContactsError | E2, Transport | R2>

/**
 * The bulk check over any item type, with an optional seam around the resolution of each group:
 * `inputOf` reads the input of an item, `output` builds what is emitted from its result.
 *
 * @internal
 */
export const checkWithSeam = <T, O, E, R, E2 = never, R2 = never>(
  source: Stream.Stream<T, E, R>,
  inputOf: (item: T) => string,
  output: (result: CheckResult, item: T) => O,
  options: CheckStreamOptions,
  seam?: GroupSeam<T, E2, R2>
): Stream.Stream<O, ContactsError | E | E2, Transport | R | R2> =>
  Stream.unwrap(Effect.gen(function*() {
    const config = yield* ContactsConfig
    const translator = new Translator(config.registeredNumber, options.validity ?? "ambiguous")
    const limiter = options.rateLimit === false ? RateLimit.unlimited : RateLimit.make(options.rateLimit ?? RateLimit.DOCUMENTED)
    const concurrency = Math.max(1, options.concurrency ?? 4)
    const inFlight = yield* Semaphore.make(concurrency)
    const answersByKey = new AnswerTable()
    const fallback = configuredSemantics(config)
    const stats = options.stats
    const resolve = (inputs: ReadonlyArray<string>) => resolveInputs(inputs, options, config, limiter, inFlight)

    const resolveGroup = (group: ReadonlyArray<Prepared & { readonly item: T }>) => {
      const firsts = group.filter((p) => p.first)
      if (firsts.length === 0) return Effect.succeed(group)
      const inputs = firsts.map((p) => p.translation.input)
      return (seam === undefined ? resolve(inputs) : seam(firsts, resolve)).pipe(
        Effect.map((answers) => {
          for (const p of firsts) answersByKey.set(p.key, answers.get(p.translation.input) ?? { outcome: missing, semantics: fallback })
          return group
        })
      )
    }

    return source.pipe(
      Stream.map((item) => ({ ...prepare(translator, answersByKey, inputOf(item)), item })),
      Stream.grouped(Math.max(1, options.batchSize ?? 500)),
      Stream.mapEffect(resolveGroup, { concurrency: Math.max(1, options.batchesInProgress ?? concurrency * 8) }),
      // After the ordered mapEffect every earlier group is answered, so duplicates of earlier
      // numbers find their answer here.
      Stream.map((group) => group.map((p) => output(count(stats, toResult(p, answersByKey.get(p.key), fallback)), p.item))),
      Stream.flattenIterable
    )
  }))

/**
 * Check any number of inputs as a `Stream` of results: exactly one per input, in input order.
 * Memory holds one compact entry per distinct number (to answer later duplicates: about 12 bytes
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
  checkWithSeam(Stream.isStream(inputs) ? inputs : Stream.fromIterable(inputs), (input: string) => input, (result) => result, options)

/**
 * Check one batch: the inputs are validated (a bad one fails with `InputError` before anything is
 * sent) and sent as given, in one request, then polled as the `no_wait` recipe says. Inputs that
 * are the same number (the same string, or another format of it) are sent once and share the
 * answer. Results are in input order.
 */
export const checkBatch = Effect.fnUntraced(function*(inputs: ReadonlyArray<string>, options: CheckOptions = {}) {
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
  const prepared = inputs.map((input) => prepare(translator, seen, input))
  // Only the first input of each number is sent (the usage policy: never check a number twice);
  // inputs that translate to the same number share its answer, as in `checkStream`.
  const firsts = prepared.filter((p) => p.first)
  const answers = yield* resolveInputs(firsts.map((p) => p.translation.input), options, config, RateLimit.unlimited, undefined)
  const answersByKey = new Map(firsts.map((p) => [p.key, answers.get(p.translation.input)] as const))
  const fallback = configuredSemantics(config)
  return prepared.map((p) => count(options.stats, toResult(p, answersByKey.get(p.key), fallback)))
})
