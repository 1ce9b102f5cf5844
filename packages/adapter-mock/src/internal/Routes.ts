/**
 * The `/v1` API (spec §1–4): each route as a synchronous function of the store, the request and
 * the simulator's time. A check with `blocking: "wait"` answers `Wait`, and the handler sleeps
 * on the Clock until its lookups have finished.
 *
 * @internal
 */
import { formatExpiry } from "./Auth.ts"
import { render } from "./Lookups.ts"
import * as Requests from "./RequestFields.ts"
import type { State } from "./State.ts"
import * as Api from "./ApiSchema.ts"
import { answer, type ApiError, apiError, Code, failure, type SimulatorRequest, type SimulatorResponse, vendorDetails } from "./Envelope.ts"

/** What a route answers: a response now, or one once the simulator's time reaches `until`. */
export type Step =
  | SimulatorResponse
  | { readonly _tag: "Wait"; readonly until: number; readonly resume: (now: number) => SimulatorResponse }

/** What a request did beyond its answer, for the journal: the numbers it concerned, the lookups it started. */
export interface Trace {
  readonly numbers: Array<string>
  readonly lookupsStarted: Array<string>
  readonly resent: Array<string>
}

type Handler = (store: State, request: SimulatorRequest, params: ReadonlyArray<string>, now: number, trace: Trace) => Step

interface RouteDef {
  /** Path segments after `/v1`; `:x` is a parameter. */
  readonly pattern: ReadonlyArray<string>
  /** Whether a valid bearer token is required. */
  readonly secured: boolean
  /** Whether the rate limit of non-message endpoints applies. */
  readonly limited: boolean
  readonly methods: Readonly<Partial<Record<string, Handler>>>
}

/** A matched route: its label for the counters, and what to do. */
export type Match =
  | { readonly _tag: "Found"; readonly label: string; readonly route: RouteDef; readonly handler: Handler; readonly params: ReadonlyArray<string> }
  | { readonly _tag: "MethodNotAllowed"; readonly label: string; readonly route: RouteDef }
  | { readonly _tag: "NotFound" }

const fail = (store: State, error: ApiError): SimulatorResponse => failure(store.version, error)
const invalidContact = apiError(400, Code.ParameterValueNotValid, vendorDetails.invalidWaId)

const login: Handler = (store, request, _params, now) => {
  const body = Requests.objectBody(request.body)
  if (!body.ok) return fail(store, body.error)
  const newPassword = Requests.optionalString(body.value, "new_password")
  if (!newPassword.ok) return fail(store, newPassword.error)
  const result = store.accounts.login(request.headers["authorization"], newPassword.value, now)
  if (result._tag === "LoggedIn") {
    return answer(Api.LoginAnswer, store.version, { users: [{ token: result.token, expires_after: formatExpiry(result.expiresAt) }] })
  }
  switch (result.reason) {
    case "AccessDenied":
      return fail(store, apiError(401, Code.AccessDenied, vendorDetails.invalidCredentials))
    case "PasswordChangeRequired":
      return fail(store, apiError(401, Code.PasswordChangeRequired, "The password must be changed: log in again with \"new_password\""))
    case "WeakPassword":
      return fail(store, apiError(400, Code.ParameterValueNotValid, "\"new_password\" must have 8 to 64 characters with a digit, an upper-case letter, a lower-case letter and a special character"))
  }
}

const logout: Handler = (store, request, _params, now) => {
  store.accounts.logout(request.headers["authorization"], now)
  return answer(Api.OkAnswer, store.version, {})
}

/**
 * The numbers a check request names, as the server translates them (for the journal, also when a
 * fault or the rate limit answered before the route); none for an unreadable body.
 */
export const checkNumbers = (store: State, request: SimulatorRequest): ReadonlyArray<string> => {
  const body = Requests.checkBody(request.body)
  if (!body.ok) return []
  const numbers: Array<string> = []
  for (const input of body.value.contacts) {
    const number = store.translate(input)
    if (number !== undefined) numbers.push(number)
  }
  return numbers
}

