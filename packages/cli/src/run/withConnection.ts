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
import type { Exit, Failure } from "../ExitCode.ts"

/** Run `effect` connected as the flags of `options` say; every failure becomes an `Exit`. */
export const withConnection = <A, E extends Failure | Exit, R>(
  options: Connection.ConnectionOptions & { readonly quiet?: boolean },
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exit, Exclude<R, Transport.Transport>> =>
  effect.pipe(
    Effect.provide(Connection.layer(options)),
    Effect.provideService(Config.ContactsConfig, {
      ...Connection.clientSettings(options),
      retry: { onRetry: Connection.announceRetries(options, options.quiet === true) }
    }),
    Effect.mapError((error) => toExit(error, Connection.secretsOf(options)))
  ) as Effect.Effect<A, Exit, Exclude<R, Transport.Transport>>
