/**
 * The control surface's JSON, one `Schema` per body: camelCase in code, the snake_case keys of the
 * wire through `encodeKeys`. The server encodes with them, tests and the bench decode with them,
 * and the OpenAPI document is generated from them: one definition, no drift.
 *
 * @internal
 */
import { Schema } from "effect"

const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** One entry of a users file or of `POST /_simulator/users`: a number, or `{number, wa_id?}`. */
export const UserEntry = Schema.Union([
  Schema.String,
  Schema.Struct({ number: Schema.String, wa_id: Schema.optionalKey(Schema.String) })
])

/** A users file (and the body of `POST /_simulator/users`): an array of users, or `{"users": [...]}`. */
export const UsersFile = Schema.Union([
  Schema.Array(UserEntry),
  Schema.Struct({ users: Schema.Array(UserEntry) })
])
export type UsersFile = typeof UsersFile.Type

/** The users of a users file or of `POST /_simulator/users` (`wa_id` → `waId`). */
export const usersOf = (file: UsersFile): ReadonlyArray<{ readonly number: string; readonly waId?: string }> =>
  ("users" in file ? file.users : file).map((u) =>
    typeof u === "string" ? { number: u } : u.wa_id === undefined ? { number: u.number } : { number: u.number, waId: u.wa_id })

/** `POST /_simulator/inbound`: a message from a contact (a number or a wa_id). */
export const InboundBody = Schema.Struct({ from: Schema.String, message_id: Schema.optionalKey(Schema.String) })
/** `POST /_simulator/identity-change`. */
export const IdentityChangeBody = Schema.Struct({ wa_id: Schema.String })
/** `POST /_simulator/clock`: move the simulator's time forward. */
export const ClockBody = Schema.Struct({ advance_seconds: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)) })
/** `POST /_simulator/version`: switch the reported version now, or after some more check requests. */
export const VersionBody = Schema.Struct({ version: Schema.String, after_checks: Schema.optionalKey(NonNegativeInt) })
/** `POST /_simulator/scenario`: apply a named scenario. */
export const ScenarioBody = Schema.Struct({ name: Schema.String })

/** Answers of the control calls that change something. */
export const AddedAnswer = Schema.Struct({ added: NonNegativeInt })
export const InboundAnswer = Schema.Struct({ message_id: Schema.String })
export const IdentityAnswer = Schema.Struct({ hash: Schema.String })
export const ClockAnswer = Schema.Struct({ now: Schema.Finite })
export const VersionAnswer = Schema.Struct({ version: Schema.String })
export const ResetAnswer = Schema.Struct({ reset: Schema.Literal(true) })
export const ScenarioAnswer = Schema.Struct({ scenario: Schema.String, description: Schema.String })
export const ScenarioList = Schema.Struct({ scenarios: Schema.Array(Schema.Struct({ name: Schema.String, description: Schema.String })) })

/** The counts of `GET /_simulator/state` (and `Simulator.state`). */
export const Stats = Schema.Struct({
  version: Schema.String,
  users: NonNegativeInt,
  cachedResults: NonNegativeInt,
  blocklist: NonNegativeInt,
  reports: NonNegativeInt,
  inboundMessages: NonNegativeInt,
  contactsChecked: NonNegativeInt,
  lookupsStarted: NonNegativeInt,
  numbersChecked: NonNegativeInt,
  numbersReceivedAgain: NonNegativeInt,
  requestsByRoute: Schema.Record(Schema.String, NonNegativeInt),
  responsesByStatus: Schema.Record(Schema.String, NonNegativeInt),
  inFlight: NonNegativeInt,
  now: Schema.Finite
})
/** The wire form of {@link Stats}: `cached_results`, `requests` (per route), `responses` (per status)… */
export const StatsJson = Stats.pipe(Schema.encodeKeys({
  cachedResults: "cached_results",
  inboundMessages: "inbound_messages",
  contactsChecked: "contacts_checked",
  lookupsStarted: "lookups_started",
  numbersChecked: "numbers_checked",
  numbersReceivedAgain: "numbers_received_again",
  requestsByRoute: "requests",
  responsesByStatus: "responses",
  inFlight: "in_flight"
}))

