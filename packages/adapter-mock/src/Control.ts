/**
 * The control surface that drives scenarios: add users, record an inbound message, change an
 * identity, set faults, move time, read counts. The same operations serve the `Simulator`
 * service's methods and `/_simulator/…` over HTTP.
 *
 * @since 0.1.0
 */
import { Data, Effect, Schema } from "effect"
import * as Faults from "./Faults.ts"
import * as SimulatorPage from "./page/SimulatorPage.ts"
import type { DirectoryUser } from "./SimulatorConfig.ts"
import type { SimulatorStats, Store } from "./Store.ts"
import { apiError, failure, plain, type RequestBody, type SimulatorRequest, type SimulatorResponse } from "./Wire.ts"

/** A control operation that cannot be done (unknown user, impossible number). */
export class SimulatorError extends Data.TaggedError("SimulatorError")<{
  readonly status: 400 | 404
  readonly message: string
}> {}

/** Add users (all or nothing); returns how many were added. */
export const addUsers = (store: Store, users: ReadonlyArray<DirectoryUser>): number => {
  const rejected = store.addUsers(users)
  if (rejected.length > 0) throw new SimulatorError({ status: 400, message: `not possible numbers: ${rejected.join(", ")}` })
  return users.length
}

/** Record a message from `from` (a number or wa_id) at `now`; returns its id. */
export const recordInbound = (store: Store, from: string, now: number, messageId?: string): string => {
  const waId = store.resolveContact(from)
  if (waId === undefined) throw new SimulatorError({ status: 400, message: `not a possible number: ${from}` })
  return store.engagement.recordInbound(waId, now, messageId)
}

/** Give a user a new identity hash; returns it. */
export const changeIdentity = (store: Store, waId: string, now: number): string => {
  const identity = store.directory.changeIdentity(waId, now)
  if (identity === undefined) throw new SimulatorError({ status: 404, message: `unknown wa_id: ${waId}` })
  return identity.hash
}

/** Change fault switches; returns the switches in effect. */
export const setFaults = (store: Store, patch: Faults.FaultsPatch, now: number): Faults.Faults => {
  store.faults = Faults.applyPatch(store.faults, patch)
  store.setRateLimit(now)
  return store.faults
}

/** Run a control operation that may throw a {@link SimulatorError}, as an Effect. */
export const attempt = <A>(f: () => A): Effect.Effect<A, SimulatorError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(f())
    } catch (error) {
      if (error instanceof SimulatorError) return Effect.fail(error)
      throw error
    }
  })

// ---------------------------------------------------------------------------------------------
// Over HTTP
// ---------------------------------------------------------------------------------------------

const UsersBody = Schema.Struct({
  users: Schema.Array(Schema.Struct({ number: Schema.String, wa_id: Schema.optionalKey(Schema.String) }))
})
const InboundBody = Schema.Struct({ from: Schema.String, message_id: Schema.optionalKey(Schema.String) })
const IdentityChangeBody = Schema.Struct({ wa_id: Schema.String })
const ClockBody = Schema.Struct({ advance_seconds: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)) })

const decode = <S extends Schema.Decoder<unknown>>(schema: S, body: RequestBody): S["Type"] => {
  const value = body._tag === "Json" ? body.value : body._tag === "None" ? {} : undefined
  if (value === undefined) throw new SimulatorError({ status: 400, message: "the body must be JSON" })
  try {
    // Unknown keys are an error: a misspelt fault switch must not be silently ignored.
    return Schema.decodeUnknownSync(schema)(value, { onExcessProperty: "error" })
  } catch (error) {
    throw new SimulatorError({ status: 400, message: String((error as Error).message ?? error) })
  }
}

/** Snake-case counts for `GET /_simulator/state`. */
export const statsJson = (stats: SimulatorStats) => ({
  users: stats.users,
  cached_results: stats.cachedResults,
  blocklist: stats.blocklist,
  reports: stats.reports,
  inbound_messages: stats.inboundMessages,
  contacts_checked: stats.contactsChecked,
  lookups_started: stats.lookupsStarted,
  requests: stats.requestsByRoute,
  responses: stats.responsesByStatus,
  now: stats.now
})

/** The `/_simulator/…` routes (segments after the prefix); 404 when none matches. */
export const controlRoute = (
  store: Store,
  request: SimulatorRequest,
  segments: ReadonlyArray<string>,
  now: number
): SimulatorResponse => {
  const name = segments.join("/")
  const run = (method: string, f: () => unknown): SimulatorResponse => {
    if (request.method !== method) {
      return failure(store.config.version, apiError(405, 1000, `Method ${request.method} not allowed here`))
    }
    try {
      return plain(f())
    } catch (error) {
      if (!(error instanceof SimulatorError)) throw error
      return failure(store.config.version, apiError(error.status, error.status === 404 ? 1006 : 1009, error.message))
    }
  }
  switch (name) {
    case "":
      // The live page (`/_simulator/`): served only where the control surface it drives is.
      return request.method === "GET" ? { _tag: "Reply", response: SimulatorPage.response } : failure(store.config.version, apiError(405, 1000, `Method ${request.method} not allowed here`))
    case "users":
      return run("POST", () => {
        const { users } = decode(UsersBody, request.body)
        return { added: addUsers(store, users.map((u) => (u.wa_id === undefined ? { number: u.number } : { number: u.number, waId: u.wa_id }))) }
      })
    case "inbound":
      return run("POST", () => {
        const body = decode(InboundBody, request.body)
        return { message_id: recordInbound(store, body.from, now, body.message_id) }
      })
    case "identity-change":
      return run("POST", () => ({ hash: changeIdentity(store, decode(IdentityChangeBody, request.body).wa_id, now) }))
    case "faults":
      return run("POST", () => ({ faults: Faults.toJson(setFaults(store, Faults.fromJson(decode(Faults.FaultsPatchJson, request.body)), now)) }))
    case "clock":
      return run("POST", () => {
        const advance = Math.round(decode(ClockBody, request.body).advance_seconds * 1000)
        store.advance(advance)
        return { now: now + advance }
      })
    case "state":
      return run("GET", () => statsJson(store.stats(now)))
    default:
      return failure(store.config.version, apiError(404, 1006, `No control route /_simulator/${name}`))
  }
}
