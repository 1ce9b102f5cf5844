/**
 * The simulator: a faithful stand-in for the contacts node of an On-Premises server. One
 * request handler serves the in-process `Transport` and the HTTP server alike; time comes from
 * effect's `Clock` (plus an offset that `advanceClock` moves), so tests drive it with `TestClock`.
 * Every request to the API is kept in a journal that tests query (`requests`, `countRequests`,
 * `receptions`) and that `journal` streams as it grows.
 *
 * @since 0.1.0
 */
import { Clock, Context, Data, Duration, Effect, Layer, PubSub, Result, Stream } from "effect"
import * as C from "./internal/ControlSchema.ts"
import * as Control from "./internal/Control.ts"
import type * as Faults from "./Faults.ts"
import { apiError, Code, failure, type SimulatorRequest, type SimulatorResponse, statusOf, text } from "./internal/Envelope.ts"
import type { JournalFilter } from "./internal/Journal.ts"
import { openApiDocument as openApiDocument_ } from "./internal/OpenApi.ts"
import * as Routes from "./internal/Routes.ts"
import { applyScenario, scenarios, scenarioNames, type ScenarioName } from "./internal/Scenarios.ts"
import { type ControlFailure, type MalformedKind, State, type SimulatorStats, type TakenFault } from "./internal/State.ts"
import * as SimulatorConfig from "./SimulatorConfig.ts"

export type { SimulatorStats } from "./internal/State.ts"
export type { JournalFilter } from "./internal/Journal.ts"
export type { RequestBody, SimulatorRequest, SimulatorResponse } from "./internal/Envelope.ts"
export { scenarios, scenarioNames, type ScenarioName }

/**
 * The control surface's JSON as `Schema`s (snake_case on the wire, camelCase decoded): decode
 * `GET /_simulator/state` with `StatsJson`, the journal with `JournalPage`, a number's
 * receptions with `ReceptionsJson`.
 */
export const ControlJson = {
  StatsJson: C.StatsJson,
  JournalPage: C.JournalPage,
  JournalEntryJson: C.JournalEntryJson,
  CountAnswer: C.CountAnswer,
  ReceptionsJson: C.ReceptionsJson,
  UsersFile: C.UsersFile,
  InboundBody: C.InboundBody,
  IdentityChangeBody: C.IdentityChangeBody,
  ClockBody: C.ClockBody,
  VersionBody: C.VersionBody,
  ScenarioBody: C.ScenarioBody
} as const

/** One request the API received, as the journal keeps it. */
export type JournalEntry = C.JournalEntry
/** How often a number was received in check requests. */
export type Receptions = C.Receptions

/** A control operation that cannot be done (unknown user, impossible number, bad configuration). */
export class SimulatorError extends Data.TaggedError("SimulatorError")<{
  readonly status: 400 | 404
  readonly message: string
}> {}

/** What a simulator offers: the request handler and the control surface. */
export interface SimulatorShape {
  /** The configuration in effect, defaults filled in. */
  readonly config: SimulatorConfig.ResolvedConfig
  /** Answer one request as the server would (both transports call this). */
  readonly handle: (request: SimulatorRequest) => Effect.Effect<SimulatorResponse>
  /** The simulator's time: `Clock` time plus what `advanceClock` added, in ms since the epoch. */
  readonly now: Effect.Effect<number>
  /** Add WhatsApp users (all or nothing); returns how many were added. */
  readonly addUsers: (users: ReadonlyArray<SimulatorConfig.DirectoryUser>) => Effect.Effect<number, SimulatorError>
  /** Record a message from a contact (number or wa_id) now; returns its message id. */
  readonly recordInbound: (from: string, options?: { readonly messageId?: string | undefined }) => Effect.Effect<string, SimulatorError>
  /** Give a user a new, unacknowledged identity; returns its hash. */
  readonly changeIdentity: (waId: string) => Effect.Effect<string, SimulatorError>
  /** Change fault switches; returns the switches in effect. */
  readonly setFaults: (patch: Faults.FaultsPatch) => Effect.Effect<Faults.Faults>
  /** Move the simulator's own time forward (over HTTP the Clock is real, so this is how time passes). */
  readonly advanceClock: (duration: Duration.Input) => Effect.Effect<void>
  /** Accept this bearer token from now on (it never expires, and survives `reset`). */
  readonly addToken: (token: string) => Effect.Effect<void>
  /** Counts: users, cached results, blocklist, reports, requests per route, responses per status. */
  readonly state: Effect.Effect<SimulatorStats>
  /** The journal's entries matching `filter` (newest first unless `order: "oldest"`), how many matched, how many the ring dropped. */
  readonly requests: (filter?: JournalFilter) => Effect.Effect<{
    readonly entries: ReadonlyArray<JournalEntry>
    readonly matched: number
    readonly dropped: number
  }, SimulatorError>
  /** How many journal entries match `filter` (its `number` is translated as the server does). */
  readonly countRequests: (filter?: JournalFilter) => Effect.Effect<number, SimulatorError>
  /** How often a number was received in check requests, and how many of those were re-sends while it was processing. */
  readonly receptions: (number: string) => Effect.Effect<Receptions, SimulatorError>
  /** Every request to the API from now on, as it is answered (for an NDJSON file, a live page). */
  readonly journal: Stream.Stream<JournalEntry>
  /** Back to the configured state: journal, counts, cache, blocklist, reports, identities, faults, version. */
  readonly reset: Effect.Effect<void>
  /** Report `version` from now on (after `afterChecks` more check requests, when given); the version reported now. */
  readonly switchVersion: (version: string, options?: { readonly afterChecks?: number | undefined }) => Effect.Effect<string, SimulatorError>
  /** Apply a named scenario (see {@link scenarios}); what it does. */
  readonly runScenario: (name: string) => Effect.Effect<string, SimulatorError>
}

