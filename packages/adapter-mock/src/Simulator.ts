/**
 * The simulator: a faithful stand-in for the contacts node of an On-Premises server. One
 * request handler serves the in-process `Transport` and the HTTP server alike; time comes from
 * effect's `Clock` (plus an offset that `advanceClock` moves), so tests drive it with `TestClock`.
 *
 * @since 0.1.0
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import * as Control from "./Control.ts"
import type * as Faults from "./Faults.ts"
import * as Routes from "./Routes.ts"
import * as SimulatorConfig from "./SimulatorConfig.ts"
import { Store, type SimulatorStats } from "./Store.ts"
import { apiError, failure, type SimulatorRequest, type SimulatorResponse, statusOf, text } from "./Wire.ts"

export { SimulatorError } from "./Control.ts"
export type { SimulatorStats } from "./Store.ts"

/** What a simulator offers: the request handler and the control surface. */
export interface SimulatorShape {
  /** The configuration in effect, defaults filled in. */
  readonly config: SimulatorConfig.ResolvedConfig
  /** Answer one request as the server would (both transports call this). */
  readonly handle: (request: SimulatorRequest) => Effect.Effect<SimulatorResponse>
  /** The simulator's time: `Clock` time plus what `advanceClock` added, in ms since the epoch. */
  readonly now: Effect.Effect<number>
  /** Add WhatsApp users (all or nothing); returns how many were added. */
  readonly addUsers: (users: ReadonlyArray<SimulatorConfig.DirectoryUser>) => Effect.Effect<number, Control.SimulatorError>
  /** Record a message from a contact (number or wa_id) now; returns its message id. */
  readonly recordInbound: (from: string, options?: { readonly messageId?: string | undefined }) => Effect.Effect<string, Control.SimulatorError>
  /** Give a user a new, unacknowledged identity; returns its hash. */
  readonly changeIdentity: (waId: string) => Effect.Effect<string, Control.SimulatorError>
  /** Change fault switches; returns the switches in effect. */
  readonly setFaults: (patch: Faults.FaultsPatch) => Effect.Effect<Faults.Faults>
  /** Move the simulator's own time forward (over HTTP the Clock is real, so this is how time passes). */
  readonly advanceClock: (duration: Duration.Input) => Effect.Effect<void>
  /** Accept this bearer token from now on (it never expires). */
  readonly addToken: (token: string) => Effect.Effect<void>
  /** Counts: users, cached results, blocklist, reports, requests per route, responses per status. */
  readonly state: Effect.Effect<SimulatorStats>
}

/** The simulator service. */
export class Simulator extends Context.Service<Simulator, SimulatorShape>()("@wa-contacts/adapter-mock/Simulator") {}

const segmentsOf = (path: string): ReadonlyArray<string> => {
  // A trailing slash is accepted on every route.
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path
  return trimmed.split("/").slice(1)
}

