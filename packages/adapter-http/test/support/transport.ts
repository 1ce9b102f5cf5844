/** Build the transport under test and capture what it logs. */
import { Effect, Logger, References } from "effect"
import { Transport } from "@wa-contacts/core"
import { HttpTransport, type HttpTransportConfig } from "../../src/index.ts"

/** The transport's `send` for `config`, living as long as the test's scope. */
export const transport = (config: HttpTransportConfig.HttpTransportConfig) => HttpTransport.make(config)

/** A request as the core would build it. */
export const request = (
  method: Transport.Method,
  path: string,
  extra: Omit<Transport.TransportRequest, "method" | "path"> = {}
): Transport.TransportRequest => ({ method, path, ...extra })

/**
 * Run `effect` with every log line (debug and up) captured as JSON text: message, annotations and
 * cause, exactly what a logger would write.
 */
export const capturingLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    const lines: Array<string> = []
    const logger = Logger.make((options) => {
      lines.push(Logger.formatJson.log(options))
    })
    return effect.pipe(
      Effect.provideService(References.CurrentLoggers, new Set([logger])),
      Effect.provideService(References.MinimumLogLevel, "All"),
      Effect.map((value) => ({ value, lines }))
    )
  })

/** The JSON body of a response (fails the test when it is text). */
export const jsonOf = (response: Transport.TransportResponse): any => {
  if (response.body._tag !== "Json") throw new Error(`expected JSON, got text: ${response.body.text.slice(0, 200)}`)
  return response.body.value
}
