/**
 * `wa-contacts mock serve`: the simulator as a real HTTP(S) server, for trying clients and for
 * tests that need real sockets.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Command, Flag } from "effect/cli"

/** The default port: the On-Premises client's own. */
export const DEFAULT_PORT = 9090

/** `mock serve`. */
export const serve = Command.make(
  "serve",
  {
    host: Flag.String("host").pipe(Flag.withDescription("Interface to listen on"), Flag.withDefault("127.0.0.1")),
    port: Flag.Int("port").pipe(Flag.withDescription(`Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)`), Flag.withDefault(DEFAULT_PORT)),
    apiVersion: Flag.String("api-version").pipe(
      Flag.withDescription("The version the server reports (default 2.41.3; 2.43 and later answer with repurposed semantics)"),
      Flag.optional
    ),
    registered: Flag.String("registered").pipe(
      Flag.withDescription("The number the server is registered with (default +16315550000)"),
      Flag.optional
    ),
    users: Flag.String("users").pipe(
      Flag.withDescription("A JSON file of WhatsApp users: [{\"number\": \"+1…\", \"wa_id\"?: \"…\"}] or [\"+1…\"]"),
      Flag.optional
    ),
    allUsers: Flag.Boolean("all-users").pipe(Flag.withDescription("Every possible number is a WhatsApp user"), Flag.withDefault(false)),
    token: Flag.Redacted("token").pipe(Flag.withDescription("Also accept this bearer token (it never expires); never printed"), Flag.optional),
    latency: Flag.Int("latency").pipe(Flag.withDescription("Lookup latency in ms (default 500)"), Flag.optional),
    tlsCert: Flag.String("tls-cert").pipe(Flag.withDescription("Serve HTTPS with this PEM certificate (with --tls-key)"), Flag.optional),
    tlsKey: Flag.String("tls-key").pipe(Flag.withDescription("The PEM private key of --tls-cert"), Flag.optional),
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
    { command: "WA_BASE_URL=http://127.0.0.1:9090 WA_TOKEN=dev-token wa-contacts check 16315551000", description: "Use it" }
  ])
)

/** The `mock` command group. */
export const mock = Command.make("mock").pipe(
  Command.withDescription("The built-in simulator of the contacts node."),
  Command.withSubcommands([serve])
)