const malformedResponse = (store: Store): SimulatorResponse => {
  switch (store.nextMalformed()) {
    case "HtmlPage":
      return text(502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", "text/html")
    case "TruncatedJson":
      return text(200, `{"meta":{"api_status":"stable","version":"${store.config.version}"},"contacts":[{"input":"+1631`, "application/json")
    case "Empty502":
      return text(502, "", "")
  }
}

/**
 * A fault that answers instead of the route, consuming one unit of its counter; `slow` only
 * delays. Faults hit `/v1` (and unknown) routes, never the control surface.
 */
const takeFault = (store: Store): SimulatorResponse | "slow" | undefined => {
  const f = store.faults
  if (f.droppedNext > 0) {
    store.faults = { ...f, droppedNext: f.droppedNext - 1 }
    return { _tag: "Drop" }
  }
  if (f.overloadedNext > 0) {
    store.faults = { ...f, overloadedNext: f.overloadedNext - 1 }
    return failure(store.config.version, apiError(503, 1016, "System overloaded, try again later"))
  }
  if (f.malformedNext > 0) {
    store.faults = { ...f, malformedNext: f.malformedNext - 1 }
    return malformedResponse(store)
  }
  if (f.slowNext > 0) {
    store.faults = { ...f, slowNext: f.slowNext - 1 }
    return "slow"
  }
  return undefined
}

/** Build a simulator; the directory's identities are dated from the current time. */
export const make = Effect.fnUntraced(function*(
  config: SimulatorConfig.SimulatorConfig = {},
  mode: SimulatorConfig.Mode = "in-process"
) {
  const resolved = SimulatorConfig.resolve(config, mode)
  const startedAt = yield* Clock.currentTimeMillis
  // A registered number or a users list that cannot be read is the caller's error, not a defect.
  const store = yield* Effect.try({
    try: () => new Store(resolved, startedAt),
    catch: (cause) => new Control.SimulatorError({ status: 400, message: `invalid configuration: ${(cause as Error).message}` })
  })
  const now = Effect.map(Clock.currentTimeMillis, (ms) => ms + store.offsetMs)
  const version = resolved.version

  // Resumes when `advance` moves the simulator's time.
  const wakeOnAdvance = Effect.callback<void>((resume) => {
    const wake = () => resume(Effect.void)
    store.sleepers.add(wake)
    return Effect.sync(() => store.sleepers.delete(wake))
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

  const answerV1 = Effect.fnUntraced(function*(request: SimulatorRequest, segments: ReadonlyArray<string>, start: number) {
    const matched = segments[0] === "v1" ? Routes.match(request.method, segments.slice(1)) : { _tag: "NotFound" as const }
    const label = matched._tag === "NotFound" ? "unknown" : matched.label
    let at = start
    const fault = takeFault(store)
    if (fault === "slow") {
      at = yield* sleepUntil(start + store.faults.slowMs)
    } else if (fault !== undefined) {
      return { label, response: fault }
    }
    if (matched._tag === "NotFound") {
      return { label, response: failure(version, apiError(404, 1006, `No route ${request.method} ${request.path}`)) }
    }
    if (matched._tag === "MethodNotAllowed") {
      return { label, response: failure(version, apiError(405, 1000, `Method ${request.method} not allowed on ${request.path}`)) }
    }
    if (matched.route.limited && store.bucket !== undefined) {
      const verdict = store.bucket.take(at)
      if (verdict._tag === "Limited") {
        const retryAfter = String(verdict.retryAfterSeconds)
        return { label, response: failure(version, apiError(429, 1015, "Too many requests, slow down", { "retry-after": retryAfter })) }
      }
    }
    if (matched.route.secured && !store.accounts.isAuthorized(request.headers["authorization"], at)) {
      return { label, response: failure(version, apiError(401, 1005, "Invalid credentials.")) }
    }
    const step = matched.handler(store, request, matched.params, at)
    if (step._tag !== "Wait") return { label, response: step }
    const later = yield* sleepUntil(step.until)
    return { label, response: step.resume(later) }
  })

  const handle = (request: SimulatorRequest): Effect.Effect<SimulatorResponse> =>
    Effect.gen(function*() {
      const start = yield* now
      const segments = segmentsOf(request.path)
      // The control surface is not counted: the counts describe the API traffic under test.
      if (segments[0] === "_simulator" && resolved.control) {
        return Control.controlRoute(store, request, segments.slice(1), start)
      }
      const { label, response } = yield* answerV1(request, segments, start)
      store.count(label, statusOf(response))
      if ((store.requests.get(label) ?? 0) % 4096 === 0) store.lookups.sweep(start)
      return response
    })

  const withNow = <A>(f: (at: number) => A) => Effect.flatMap(now, (at) => Control.attempt(() => f(at)))

  return Simulator.of({
    config: resolved,
    handle,
    now,
    addUsers: (users) => Control.attempt(() => Control.addUsers(store, users)),
    recordInbound: (from, options) => withNow((at) => Control.recordInbound(store, from, at, options?.messageId)),
    changeIdentity: (waId) => withNow((at) => Control.changeIdentity(store, waId, at)),
    setFaults: (patch) => Effect.map(now, (at) => Control.setFaults(store, patch, at)),
    advanceClock: (duration) => Effect.sync(() => store.advance(Duration.toMillis(duration))),
    addToken: (token) => Effect.sync(() => store.accounts.addStaticToken(token)),
    state: Effect.map(now, (at) => store.stats(at))
  })
})

/** A layer with a simulator of this configuration (in-process mode: no rate limit by default). */
export const layer = (
  config: SimulatorConfig.SimulatorConfig = {},
  mode: SimulatorConfig.Mode = "in-process"
): Layer.Layer<Simulator, Control.SimulatorError> => Layer.effect(Simulator, make(config, mode))