/** The simulator service. */
export class Simulator extends Context.Service<Simulator, SimulatorShape>()("@wa-contacts/adapter-mock/Simulator") {}

const segmentsOf = (path: string): ReadonlyArray<string> => {
  // A trailing slash is accepted on every route.
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path
  return trimmed.split("/").slice(1)
}

const malformedResponse = (kind: MalformedKind, version: string): SimulatorResponse => {
  switch (kind) {
    case "HtmlPage":
      return text(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", "text/html")
    case "TruncatedJson":
      return text(200, `{"meta":{"api_status":"stable","version":"${version}"},"contacts":[{"input":"+1631`, "application/json")
    case "Empty502":
      return text(502, "", "")
  }
}

const faultName = { Dropped: "dropped", Overloaded: "overloaded", Malformed: "malformed", Slow: "slow" } as const

// What the journal keeps of a body: never a password (a login's `new_password`).
const journaledBody = (request: SimulatorRequest): unknown => {
  const { body } = request
  switch (body._tag) {
    case "None":
      return null
    case "TooLarge":
      return "(too large)"
    case "NotJson":
      return body.text.slice(0, 1000)
    case "Json": {
      const value = body.value
      if (typeof value === "object" && value !== null && !Array.isArray(value) && "new_password" in value) {
        return { ...value, new_password: "[redacted]" }
      }
      return value
    }
  }
}

const errorCodeOf = (response: SimulatorResponse): number | null => {
  if (response._tag === "Drop" || response.response.status < 400 || response.response.body._tag !== "Json") return null
  const errors = (response.response.body.value as { errors?: ReadonlyArray<{ code?: unknown }> }).errors
  const code = errors?.[0]?.code
  return typeof code === "number" ? code : null
}

const toError = (failure: ControlFailure) => new SimulatorError({ status: failure.status, message: failure.message })
const fromResult = <A>(result: Result.Result<A, ControlFailure>) => Effect.mapError(Effect.fromResult(result), toError)

/** Build a simulator; the directory's identities are dated from the current time. */
export const make = Effect.fnUntraced(function*(
  config: SimulatorConfig.SimulatorConfig = {},
  mode: SimulatorConfig.Mode = "in-process"
) {
  const resolved = SimulatorConfig.resolve(config, mode)
  const startedAt = yield* Clock.currentTimeMillis
  // A version, registered number or users list that cannot be read is the caller's error, not a defect.
  // The configured scenario is part of the configured state: applied at start and on reset.
  const fresh = (at: number) =>
    Effect.mapError(
      Effect.fromResult(Result.flatMap(State.make(resolved, at), (made) =>
        resolved.scenario === undefined
          ? Result.succeed(made)
          : Result.mapBoth(applyScenario(made, resolved.scenario, at), { onSuccess: () => made, onFailure: (f) => f.message }))),
      (message) => new SimulatorError({ status: 400, message: `invalid configuration: ${message}` })
    )
  let state = yield* fresh(startedAt)
  // Tokens added at run time (the in-process transport's own) survive a reset.
  const addedTokens: Array<string> = []
  let offsetMs = 0
  const sleepers = new Set<() => void>()
  const published = yield* PubSub.unbounded<JournalEntry>()
  const now = Effect.map(Clock.currentTimeMillis, (ms) => ms + offsetMs)

  const advance = (ms: number) => {
    offsetMs += Math.max(0, ms)
    for (const wake of [...sleepers]) wake()
  }

  // Resumes when `advance` moves the simulator's time.
  const wakeOnAdvance = Effect.callback<void>((resume) => {
    const wake = () => resume(Effect.void)
    sleepers.add(wake)
    return Effect.sync(() => sleepers.delete(wake))
  })

  // Sleep on the Clock until the simulator's time reaches `until`.
  const sleepUntil = (until: number) =>
    Effect.gen(function*() {
      let current = yield* now
      while (current < until) {
        yield* Effect.raceFirst(Effect.sleep(Duration.millis(until - current)), wakeOnAdvance)
        current = yield* now
      }
      return current
    })

  const answerV1 = Effect.fnUntraced(function*(
    request: SimulatorRequest,
    segments: ReadonlyArray<string>,
    start: number,
    trace: Routes.Trace,
    route: { label: string; fault: TakenFault | undefined }
  ) {
    const store = state
    const matched = segments[0] === "v1" ? Routes.match(request.method, segments.slice(1)) : { _tag: "NotFound" as const }
    const label = matched._tag === "NotFound" ? "unknown" : matched.label
    let at = start
    // Faults hit `/v1` (and unknown) routes, never the control surface.
    const fault: TakenFault | undefined = store.takeFault()
    route.label = label
    route.fault = fault
    const answer = (response: SimulatorResponse) => response
    switch (fault?._tag) {
      case "Dropped":
        return answer({ _tag: "Drop" })
      case "Overloaded":
        return answer(failure(store.version, apiError(503, Code.SystemOverloaded, "System overloaded, try again later")))
      case "Malformed":
        return answer(malformedResponse(fault.kind, store.version))
      case "Slow":
        at = yield* sleepUntil(start + fault.ms)
    }
    if (matched._tag === "NotFound") {
      return answer(failure(store.version, apiError(404, Code.ResourceNotFound, `No route ${request.method} ${request.path}`)))
    }
    if (matched._tag === "MethodNotAllowed") {
      return answer(failure(store.version, apiError(405, Code.GenericError, `Method ${request.method} not allowed on ${request.path}`)))
    }
    if (matched.route.limited) {
      const verdict = store.admit(at)
      if (verdict._tag === "Limited") {
        const retryAfter = String(verdict.retryAfterSeconds)
        return answer(failure(store.version, apiError(429, Code.TooManyRequests, "Too many requests, slow down", { "retry-after": retryAfter })))
      }
    }
    if (matched.route.secured && !store.accounts.isAuthorized(request.headers["authorization"], at)) {
      return answer(failure(store.version, apiError(401, Code.AccessDenied, "Invalid credentials.")))
    }
    const step = matched.handler(store, request, matched.params, at, trace)
    if (step._tag !== "Wait") return answer(step)
    const later = yield* sleepUntil(step.until)
    return answer(step.resume(later))
  })

  const openapi = () => openApiDocument_(state.version)

  const reset = Effect.flatMap(now, (at) =>
    Effect.map(fresh(at), (next) => {
      for (const token of addedTokens) next.accounts.addStaticToken(token)
      state = next
    })).pipe(Effect.orDie) // the configuration was valid at start, so it still is

  const handle = (request: SimulatorRequest): Effect.Effect<SimulatorResponse> =>
    Effect.gen(function*() {
      const start = yield* now
      const segments = segmentsOf(request.path)
      // The control surface is neither counted nor journaled: both describe the API traffic under test.
      if (segments[0] === "_simulator" && resolved.control) {
        let resetRequested = false
        const response = Control.controlRoute({
          state,
          now: start,
          reset: () => {
            resetRequested = true
          },
          advance,
          openapi
        }, request, segments.slice(1))
        if (resetRequested) yield* reset
        return response
      }
      const store = state
      const trace: Routes.Trace = { numbers: [], lookupsStarted: [], resent: [] }
      const route = { label: "unknown", fault: undefined as TakenFault | undefined }
      // Journal the request once it is answered, or when the client went away before that.
      const record = (response: SimulatorResponse | undefined, end: number) => {
        // A check refused before its route (a fault, the rate limit, a 401) still named its numbers.
        if (route.label === "POST /v1/contacts" && trace.numbers.length === 0) trace.numbers.push(...Routes.checkNumbers(store, request))
        const status = response === undefined ? "abandoned" : statusOf(response)
        store.countRequest(route.label, status, end)
        return store.journal.append({
          at: start,
          method: request.method,
          path: request.path,
          query: request.query,
          body: journaledBody(request),
          status: response === undefined ? "abandoned" : response._tag === "Drop" ? "dropped" : response.response.status,
          errorCode: response === undefined ? null : errorCodeOf(response),
          numbers: trace.numbers,
          lookupsStarted: trace.lookupsStarted,
          resent: trace.resent,
          fault: route.fault === undefined ? null : faultName[route.fault._tag],
          latencyMs: end - start
        })
      }
      const answered = store.requestArrived()
      const response = yield* answerV1(request, segments, start, trace, route).pipe(
        Effect.onInterrupt(() => Effect.flatMap(now, (end) => PubSub.publish(published, record(undefined, end)))),
        Effect.ensuring(Effect.sync(answered))
      )
      yield* PubSub.publish(published, record(response, yield* now))
      return response
    })

  const withNow = <A>(f: (at: number) => Result.Result<A, ControlFailure>) => Effect.flatMap(now, (at) => fromResult(f(at)))

  const translatedFilter = (filter: JournalFilter = {}): Result.Result<JournalFilter, ControlFailure> => {
    if (filter.number === undefined) return Result.succeed(filter)
    const number = state.translate(filter.number)
    return number === undefined
      ? Result.fail({ _tag: "ControlFailure", status: 400, message: `not a possible number: ${filter.number}` })
      : Result.succeed({ ...filter, number })
  }

  return Simulator.of({
    config: resolved,
    handle,
    now,
    addUsers: (users) => Effect.suspend(() => fromResult(state.addUsers(users))),
    recordInbound: (from, options) => withNow((at) => state.recordInbound(from, at, options?.messageId)),
    changeIdentity: (waId) => withNow((at) => state.changeIdentity(waId, at)),
    setFaults: (patch) => Effect.map(now, (at) => state.setFaults(patch, at)),
    advanceClock: (duration) => Effect.sync(() => advance(Duration.toMillis(duration))),
    addToken: (token) =>
      Effect.sync(() => {
        addedTokens.push(token)
        state.accounts.addStaticToken(token)
      }),
    state: Effect.map(now, (at) => state.stats(at)),
    requests: (filter) =>
      Effect.suspend(() =>
        fromResult(Result.map(translatedFilter(filter), (f) => ({ ...state.journal.query(f), dropped: state.journal.dropped })))),
    countRequests: (filter) => Effect.suspend(() => fromResult(Result.map(translatedFilter(filter), (f) => state.journal.count(f)))),
    receptions: (number) =>
      Effect.suspend(() => {
        const found = state.receptions(number)
        return found === undefined
          ? Effect.fail(new SimulatorError({ status: 400, message: `not a possible number: ${number}` }))
          : Effect.succeed({ number: found.number, received: found.received, resentAfterProcessing: found.resentAfterProcessing })
      }),
    journal: Stream.fromPubSub(published),
    reset,
    switchVersion: (version, options) => Effect.suspend(() => fromResult(state.scheduleVersion(version, options?.afterChecks ?? 0))),
    runScenario: (name) => withNow((at) => applyScenario(state, name, at))
  })
})

/** A layer with a simulator of this configuration (in-process mode: no rate limit by default). */
export const layer = (
  config: SimulatorConfig.SimulatorConfig = {},
  mode: SimulatorConfig.Mode = "in-process"
): Layer.Layer<Simulator, SimulatorError> => Layer.effect(Simulator, make(config, mode))

/**
 * The OpenAPI 3.1 document of the simulated API and of the `/_simulator` control surface,
 * generated from the simulator's own schemas (also served at `/_simulator/openapi.json`).
 */
export const openApiDocument = (version = "2.41.3"): Record<string, unknown> => openApiDocument_(version)
