/**
 * The bodies of `wa-contacts mock serve` and `mock openapi`: start the simulator's HTTP(S) server,
 * say where it is and how to authenticate (never echoing a token it was given), append the
 * request journal to a file when asked, and serve until interrupted; the server is closed by the
 * interruption's finalizers.
 *
 * @since 0.1.0
 */
import { Simulator, SimulatorConfig, SimulatorServer } from "@wa-contacts/adapter-mock"
import { Console, Effect, FileSystem, Option, type PlatformError, Redacted, Result, Schema, Stream } from "effect"
import { describe, redact } from "../ErrorMessage.ts"
import { usage } from "../ExitCode.ts"
import { codeOf, words } from "../Files.ts"

/** The flags of `mock serve`. */
export interface ServeInput {
  readonly host: string
  readonly port: number
  readonly apiVersion: Option.Option<string>
  readonly registered: Option.Option<string>
  readonly users: Option.Option<string>
  readonly allUsers: boolean
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly latency: Option.Option<number>
  readonly rate: Option.Option<number>
  readonly burst: Option.Option<number>
  readonly scenario: Option.Option<string>
  readonly journal: Option.Option<string>
  readonly journalSize: Option.Option<number>
  readonly tlsCert: Option.Option<string>
  readonly tlsKey: Option.Option<string>
  readonly control: boolean
}

/** Why a file could not be read, in words (not `ENOENT`). */
const fileProblem = (error: unknown): string => {
  // A platform error carries its system code: the shared words for it ("it is a directory").
  if (typeof error === "object" && error !== null && "reason" in error && codeOf(error as PlatformError.PlatformError) !== undefined) {
    return words(error as PlatformError.PlatformError)
  }
  const text = String((error as { message?: unknown })?.message ?? error)
  if (/ENOENT|NotFound/i.test(text)) return "no such file"
  if (/EACCES|PermissionDenied/i.test(text)) return "permission denied"
  if (/EISDIR|BadResource/i.test(text)) return "not a readable file"
  return text
}

const readText = (flag: string, path: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    return yield* fs.readFileString(path)
  }).pipe(Effect.mapError((error) => usage(`--${flag} ${path}: ${fileProblem(error)}`)))

const some = <K extends string, A>(key: K, option: Option.Option<A>): { [P in K]?: A } =>
  (Option.isSome(option) ? { [key]: option.value } : {}) as { [P in K]?: A }

/** Build the simulator's configuration from the flags; a value that cannot work is a usage error. */
export const configOf = Effect.fnUntraced(function*(input: ServeInput) {
  if (input.port < 0 || input.port > 65535) return yield* usage("--port must be from 0 to 65535")
  if (Option.isSome(input.latency) && input.latency.value < 0) return yield* usage("--latency must be 0 or more milliseconds")
  if (Option.isSome(input.rate) && input.rate.value < 0) return yield* usage("--rate must be 0 (no limit) or more requests per second")
  if (Option.isSome(input.burst) && input.burst.value < 1) return yield* usage("--burst must be 1 or more requests")
  if (Option.isSome(input.burst) && Option.isSome(input.rate) && input.rate.value === 0) {
    return yield* usage("--burst has no effect with --rate 0 (no limit): drop one of them")
  }
  if (Option.isSome(input.journalSize) && input.journalSize.value < 0) return yield* usage("--journal-size must be 0 or more requests")
  if (Option.isSome(input.tlsCert) !== Option.isSome(input.tlsKey)) return yield* usage("--tls-cert and --tls-key go together")
  if (Option.isSome(input.scenario) && !Simulator.scenarioNames.includes(input.scenario.value as Simulator.ScenarioName)) {
    return yield* usage(`--scenario ${input.scenario.value}: not a scenario; one of ${Simulator.scenarioNames.join(", ")}`)
  }
  let users: ReadonlyArray<SimulatorConfig.DirectoryUser> | undefined
  if (Option.isSome(input.users)) {
    const path = input.users.value
    const parsed = SimulatorConfig.parseUsersFile(yield* readText("users", path))
    if (Result.isFailure(parsed)) return yield* usage(`--users ${path}: ${parsed.failure}`)
    users = parsed.success
  }
  const tlsCert = Option.isSome(input.tlsCert) ? yield* readText("tls-cert", input.tlsCert.value) : undefined
  const tlsKey = Option.isSome(input.tlsKey) ? yield* readText("tls-key", input.tlsKey.value) : undefined
  // --rate alone keeps the documented burst; --burst alone keeps the documented rate.
  const documented = SimulatorConfig.defaultRateLimit
  const rateLimit: Pick<SimulatorConfig.SimulatorConfig, "rateLimit"> = Option.isNone(input.rate) && Option.isNone(input.burst)
    ? {}
    : Option.getOrUndefined(input.rate) === 0
    ? { rateLimit: false }
    : { rateLimit: { rps: Option.getOrElse(input.rate, () => documented.rps), burst: Option.getOrElse(input.burst, () => documented.burst) } }
  const config: SimulatorConfig.SimulatorConfig = {
    host: input.host,
    port: input.port,
    allUsers: input.allUsers,
    control: input.control,
    ...some("version", input.apiVersion),
    ...some("registered", input.registered),
    ...some("lookupLatencyMs", input.latency),
    ...some("journalSize", input.journalSize),
    ...some("scenario", input.scenario as Option.Option<Simulator.ScenarioName>),
    ...Option.match(input.token, { onNone: () => ({}), onSome: (token) => ({ tokens: [Redacted.value(token)] }) }),
    ...rateLimit,
    ...(users === undefined ? {} : { users }),
    ...(tlsCert === undefined || tlsKey === undefined ? {} : { tlsCert, tlsKey })
  }
  return config
})

