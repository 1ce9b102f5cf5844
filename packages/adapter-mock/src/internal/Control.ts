/**
 * The control surface over HTTP (`/_simulator/…`): scenarios, faults, time, counts, the request
 * journal, reset, the version, the OpenAPI document. Every body is read and written through the
 * schemas of `ControlSchema.ts`; a control call that cannot be done is a value (a 400 or 404
 * with the vendor's envelope), never a thrown error.
 *
 * @internal
 */
import { Result, Schema } from "effect"
import * as Faults from "../Faults.ts"
import * as C from "./ControlSchema.ts"
import { apiError, Code, failure, plain, type RequestBody, type SimulatorRequest, type SimulatorResponse } from "./Envelope.ts"
import type { JournalFilter } from "./Journal.ts"
import * as SimulatorPage from "./page/SimulatorPage.ts"
import { applyScenario, scenarios } from "./Scenarios.ts"
import { type ControlFailure, controlFailure, type State } from "./State.ts"

/** What the control routes need from the simulator around the state. */
export interface ControlContext {
  readonly state: State
  /** Simulator time of this request. */
  readonly now: number
  /** Back to the configured state (journal, cache, blocklist, faults, version, counts). */
  readonly reset: () => void
  /** Move the simulator's time forward. */
  readonly advance: (ms: number) => void
  /** The OpenAPI document of the API and of this surface. */
  readonly openapi: () => unknown
}

type Answer = Result.Result<unknown, ControlFailure>

const decodeBody = <S extends Schema.Decoder<unknown>>(schema: S, body: RequestBody): Result.Result<S["Type"], ControlFailure> => {
  const value = body._tag === "Json" ? body.value : body._tag === "None" ? {} : undefined
  if (value === undefined) return Result.fail(controlFailure(400, "the body must be JSON"))
  // Unknown keys are an error: a misspelt fault switch must not be silently ignored.
  return Result.mapError(
    Schema.decodeUnknownResult(schema)(value, { onExcessProperty: "error" }),
    (error) => controlFailure(400, error.message)
  )
}

const encode = <S extends Schema.Encoder<unknown>>(schema: S, value: S["Type"]): unknown => Schema.encodeSync(schema)(value)

/** Read the journal filter of a query string; a bad `limit` or `since` is a 400. */
export const journalFilter = (state: State, query: Readonly<Record<string, string>>): Result.Result<JournalFilter, ControlFailure> =>
  Result.flatMap(
    Result.mapError(Schema.decodeUnknownResult(C.JournalQuery)(query), (e) => controlFailure(400, e.message)),
    (q) => {
      const limit = q.limit === undefined ? undefined : Number(q.limit)
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
        return Result.fail(controlFailure(400, "\"limit\" must be a whole number, 0 or more"))
      }
      const since = q.since === undefined ? undefined : /^\d+$/.test(q.since) ? Number(q.since) : Date.parse(q.since)
      if (since !== undefined && Number.isNaN(since)) {
        return Result.fail(controlFailure(400, "\"since\" must be ms since the epoch or an ISO date"))
      }
      const after = q.after === undefined ? undefined : Number(q.after)
      if (after !== undefined && !Number.isSafeInteger(after)) return Result.fail(controlFailure(400, "\"after\" must be a journal id"))
      const number = q.number === undefined ? undefined : state.translate(q.number)
      if (q.number !== undefined && number === undefined) return Result.fail(controlFailure(400, `not a possible number: ${q.number}`))
      return Result.succeed({ method: q.method, path: q.path, status: q.status, number, since, after, order: q.order, limit })
    }
  )

