/**
 * The simulator as the core's `Transport`: requests are answered in-process, with no socket, by
 * the same handler the HTTP server uses.
 *
 * @since 0.1.0
 */
import { Transport } from "@wa-contacts/core"
import { Effect, Layer } from "effect"
import { randomBytes } from "node:crypto"
import { Simulator } from "./Simulator.ts"
import * as SimulatorModule from "./Simulator.ts"
import type { SimulatorConfig } from "./SimulatorConfig.ts"
import type { SimulatorError } from "./Simulator.ts"
import type { RequestBody, SimulatorRequest } from "./internal/Envelope.ts"

/** Options of the in-process transport. */
export interface Options {
  /**
   * Add `Authorization: Bearer <token>` to requests that carry none, with a static token the
   * simulator accepts (an in-process client has no login step). Default true; turn it off to
   * test login and 401s through the transport.
   */
  readonly autoAuthorize?: boolean | undefined
}

// A JSON value goes through a serialisation round trip so that the handler sees what a server
// would (no shared object identity, `undefined` fields dropped), exactly as over HTTP.
const bodyOf = (body: unknown, maxBytes: number): RequestBody => {
  if (body === undefined) return { _tag: "None" }
  const text = JSON.stringify(body)
  if (text === undefined) return { _tag: "None" }
  return Buffer.byteLength(text) > maxBytes ? { _tag: "TooLarge" } : { _tag: "Json", value: JSON.parse(text) }
}

/** Convert a core request to the simulator's form. */
export const toSimulatorRequest = (request: Transport.TransportRequest, maxBodyBytes = Number.POSITIVE_INFINITY): SimulatorRequest => {
  const [path = "/", search] = request.path.split("?", 2)
  const query: Record<string, string> = {}
  if (search !== undefined) for (const [k, v] of new URLSearchParams(search)) query[k] = v
  Object.assign(query, request.query)
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v
  return { method: request.method, path, query, headers, body: bodyOf(request.body, maxBodyBytes) }
}

/** Build the transport over the simulator in context. */
export const make = (options: Options = {}): Effect.Effect<Transport.Transport["Service"], never, Simulator> =>
  Effect.gen(function*() {
    const simulator = yield* Simulator
    const autoAuthorize = options.autoAuthorize ?? true
    const token = randomBytes(24).toString("base64url")
    if (autoAuthorize) yield* simulator.addToken(token)
    const send = (request: Transport.TransportRequest): Effect.Effect<Transport.TransportResponse, Transport.TransportError> => {
      const converted = toSimulatorRequest(request, simulator.config.maxBodyBytes)
      const authorized = autoAuthorize && converted.headers["authorization"] === undefined
        ? { ...converted, headers: { ...converted.headers, authorization: `Bearer ${token}` } }
        : converted
      return Effect.flatMap(simulator.handle(authorized), (answer) =>
        answer._tag === "Reply"
          ? Effect.succeed(answer.response)
          // A dropped connection: the server got the request, but no answer came back.
          : Effect.fail(
            new Transport.TransportError({
              reason: "ConnectionReset",
              message: "the simulator dropped the connection (fault injection)",
              retryable: true,
              requestSent: true
            })
          ))
    }
    return Transport.Transport.of({ send })
  })

/** The in-process `Transport` over the `Simulator` in context (share one simulator with tests). */
export const layerFromSimulator = (options: Options = {}): Layer.Layer<Transport.Transport, never, Simulator> =>
  Layer.effect(Transport.Transport, make(options))

/**
 * A fresh simulator of this configuration and the in-process `Transport` over it; the
 * `Simulator` is provided too, so that tests can drive scenarios on the same instance.
 */
export const layer = (
  config: SimulatorConfig = {},
  options: Options = {}
): Layer.Layer<Transport.Transport | Simulator, SimulatorError> =>
  layerFromSimulator(options).pipe(Layer.provideMerge(SimulatorModule.layer(config, "in-process")))
