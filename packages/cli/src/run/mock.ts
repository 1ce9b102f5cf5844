/**
 * The body of `wa-contacts mock serve`: start the simulator's HTTP(S) server, say where it is and
 * how to authenticate (never echoing a token it was given), and serve until interrupted; the
 * server is closed by the interruption's finalizers.
 *
 * @since 0.1.0
 */
import { SimulatorConfig, SimulatorServer } from "@wa-contacts/adapter-mock"
import { Console, Effect, Option, Redacted } from "effect"
import * as fs from "node:fs"
import { describe, redact } from "../ErrorMessage.ts"
import { usage } from "../ExitCode.ts"

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
  readonly tlsCert: Option.Option<string>
  readonly tlsKey: Option.Option<string>
  readonly control: boolean
}

const readText = (flag: string, path: string) =>
  Effect.try({
    try: () => fs.readFileSync(path, "utf8"),
    catch: (cause) => usage(`--${flag} ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`)
  })

/** Build the simulator's configuration from the flags. */
export const configOf = Effect.fnUntraced(function*(input: ServeInput) {
  if (input.port < 0 || input.port > 65535) return yield* usage("--port must be from 0 to 65535")
  if (Option.isSome(input.latency) && input.latency.value < 0) return yield* usage("--latency must be 0 or more milliseconds")
  if (Option.isSome(input.tlsCert) !== Option.isSome(input.tlsKey)) return yield* usage("--tls-cert and --tls-key go together")
  const users = Option.isSome(input.users)
    ? yield* Effect.flatMap(readText("users", input.users.value), (text) =>
      Effect.try({ try: () => SimulatorConfig.parseUsersFile(text), catch: (e) => usage(`--users ${input.users.pipe(Option.getOrThrow)}: ${(e as Error).message}`) }))
    : undefined
  const tlsCert = Option.isSome(input.tlsCert) ? yield* readText("tls-cert", input.tlsCert.value) : undefined
  const tlsKey = Option.isSome(input.tlsKey) ? yield* readText("tls-key", input.tlsKey.value) : undefined
  const config: SimulatorConfig.SimulatorConfig = {
    host: input.host,
    port: input.port,
    allUsers: input.allUsers,
    control: input.control,
    ...Option.match(input.apiVersion, { onNone: () => ({}), onSome: (version) => ({ version }) }),
    ...Option.match(input.registered, { onNone: () => ({}), onSome: (registered) => ({ registered }) }),
    ...Option.match(input.latency, { onNone: () => ({}), onSome: (lookupLatencyMs) => ({ lookupLatencyMs }) }),
    ...Option.match(input.token, { onNone: () => ({}), onSome: (token) => ({ tokens: [Redacted.value(token)] }) }),
    ...(users === undefined ? {} : { users }),
    ...(tlsCert === undefined || tlsKey === undefined ? {} : { tlsCert, tlsKey })
  }
  return config
})

/** Run `mock serve` until interrupted. */
export const serve = Effect.fnUntraced(function*(input: ServeInput) {
  const config = yield* configOf(input)
  const secrets = Option.toArray(input.token)
  yield* Effect.gen(function*() {
    const server = yield* SimulatorServer.SimulatorServer
    const resolved = SimulatorConfig.resolve(config, "http")
    yield* Console.log(`listening on ${server.url}`)
    yield* Console.error(
      [
        `wa-contacts simulator: API ${resolved.version}, registered ${resolved.registered}` +
        `${resolved.allUsers ? ", every number is a WhatsApp user" : `, ${resolved.users.length} WhatsApp users`}`,
        "authenticate with one of:",
        ...(Option.isSome(input.token) ? ["  - the token you passed with --token: WA_TOKEN=<that token>"] : []),
        "  - POST /v1/users/login as admin / secret (the factory account: the first login must set a new_password)",
        `try:   WA_BASE_URL=${server.url}${Option.isSome(input.token) ? " WA_TOKEN=<token>" : " WA_USERNAME=admin WA_PASSWORD=<password>"} wa-contacts check 16315551000`,
        ...(resolved.control ? [`control surface: ${server.url}/_simulator/ (users, inbound, identity-change, faults, clock, state)`] : []),
        "Ctrl-C stops the server"
      ].join("\n")
    )
    return yield* Effect.never
  }).pipe(
    Effect.provide(SimulatorServer.layer(config)),
    Effect.mapError((error) => usage(redact(`cannot start the simulator: ${describe(error)}`, secrets)))
  )
})