/** The `/_simulator/…` routes (segments after the prefix). */
export const controlRoute = (context: ControlContext, request: SimulatorRequest, segments: ReadonlyArray<string>): SimulatorResponse => {
  const { state, now } = context
  const name = segments.join("/")
  const answer = (method: string, f: () => Answer): SimulatorResponse => {
    if (request.method !== method) return failure(state.version, apiError(405, Code.GenericError, `Method ${request.method} not allowed here`))
    const result = f()
    if (Result.isSuccess(result)) return plain(result.success)
    const { status, message } = result.failure
    return failure(state.version, apiError(status, status === 404 ? Code.ResourceNotFound : Code.ParameterValueNotValid, message))
  }
  if (segments[0] === "numbers" && segments.length === 2) {
    return answer("GET", () => {
      const raw = decodeURIComponentSafe(segments[1]!)
      const receptions = state.receptions(raw)
      if (receptions === undefined) return Result.fail(controlFailure(400, `not a possible number: ${raw}`))
      return Result.succeed(encode(C.ReceptionsJson, { number: receptions.number, received: receptions.received, resentAfterProcessing: receptions.resentAfterProcessing }))
    })
  }
  switch (name) {
    case "":
      // The live page (`/_simulator/`): served only where the control surface it drives is.
      return request.method === "GET"
        ? { _tag: "Reply", response: SimulatorPage.response }
        : failure(state.version, apiError(405, Code.GenericError, `Method ${request.method} not allowed here`))
    case "users":
      return answer("POST", () => Result.flatMap(decodeBody(C.UsersFile, request.body), (file) =>
        Result.map(state.addUsers(C.usersOf(file)), (added) => ({ added }) satisfies typeof C.AddedAnswer.Encoded)))
    case "inbound":
      return answer("POST", () => Result.flatMap(decodeBody(C.InboundBody, request.body), (body) =>
        Result.map(state.recordInbound(body.from, now, body.message_id), (id) => ({ message_id: id }) satisfies typeof C.InboundAnswer.Encoded)))
    case "identity-change":
      return answer("POST", () => Result.flatMap(decodeBody(C.IdentityChangeBody, request.body), (body) =>
        Result.map(state.changeIdentity(body.wa_id, now), (hash) => ({ hash }) satisfies typeof C.IdentityAnswer.Encoded)))
    case "faults":
      return answer("POST", () => Result.map(decodeBody(Faults.FaultsPatchJson, request.body), (patch) =>
        ({ faults: Faults.toJson(state.setFaults(Faults.fromJson(patch), now)) }) satisfies typeof Faults.FaultsAnswer.Encoded))
    case "clock":
      return answer("POST", () => Result.map(decodeBody(C.ClockBody, request.body), (body) => {
        const advance = Math.round(body.advance_seconds * 1000)
        context.advance(advance)
        return { now: now + advance } satisfies typeof C.ClockAnswer.Encoded
      }))
    case "version":
      return answer("POST", () => Result.flatMap(decodeBody(C.VersionBody, request.body), (body) =>
        Result.map(state.scheduleVersion(body.version, body.after_checks ?? 0), (version) => ({ version }) satisfies typeof C.VersionAnswer.Encoded)))
    case "scenario":
      return answer("POST", () => Result.flatMap(decodeBody(C.ScenarioBody, request.body), (body) =>
        Result.map(applyScenario(state, body.name, now), (description) => ({ scenario: body.name, description }) satisfies typeof C.ScenarioAnswer.Encoded)))
    case "scenarios":
      return answer("GET", () => Result.succeed({ scenarios: Object.entries(scenarios).map(([name, description]) => ({ name, description })) } satisfies typeof C.ScenarioList.Encoded))
    case "reset":
      return answer("POST", () => {
        context.reset()
        return Result.succeed({ reset: true } satisfies typeof C.ResetAnswer.Encoded)
      })
    case "state":
      return answer("GET", () => Result.succeed(encode(C.StatsJson, state.stats(now))))
    case "requests":
      return answer("GET", () => Result.map(journalFilter(state, request.query), (filter) => {
        const { entries, matched } = state.journal.query(filter)
        return encode(C.JournalPage, { entries, matched, dropped: state.journal.dropped, capacity: state.journal.capacity })
      }))
    case "requests/count":
      return answer("GET", () => Result.map(journalFilter(state, request.query), (filter) =>
        ({ count: state.journal.count(filter), dropped: state.journal.dropped }) satisfies typeof C.CountAnswer.Encoded))
    case "openapi.json":
      return answer("GET", () => Result.succeed(context.openapi()))
    default:
      return failure(state.version, apiError(404, Code.ResourceNotFound, `No control route /_simulator/${name}`))
  }
}

const decodeURIComponentSafe = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
