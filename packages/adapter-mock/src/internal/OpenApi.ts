/**
 * The OpenAPI 3.1 document of the simulated API and of the control surface, generated from the
 * simulator's own schemas (`ApiSchema.ts`, `ControlSchema.ts`, `Faults.ts`) with effect's JSON
 * Schema generator: OpenAPI 3.1 speaks JSON Schema 2020-12, the generator's dialect.
 *
 * @internal
 */
import { Schema } from "effect"
import { FaultsAnswer, FaultsPatchJson } from "../Faults.ts"
import * as A from "./ApiSchema.ts"
import * as C from "./ControlSchema.ts"

const named = {
  OkAnswer: A.OkAnswer,
  ErrorAnswer: A.ErrorAnswer,
  LoginBody: A.LoginBody,
  LoginAnswer: A.LoginAnswer,
  CheckBody: A.CheckBody,
  CheckAnswer: A.CheckAnswer,
  BlockBody: A.BlockBody,
  ReportBody: A.ReportBody,
  BlocklistAnswer: A.BlocklistAnswer,
  IdentityAnswer: A.IdentityAnswer,
  IdentityBody: A.IdentityBody,
  UsersFile: C.UsersFile,
  AddedAnswer: C.AddedAnswer,
  InboundBody: C.InboundBody,
  InboundAnswer: C.InboundAnswer,
  IdentityChangeBody: C.IdentityChangeBody,
  IdentityChangeAnswer: C.IdentityAnswer,
  FaultsPatch: FaultsPatchJson,
  FaultsAnswer,
  ClockBody: C.ClockBody,
  ClockAnswer: C.ClockAnswer,
  VersionBody: C.VersionBody,
  VersionAnswer: C.VersionAnswer,
  ScenarioBody: C.ScenarioBody,
  ScenarioAnswer: C.ScenarioAnswer,
  ScenarioList: C.ScenarioList,
  ResetAnswer: C.ResetAnswer,
  State: C.StatsJson,
  JournalPage: C.JournalPage,
  CountAnswer: C.CountAnswer,
  Receptions: C.ReceptionsJson,
  ControlError: C.ControlErrorJson
} as const
type Name = keyof typeof named

const ref = (name: Name) => ({ $ref: `#/components/schemas/${name}` })
const json = (name: Name) => ({ content: { "application/json": { schema: ref(name) } } })
const answer = (description: string, name: Name) => ({ description, ...json(name) })
const errors = (...statuses: ReadonlyArray<number>) =>
  Object.fromEntries(statuses.map((status) => [String(status), answer("An error in the vendor's envelope (spec §5)", "ErrorAnswer")]))
const body = (name: Name, required = true) => ({ required, ...json(name) })
const pathParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } })
const queryParam = (name: string, description: string, schema: object = { type: "string" }) => ({ name, in: "query", required: false, description, schema })

// Every /v1 route but login needs a token, and every /v1/contacts… route is rate limited.
const secured = [{ bearer: [] }]
const limited = [401, 429, 503]

const v1Paths = {
  "/v1/users/login": {
    post: {
      summary: "Log in with Basic credentials; the factory account must set new_password first",
      security: [{ basic: [] }],
      requestBody: body("LoginBody", false),
      responses: { "200": answer("A token valid 7 days", "LoginAnswer"), ...errors(400, 401, 503) }
    }
  },
  "/v1/users/logout": {
    post: { summary: "End the token", security: secured, responses: { "200": answer("Logged out", "OkAnswer"), ...errors(401, 503) } }
  },
  "/v1/contacts": {
    post: {
      summary: "Check contacts: processing, valid, invalid or failed per input (semantics depend on meta.version)",
      security: secured,
      requestBody: body("CheckBody"),
      responses: { "200": answer("One entry per input", "CheckAnswer"), ...errors(400, ...limited) }
    }
  },
  "/v1/contacts/blocklist": {
    get: {
      summary: "The blocklist, oldest block first",
      security: secured,
      parameters: [
        queryParam("limit", "1 to 200, default 100", { type: "integer", minimum: 1, maximum: 200 }),
        queryParam("offset", "default 0", { type: "integer", minimum: 0 })
      ],
      responses: { "200": answer("A page of the blocklist", "BlocklistAnswer"), ...errors(400, ...limited) }
    }
  },
  "/v1/contacts/{phone}/block": {
    post: {
      summary: "Block a contact that sent a message in the last 24 h",
      security: secured,
      parameters: [pathParam("phone", "A phone number or wa_id")],
      requestBody: body("BlockBody", false),
      responses: { "200": answer("Blocked", "OkAnswer"), ...errors(400, ...limited) }
    }
  },
  "/v1/contacts/{phone}/unblock": {
    post: {
      summary: "Unblock a contact",
      security: secured,
      parameters: [pathParam("phone", "A phone number or wa_id")],
      responses: { "200": answer("Unblocked", "OkAnswer"), ...errors(400, ...limited) }
    }
  },
  "/v1/contacts/{phone}/report": {
    post: {
      summary: "Report a contact that sent a message in the last 24 h (optionally block it)",
      security: secured,
      parameters: [pathParam("phone", "A phone number or wa_id")],
      requestBody: body("ReportBody", false),
      responses: { "200": answer("Reported", "OkAnswer"), ...errors(400, 404, ...limited) }
    }
  },
  "/v1/contacts/{wa_id}/identity": {
    get: {
      summary: "A user's current identity hash",
      security: secured,
      parameters: [pathParam("wa_id", "A wa_id or phone number")],
      responses: { "200": answer("The identity", "IdentityAnswer"), ...errors(404, ...limited) }
    },
    put: {
      summary: "Acknowledge the latest identity",
      security: secured,
      parameters: [pathParam("wa_id", "A wa_id or phone number")],
      requestBody: body("IdentityBody"),
      responses: { "200": answer("Acknowledged", "OkAnswer"), ...errors(400, 404, ...limited) }
    }
  }
}

