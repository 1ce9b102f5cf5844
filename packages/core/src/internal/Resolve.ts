/**
 * One batch of distinct inputs through the server: the first send, then the `no_wait` recipe
 * (re-send only what is still `processing`, on `Policy.pollSchedule`) until every number has a
 * final status or the deadline passed. Counters go to the check's `Ref`; a `Retry-After` pauses
 * the shared rate limiter, so that every request of the check waits, not only the one refused.
 *
 * @internal
 */
import { type Duration, Effect, Ref } from "effect"
import { call, type CallObserver } from "../Call.ts"
import type { ContactsConfigShape } from "../Config.ts"
import type { ContactsError } from "../Errors.ts"
import { type PollOptions, pollSchedule } from "../Policy.ts"
import * as Requests from "../Requests.ts"
import { interpret, missingFromAnswer } from "../Result.ts"
import type { Transport } from "../Transport.ts"
import { resolveSemantics, type Semantics } from "../Version.ts"
import { type Blocking, type CheckContact, CheckResponse } from "../Wire.ts"
import type { Answer } from "./AnswerTable.ts"
import * as Counts from "./CheckCounts.ts"
import type { Pacing } from "./Pacing.ts"

/** What `resolveInputs` reads of the check's options. */
export interface ResolveOptions {
  readonly blocking?: Blocking | undefined
  readonly forceCheck?: boolean | undefined
  readonly maxWait?: Duration.Input | undefined
  readonly poll?: PollOptions | undefined
  readonly stats?: { readonly ref: Ref.Ref<Counts.CheckCounts> } | undefined
  readonly onRetry?: ((error: ContactsError, delayMillis: number) => Effect.Effect<void>) | undefined
  readonly beforeResend?: ((pending: ReadonlyArray<string>) => Effect.Effect<number>) | undefined
}

const isTimeout = (error: ContactsError): boolean => error._tag === "TransportError" && error.reason === "Timeout"

const pauseFor = (error: ContactsError): number | undefined =>
  error._tag === "RateLimited" || error._tag === "Overloaded" ? error.retryAfterMillis : undefined

/**
 * Check `inputs` (distinct strings) in one request, then follow the `no_wait` recipe for whatever
 * is `processing`. Answers are keyed by input. Transient failures are retried; others fail.
 */
export const resolveInputs = (
  inputs: ReadonlyArray<string>,
  options: ResolveOptions,
  config: ContactsConfigShape,
  pacing: Pacing | undefined
): Effect.Effect<Map<string, Answer>, ContactsError, Transport> =>
  Effect.suspend(() => {
    const ref = options.stats?.ref
    const update = (f: (c: Counts.CheckCounts) => Counts.CheckCounts) => (ref === undefined ? Effect.void : Ref.update(ref, f))
    const told = options.onRetry
    const onRetry = (error: ContactsError, delayMillis: number) => {
      const pause = pauseFor(error)
      const counted = update(Counts.retried(error._tag))
      const paused = pause === undefined || pacing === undefined ? counted : Effect.andThen(counted, pacing.limiter.pause(pause))
      return told === undefined ? paused : Effect.andThen(paused, told(error, delayMillis))
    }
    const answers = new Map<string, Answer>()
    const record = (entries: ReadonlyArray<CheckContact>, semantics: Semantics, asked: ReadonlyArray<string>) => {
      const seen = new Set<string>()
      for (const entry of entries) {
        seen.add(entry.input)
        answers.set(entry.input, { outcome: interpret(entry.status, entry.wa_id, semantics), semantics })
      }
      for (const input of asked) {
        if (!seen.has(input)) answers.set(input, { outcome: missingFromAnswer, semantics })
      }
      return update(Counts.answered(semantics))
    }
    const send = (contacts: ReadonlyArray<string>, blocking: Blocking, forceCheck: boolean) => {
      const observer: CallObserver = { onRequest: update(Counts.requestSent(contacts.length)), onRetry, onResponse: pacing?.observe }
      return call(Requests.check({ blocking, contacts: [...contacts], force_check: forceCheck }), CheckResponse, {
        idempotency: "idempotent",
        beforeAttempt: pacing?.limiter.take,
        aroundAttempt: pacing?.around,
        observer,
        // A `wait` the transport gave up on is not sent again as is (another wait as long, every
        // number counted again): it falls back to `no_wait`, below.
        notRetried: blocking === "wait" ? isTimeout : undefined
      }).pipe(Effect.flatMap((body) => record(body.contacts, resolveSemantics(config.apiVersion, body.meta?.version), contacts)))
    }

    let pending: ReadonlyArray<string> = inputs
    const stillProcessing = Effect.sync(() => {
      pending = pending.filter((i) => answers.get(i)?.outcome._tag === "Processing")
      return pending.length
    })
    // Re-poll without force_check: a forced re-check would restart the lookup every time.
    const resend = (allowed: ReadonlyArray<string>) =>
      allowed.length === 0
        ? Effect.sync(() => (pending = []).length)
        : update(Counts.polled(allowed.length)).pipe(
          Effect.andThen(Effect.suspend(() => send(allowed, "no_wait", false))),
          Effect.andThen(Effect.sync(() => (pending = allowed))),
          Effect.andThen(stillProcessing)
        )
    const beforeResend = options.beforeResend
    const poll = Effect.suspend(() =>
      beforeResend === undefined
        ? resend(pending)
        : Effect.flatMap(beforeResend(pending), (n) => resend(pending.slice(0, Math.max(0, Math.floor(n)))))
    )
    // The first send, then re-sends on the poll schedule, which reads how many are left.
    let first = true
    const step = Effect.suspend(() => {
      if (!first) return poll
      first = false
      const blocking = options.blocking ?? "no_wait"
      const forceCheck = options.forceCheck ?? false
      const initial = blocking === "wait"
        // The server started the lookups before the timeout: `no_wait` collects what is done and
        // the recipe polls the rest.
        // It is a retry of a transient failure, in another form: counted and told as one.
        ? Effect.catchIf(send(inputs, "wait", forceCheck), isTimeout, (error) => Effect.andThen(onRetry(error, 0), send(inputs, "no_wait", false)))
        : send(inputs, blocking, forceCheck)
      return Effect.andThen(initial, stillProcessing)
    })
    return Effect.as(Effect.repeat(step, pollSchedule(options.poll, options.maxWait)), answers)
  })
