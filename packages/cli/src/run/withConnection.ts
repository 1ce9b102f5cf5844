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
import { Exit, type Failure } from "../ExitCode.ts"

const MOCK_NOT_ENGAGED = "--mock's simulator lives for one run and has no inbound messages: try block and report against " +
  "`wa-contacts mock serve` after POST /_simulator/inbound {\"from\": \"+16315551000\"}"

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
    Effect.mapError((error) => {
      const exit = toExit(error, Connection.secretsOf(options))
      // The in-process simulator starts with no inbound messages and ends with the run: no contact
      // is ever engaged there, so say where block and report can be tried.
      return options.mock && typeof error === "object" && error !== null && "_tag" in error && error._tag === "NotEngaged"
        ? new Exit({ code: exit.code, message: exit.message, hint: MOCK_NOT_ENGAGED })
        : exit
    })
  ) as Effect.Effect<A, Exit, Exclude<R, Transport.Transport>>
