/**
 * What every command that talks to a server does around its work: build the transport the
 * connection flags describe, apply the client settings, and turn failures into exit codes with
 * messages free of secrets.
 *
 * @since 0.1.0
 */
import { Config, type Transport } from "@wa-contacts/core"
import { Effect } from "effect"
import * as Connection from "../Connection.ts"
import { toExit } from "../ErrorMessage.ts"
import type { Exit } from "../ExitCode.ts"

/** Run `effect` against the server of `options`. */
export const withServer = <A, E, R>(
  options: Connection.ConnectionOptions,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exit, Exclude<R, Transport.Transport>> =>
  effect.pipe(
    Effect.provide(Connection.layer(options)),
    Effect.provideService(Config.ContactsConfig, Connection.clientSettings(options)),
    Effect.mapError((error) => toExit(error, Connection.secretsOf(options)))
  ) as Effect.Effect<A, Exit, Exclude<R, Transport.Transport>>
