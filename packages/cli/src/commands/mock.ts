/**
 * `wa-contacts mock serve`: the simulator as a real HTTP(S) server, for trying clients and for
 * tests that need real sockets; `wa-contacts mock openapi`: its OpenAPI 3.1 document.
 *
 * The flags that configure the simulator are defined here once; `--mock` on the other commands
 * reuses {@link simulatorFlags} so that a flag means the same, with the same default, everywhere.
 * The simulator's own defaults apply when a flag is absent (no second copy of them here), and
 * nothing from `@wa-contacts/adapter-mock` is imported at start-up: `--help` stays fast.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { textFlag } from "./shared.ts"

/** The default port: the On-Premises client's own. */
export const DEFAULT_PORT = 9090

/** Flags of the simulator shared by `mock serve` and `--mock`. */
export const simulatorFlags = {
  latency: Flag.Int("latency").pipe(
    Flag.withDescription("The simulator's lookup latency in ms (default 500, the simulator's own)"),
    Flag.optional
  ),
  allUsers: Flag.Boolean("all-users").pipe(Flag.withDescription("The simulator treats every possible number as a WhatsApp user"), Flag.withDefault(false))
} as const

/** `mock serve`. */
export const serve = Command.make(
  "serve",
  {
    host: Flag.String("host").pipe(Flag.withDescription("Interface to listen on"), Flag.withDefault("127.0.0.1")),
    port: Flag.Int("port").pipe(Flag.withDescription(`Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)`), Flag.withDefault(DEFAULT_PORT)),
    apiVersion: textFlag(
      "api-version",
      "The version the server reports: major.minor[.patch] (default 2.41.3; 2.43 and later answer with repurposed semantics), or legacy / repurposed / unknown"
    ),
    registered: textFlag("registered", "The number the server is registered with (default +16315550000)"),
    users: textFlag("users", "A JSON file of WhatsApp users: [{\"number\": \"+1…\", \"wa_id\"?: \"…\"}] or [\"+1…\"]"),
    ...simulatorFlags,
    token: Flag.Redacted("token").pipe(Flag.withDescription("Also accept this bearer token (it never expires); never printed"), Flag.optional),
    rate: Flag.Finite("rate").pipe(
      Flag.withDescription("The server's rate limit in requests/s (default 20, the documented one; 0 turns it off)"),
      Flag.optional
    ),
    burst: Flag.Int("burst").pipe(Flag.withDescription("Requests allowed back to back (default 60, the documented burst)"), Flag.optional),
    scenario: textFlag("scenario", "Start with a named scenario: upgrade-to-2.43, rate-limit-storm, overloaded, slow-lookups, token-expiry"),
    journal: textFlag("journal", "Append every API request to this file as NDJSON (tokens and passwords never written)"),
    journalSize: Flag.Int("journal-size").pipe(Flag.withDescription("Requests the in-memory journal keeps (default 10000; older ones are dropped and counted)"), Flag.optional),
    tlsCert: textFlag("tls-cert", "Serve HTTPS with this PEM certificate (with --tls-key)"),
    tlsKey: textFlag("tls-key", "The PEM private key of --tls-cert"),
    control: Flag.Boolean("control").pipe(
      Flag.withDescription("Serve the /_simulator control surface (--no-control to turn it off)"),
      Flag.withDefault(true)
    )
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/mock.ts")), (m) => m.serve(input))
).pipe(
  Command.withDescription("Run the simulator as an HTTP(S) server until Ctrl-C."),
  Command.withExamples([
    { command: "wa-contacts mock serve --port 9090 --token dev-token", description: "A server on 127.0.0.1:9090" },
    { command: "WA_BASE_URL=http://127.0.0.1:9090 WA_TOKEN=dev-token wa-contacts check 16315551000", description: "Use it" },
    { command: "wa-contacts mock serve --port 9090 --scenario upgrade-to-2.43 --journal requests.ndjson", description: "A scenario, with a journal for CI" }
  ])
)

/** `mock openapi`. */
export const openapi = Command.make(
  "openapi",
  {
    output: Flag.String("output").pipe(Flag.withAlias("o"), Flag.withDescription("Write the document to this file instead of stdout"), Flag.optional)
  },
  (input) => Effect.flatMap(Effect.promise(() => import("../run/mock.ts")), (m) => m.openapi(input))
).pipe(Command.withDescription("Print the OpenAPI 3.1 document of the simulated API and its /_simulator control surface."))

/** The `mock` command group. */
export const mock = Command.make("mock").pipe(
  Command.withDescription("The built-in simulator of the contacts node."),
  Command.withSubcommands([serve, openapi])
)