const check: Handler = (store, request, _params, now, trace) => {
  const body = Requests.checkBody(request.body)
  if (!body.ok) return fail(store, body.error)
  // Inputs that are not possible numbers fail at once: no lookup, nothing cached.
  const inputs = body.value.contacts.map((input) => ({ input, number: store.translate(input) }))
  for (const { number } of inputs) if (number !== undefined) trace.numbers.push(number)
  trace.resent.push(...store.receiveCheck(inputs.length, trace.numbers))
  const entries = inputs.map(({ input, number }) => {
    const lookup = number === undefined ? undefined : store.lookups.lookup(number, now, {
      forceCheck: body.value.forceCheck,
      latencyMs: store.faults.lookupLatencyMs,
      start: () => {
        trace.lookupsStarted.push(number)
        return store.startLookup(number)
      }
    })
    return { input, lookup }
  })
  const answerAt = (at: number): SimulatorResponse => {
    const contacts = entries.map(({ input, lookup }) => {
      if (lookup === undefined) return { input, status: "failed" as const }
      if (at >= lookup.readyAt) store.lookups.forgetFailed(lookup)
      const entry = render(input, lookup, at, store.legacy)
      store.answered(lookup.number, entry.status)
      return entry
    })
    return answer(Api.CheckAnswer, store.version, { contacts })
  }
  const until = entries.reduce((latest, e) => Math.max(latest, e.lookup?.readyAt ?? now), now)
  return body.value.wait && until > now ? { _tag: "Wait", until, resume: answerAt } : answerAt(now)
}

/** The contact a `{phone}` segment designates, noted in the trace. */
const contactOf = (store: State, raw: string, trace: Trace): string | undefined => {
  const number = store.translate(raw)
  if (number !== undefined) trace.numbers.push(number)
  return store.resolveContact(raw)
}

const block: Handler = (store, request, [phone], now, trace) => {
  const body = Requests.objectBody(request.body)
  if (!body.ok) return fail(store, body.error)
  const reason = Requests.reasonField(body.value)
  if (!reason.ok) return fail(store, reason.error)
  const waId = contactOf(store, phone!, trace)
  if (waId === undefined) return fail(store, invalidContact)
  if (!store.engagement.isEngaged(waId, now)) return fail(store, apiError(400, Code.NotEngagedContact, vendorDetails.notEngaged))
  store.engagement.block(waId, now)
  return answer(Api.OkAnswer, store.version, {})
}

// Unblocking needs no engagement and ignores any body.
const unblock: Handler = (store, _request, [phone], _now, trace) => {
  const waId = contactOf(store, phone!, trace)
  if (waId === undefined) return fail(store, invalidContact)
  store.engagement.unblock(waId)
  return answer(Api.OkAnswer, store.version, {})
}

const blocklist: Handler = (store, request) => {
  const limit = Requests.intParam(request.query, "limit", { min: 1, max: 200, default: 100 })
  if (!limit.ok) return fail(store, limit.error)
  const offset = Requests.intParam(request.query, "offset", { min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 })
  if (!offset.ok) return fail(store, offset.error)
  const page = store.engagement.blocklist(offset.value, limit.value)
  return answer(Api.BlocklistAnswer, store.version, {
    contacts: page.waIds.map((waId) => ({ wa_id: `${waId}@s.whatsapp.net` })),
    pagination: { limit: limit.value, offset: offset.value, total: page.total }
  })
}