/** Why the server could not start, in words: a busy port says so, not an empty reason. */
export const startProblem = (error: unknown, host: string, port: number): string => {
  let cause: unknown = error
  for (let depth = 0; depth < 5 && typeof cause === "object" && cause !== null; depth++) {
    const code = (cause as { code?: unknown }).code
    if (code === "EADDRINUSE") return `port ${port} on ${host} is already in use: stop what listens there, or pick another --port (0 picks a free one)`
    if (code === "EACCES") return `not allowed to listen on port ${port} (ports below 1024 need privileges): pick another --port`
    if (code === "EADDRNOTAVAIL") return `${host} is not an address of this machine: pick another --host`
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `--host ${host} does not resolve to an address`
    cause = (cause as { cause?: unknown }).cause
  }
  const text = describe(error)
  return text.trim() === "" || text === "ServeError" ? `the server could not listen on ${host}:${port}` : text
}

const encodeEntry = Schema.encodeSync(Simulator.ControlJson.JournalEntryJson)

/** Append the journal to `path` as NDJSON, one entry a line, for as long as the server runs. */
const appendJournal = (path: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const simulator = yield* Simulator.Simulator
    const file = yield* fs.open(path, { flag: "a" }).pipe(Effect.mapError((error) => usage(`--journal ${path}: ${fileProblem(error)}`)))
    const encoder = new TextEncoder()
    yield* simulator.journal.pipe(
      Stream.runForEach((entry) => file.write(encoder.encode(`${JSON.stringify(encodeEntry(entry))}\n`))),
      Effect.catch((error) => Console.error(`wa-contacts simulator: the journal file stopped: ${fileProblem(error)}`)),
      Effect.forkScoped
    )
  })

const banner = (server: SimulatorServer.ServerInfo, resolved: SimulatorConfig.ResolvedConfig, input: ServeInput): string => {
  const hasToken = Option.isSome(input.token)
  const limit = resolved.rateLimit === false ? "no rate limit" : `rate limit ${resolved.rateLimit.rps}/s, bursts of ${resolved.rateLimit.burst}`
  return [
    `wa-contacts simulator: API ${resolved.version}, registered ${resolved.registered}` +
    `${resolved.allUsers ? ", every number is a WhatsApp user" : `, ${resolved.users.length} WhatsApp users`}, ${limit}` +
    `${resolved.scenario === undefined ? "" : `, scenario ${resolved.scenario}`}`,
    "authenticate with one of:",
    ...(hasToken ? ["  - the token you passed with --token: WA_TOKEN=<that token>"] : []),
    "  - the factory account admin / secret. Like a real server's, its first login must set a new password",
    "    (8-64 characters with a digit, an upper-case and a lower-case letter and a symbol): pass it with",
    "    WA_NEW_PASSWORD (or --new-password) along with WA_USERNAME=admin WA_PASSWORD=secret; keep it set, and",
    "    later runs log in with the new password",
    `try:   WA_BASE_URL=${server.url}${hasToken ? " WA_TOKEN=<token>" : " WA_USERNAME=admin WA_PASSWORD=secret WA_NEW_PASSWORD='Choose-1-now'"} wa-contacts check 16315551000`,
    ...(resolved.control
      ? [
        `live page: ${server.url}/_simulator/ (open it in a browser) · control surface (JSON): ${server.url}/_simulator/openapi.json`,
        "  users, inbound, identity-change, faults, clock, version, scenario, reset, state, requests, numbers/{number}"
      ]
      : []),
    ...(Option.isSome(input.journal) ? [`journal: appending every API request to ${input.journal.value}`] : []),
    "Ctrl-C stops the server"
  ].join("\n")
}

/** Run `mock serve` until interrupted. */
export const serve = Effect.fnUntraced(function*(input: ServeInput) {
  const config = yield* configOf(input)
  const secrets = Option.toArray(input.token)
  yield* Effect.gen(function*() {
    const server = yield* SimulatorServer.SimulatorServer
    const simulator = yield* Simulator.Simulator
    if (Option.isSome(input.journal)) yield* appendJournal(input.journal.value)
    yield* Console.log(`listening on ${server.url}`)
    yield* Console.error(banner(server, simulator.config, input))
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.provide(SimulatorServer.layer(config)),
    Effect.mapError((error) =>
      error._tag === "Exit" ? error : usage(redact(`cannot start the simulator: ${startProblem(error, input.host, input.port)}`, secrets)))
  )
})

/** The flags of `mock openapi`. */
export interface OpenApiInput {
  readonly output: Option.Option<string>
}

/** Print (or write) the OpenAPI document. */
export const openapi = Effect.fnUntraced(function*(input: OpenApiInput) {
  const text = `${JSON.stringify(Simulator.openApiDocument(), null, 2)}\n`
  if (Option.isNone(input.output)) return yield* Console.log(text.trimEnd())
  const path = input.output.value
  const fs = yield* FileSystem.FileSystem
  yield* fs.writeFileString(path, text).pipe(Effect.mapError((error) => usage(`--output ${path}: ${fileProblem(error)}`)))
})