/** One request the API received (the control surface is not journaled). No header is kept. */
export const JournalEntry = Schema.Struct({
  /** 1, 2, 3… in order of arrival; a reset starts again at 1. */
  id: Schema.Int,
  /** Simulator time when the request arrived, ms since the epoch. */
  at: Schema.Finite,
  method: Schema.String,
  path: Schema.String,
  query: Schema.Record(Schema.String, Schema.String),
  /** The JSON body (a login's `new_password` replaced), the text of a body that is not JSON, or null. */
  body: Schema.Unknown,
  /**
   * The HTTP status; `"dropped"` when a fault dropped the connection without an answer;
   * `"abandoned"` when the client went away before the answer (a timeout during a slow answer).
   */
  status: Schema.Union([Schema.Int, Schema.Literals(["dropped", "abandoned"])]),
  /** The vendor code of an error answer, else null. */
  errorCode: Schema.NullOr(Schema.Int),
  /** The numbers the request named, as the server translates them (check inputs, `{phone}`), also when it was refused. */
  numbers: Schema.Array(Schema.String),
  /** The numbers whose lookups this request started. */
  lookupsStarted: Schema.Array(Schema.String),
  /** The numbers received again after the server answered `processing` for them: `no_wait` re-sends. */
  resent: Schema.Array(Schema.String),
  /** The fault that answered or delayed the request (`dropped`, `overloaded`, `malformed`, `slow`), else null. */
  fault: Schema.NullOr(Schema.Literals(["dropped", "overloaded", "malformed", "slow"])),
  /** Simulator time from arrival to answer, in ms (a `blocking: wait` check includes its wait). */
  latencyMs: Schema.Finite
})
export type JournalEntry = typeof JournalEntry.Type
export const JournalEntryJson = JournalEntry.pipe(Schema.encodeKeys({
  errorCode: "error_code",
  lookupsStarted: "lookups_started",
  latencyMs: "latency_ms"
}))

/** A page of the journal: the entries matching a filter, how many matched, how many the ring dropped. */
export const JournalPage = Schema.Struct({
  entries: Schema.Array(JournalEntryJson),
  /** Entries matching the filter (before `limit`). */
  matched: NonNegativeInt,
  /** Entries dropped since the start (or the last reset) because the ring was full. */
  dropped: NonNegativeInt,
  capacity: NonNegativeInt
})
export type JournalPage = typeof JournalPage.Type

/** `GET /_simulator/requests/count`. */
export const CountAnswer = Schema.Struct({ count: NonNegativeInt, dropped: NonNegativeInt })

/** How often a number was received in check requests (`GET /_simulator/numbers/{number}`). */
export const Receptions = Schema.Struct({
  /** The number as the server translated it. */
  number: Schema.String,
  /** Check requests that carried it (re-sends included). */
  received: NonNegativeInt,
  /** Of those, the ones after the server had answered `processing` for it: a `no_wait` client re-sending it. */
  resentAfterProcessing: NonNegativeInt
})
export type Receptions = typeof Receptions.Type
export const ReceptionsJson = Receptions.pipe(Schema.encodeKeys({ resentAfterProcessing: "resent_after_processing" }))

/** The error answer of a control call: the vendor envelope's `errors` with 1006 or 1009. */
export const ControlErrorJson = Schema.Struct({
  meta: Schema.optionalKey(Schema.Struct({ api_status: Schema.String, version: Schema.String })),
  errors: Schema.Array(Schema.Struct({ code: Schema.Int, title: Schema.String, details: Schema.String }))
})

/** A filter over the journal, as the query of `GET /_simulator/requests` gives it. */
export const JournalQuery = Schema.Struct({
  method: Schema.optionalKey(Schema.String),
  /** A path, exact (`/v1/contacts`) or with a trailing `*` for a prefix (`/v1/contacts/*`). */
  path: Schema.optionalKey(Schema.String),
  status: Schema.optionalKey(Schema.String),
  /** A phone number: entries whose request concerned it (translated as the server does). */
  number: Schema.optionalKey(Schema.String),
  /** Only entries that arrived at or after this time: ms since the epoch or an ISO date. */
  since: Schema.optionalKey(Schema.String),
  /** Only entries with a greater id (a live view polls with the last id it has). */
  after: Schema.optionalKey(Schema.String),
  order: Schema.optionalKey(Schema.Literals(["newest", "oldest"])),
  limit: Schema.optionalKey(Schema.String)
})
export type JournalQuery = typeof JournalQuery.Type