const report: Handler = (store, request, [phone], now, trace) => {
  const body = Requests.objectBody(request.body)
  if (!body.ok) return fail(store, body.error)
  const reason = Requests.reasonField(body.value)
  if (!reason.ok) return fail(store, reason.error)
  const alsoBlock = Requests.optionalBoolean(body.value, "block")
  if (!alsoBlock.ok) return fail(store, alsoBlock.error)
  const messageId = Requests.optionalString(body.value, "message_id")
  if (!messageId.ok) return fail(store, messageId.error)
  const waId = contactOf(store, phone!, trace)
  if (waId === undefined) return fail(store, invalidContact)
  if (!store.engagement.isEngaged(waId, now)) return fail(store, apiError(400, Code.NotEngagedContact, vendorDetails.notEngaged))
  if (messageId.value !== undefined && !store.engagement.hasMessage(waId, messageId.value)) {
    return fail(store, apiError(404, Code.ResourceNotFound, "The contact never sent a message with this \"message_id\""))
  }
  store.engagement.report(waId, now, { reason: reason.value, messageId: messageId.value })
  if (alsoBlock.value === true) store.engagement.block(waId, now)
  return answer(Api.OkAnswer, store.version, {})
}

const identityOf = (store: State, raw: string, trace: Trace) => {
  const waId = contactOf(store, raw, trace)
  return waId === undefined ? undefined : { waId, identity: store.directory.identity(waId) }
}

const getIdentity: Handler = (store, _request, [raw], _now, trace) => {
  const found = identityOf(store, raw!, trace)
  if (found?.identity === undefined) return fail(store, apiError(404, Code.ResourceNotFound, "Unknown WhatsApp ID"))
  const { hash, createdTimestamp, acknowledged } = found.identity
  return answer(Api.IdentityAnswer, store.version, { contacts: { hash, created_timestamp: createdTimestamp, acknowledged } })
}

const putIdentity: Handler = (store, request, [raw], _now, trace) => {
  const body = Requests.objectBody(request.body)
  if (!body.ok) return fail(store, body.error)
  const hash = Requests.requiredString(body.value, "hash")
  if (!hash.ok) return fail(store, hash.error)
  const found = identityOf(store, raw!, trace)
  if (found?.identity === undefined) return fail(store, apiError(404, Code.ResourceNotFound, "Unknown WhatsApp ID"))
  if (!store.directory.acknowledge(found.waId, hash.value)) {
    return fail(store, apiError(400, Code.ParameterValueNotValid, "\"hash\" is not the latest identity of this contact"))
  }
  return answer(Api.OkAnswer, store.version, {})
}

const routes: ReadonlyArray<RouteDef> = [
  { pattern: ["users", "login"], secured: false, limited: false, methods: { POST: login } },
  { pattern: ["users", "logout"], secured: true, limited: false, methods: { POST: logout } },
  { pattern: ["contacts"], secured: true, limited: true, methods: { POST: check } },
  { pattern: ["contacts", "blocklist"], secured: true, limited: true, methods: { GET: blocklist } },
  { pattern: ["contacts", ":phone", "block"], secured: true, limited: true, methods: { POST: block } },
  { pattern: ["contacts", ":phone", "unblock"], secured: true, limited: true, methods: { POST: unblock } },
  { pattern: ["contacts", ":phone", "report"], secured: true, limited: true, methods: { POST: report } },
  { pattern: ["contacts", ":wa_id", "identity"], secured: true, limited: true, methods: { GET: getIdentity, PUT: putIdentity } }
]

/**
 * Find the route of `method` and the path segments after `/v1` (still percent-encoded).
 * A parameter that does not percent-decode is kept raw: it then fails as an invalid contact.
 */
export const match = (method: string, segments: ReadonlyArray<string>): Match => {
  for (const route of routes) {
    if (route.pattern.length !== segments.length) continue
    const params: Array<string> = []
    const matches = route.pattern.every((part, i) => {
      const segment = segments[i]!
      if (!part.startsWith(":")) return part === segment
      params.push(decodeSegment(segment))
      return segment.length > 0
    })
    if (!matches) continue
    const path = `/v1/${route.pattern.map((p) => (p.startsWith(":") ? `{${p.slice(1)}}` : p)).join("/")}`
    const handler = route.methods[method]
    return handler === undefined
      ? { _tag: "MethodNotAllowed", label: `${method} ${path}`, route }
      : { _tag: "Found", label: `${method} ${path}`, route, handler, params }
  }
  return { _tag: "NotFound" }
}

const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