const control = (summary: string, request: Name | undefined, response: Name, extra: object = {}) => ({
  summary,
  tags: ["control"],
  ...(request === undefined ? {} : { requestBody: body(request) }),
  ...extra,
  responses: {
    "200": answer(summary, response),
    "400": answer("Bad input", "ControlError"),
    "404": answer("Unknown id or route", "ControlError")
  }
})

const journalParams = [
  queryParam("method", "GET, POST…"),
  queryParam("path", "Exact, or a prefix ending with *"),
  queryParam("status", "An HTTP status, or dropped"),
  queryParam("number", "A phone number the request concerned (translated as the server does)"),
  queryParam("since", "Ms since the epoch, or an ISO date"),
  queryParam("after", "Only entries with a greater id (poll with the last id seen)", { type: "integer" }),
  queryParam("order", "newest (default) or oldest", { type: "string", enum: ["newest", "oldest"] }),
  queryParam("limit", "At most this many entries", { type: "integer", minimum: 0 })
]

const controlPaths = {
  "/_simulator/users": { post: control("Add WhatsApp users (all or nothing)", "UsersFile", "AddedAnswer") },
  "/_simulator/inbound": { post: control("Record a message from a contact now", "InboundBody", "InboundAnswer") },
  "/_simulator/identity-change": { post: control("Give a user a new, unacknowledged identity", "IdentityChangeBody", "IdentityChangeAnswer") },
  "/_simulator/faults": { post: control("Change fault switches; the switches in effect", "FaultsPatch", "FaultsAnswer") },
  "/_simulator/clock": { post: control("Move the simulator's time forward", "ClockBody", "ClockAnswer") },
  "/_simulator/version": { post: control("Switch the reported version now or after some check requests", "VersionBody", "VersionAnswer") },
  "/_simulator/scenario": { post: control("Apply a named scenario", "ScenarioBody", "ScenarioAnswer") },
  "/_simulator/scenarios": { get: control("The named scenarios", undefined, "ScenarioList") },
  "/_simulator/reset": { post: control("Back to the configured state: journal, counts, cache, blocklist, faults, version", undefined, "ResetAnswer") },
  "/_simulator/state": { get: control("Counts", undefined, "State") },
  "/_simulator/requests": { get: control("The request journal", undefined, "JournalPage", { parameters: journalParams }) },
  "/_simulator/requests/count": { get: control("How many journal entries match", undefined, "CountAnswer", { parameters: journalParams }) },
  "/_simulator/numbers/{number}": {
    get: control("How often a number was received in check requests", undefined, "Receptions", {
      parameters: [pathParam("number", "A phone number, translated as the server does")]
    })
  },
  "/_simulator/openapi.json": {
    get: {
      summary: "This document",
      tags: ["control"],
      responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } }
    }
  }
}

// Definitions of a generated schema go to components, their references rewritten to point there.
const relocate = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replaceAll("\"#/$defs/", "\"#/components/schemas/"))

let cached: Record<string, unknown> | undefined

const components = () => {
  if (cached !== undefined) return cached
  const schemas: Record<string, unknown> = {}
  for (const [name, schema] of Object.entries(named)) {
    const document = Schema.toJsonSchemaDocument(schema)
    schemas[name] = relocate(document.schema)
    for (const [defName, def] of Object.entries(document.definitions)) schemas[defName] = relocate(def)
  }
  cached = schemas
  return schemas
}

/** The OpenAPI 3.1 document; `version` is the API version the simulator reports now. */
export const openApiDocument = (version: string) => ({
  openapi: "3.1.0",
  info: {
    title: "WhatsApp Business On-Premises API, contacts node (wa-contacts simulator)",
    version,
    description: "The contacts node as the wa-contacts simulator answers it, and the simulator's control surface under /_simulator."
  },
  tags: [{ name: "control", description: "The simulator's control surface (not part of the vendor's API)" }],
  paths: { ...v1Paths, ...controlPaths },
  components: {
    schemas: components(),
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer" },
      basic: { type: "http", scheme: "basic" }
    }
  }
})
