/**
 * The simulator over real HTTP(S) on Node, with effect's HTTP server. A catch-all app converts
 * each `HttpServerRequest` to the simulator's request and the answer back: routing, auth, faults
 * and bodies all live in the one handler the in-process transport uses too.
 *
 * @since 0.1.0
 */
import { NodeHttpServer, NodeHttpServerRequest } from "@effect/platform-node"
import { ByteSize, Context, Effect, Layer } from "effect"
import { HttpIncomingMessage, HttpServer, HttpServerRequest, HttpServerResponse } from "effect/http"
import type { ServeError } from "effect/http/HttpServerError"
import { createServer as createHttpServer, type Server } from "node:http"
import { createServer as createHttpsServer } from "node:https"
import type { SimulatorError } from "./Simulator.ts"
import { Simulator, type SimulatorShape } from "./Simulator.ts"
import * as SimulatorModule from "./Simulator.ts"
import * as SimulatorConfig from "./SimulatorConfig.ts"
import { bodyText, type RequestBody, type SimulatorRequest } from "./internal/Envelope.ts"

/** Where the server listens. */
export interface ServerInfo {
  /** Base URL, e.g. `http://127.0.0.1:41234` (or `https://…` with TLS). */
  readonly url: string
  readonly host: string
  /** The bound port (the real one when the configuration asked for port 0). */
  readonly port: number
  readonly tls: boolean
}

/** The running simulator server's address. */
export class SimulatorServer extends Context.Service<SimulatorServer, ServerInfo>()("@wa-contacts/adapter-mock/SimulatorServer") {}

// Reads the body itself rather than through `request.json`, so that a body that is not JSON, or
// too large, becomes a 400 from the simulator instead of a framework error page.
const readBody = (request: HttpServerRequest.HttpServerRequest, maxBytes: number): Effect.Effect<RequestBody> => {
  const declared = Number(request.headers["content-length"] ?? 0)
  if (declared > maxBytes) return Effect.succeed({ _tag: "TooLarge" })
  return request.arrayBuffer.pipe(
    Effect.map((buffer): RequestBody => {
      if (buffer.byteLength > maxBytes) return { _tag: "TooLarge" }
      const text = new TextDecoder().decode(buffer)
      if (text.trim().length === 0) return { _tag: "None" }
      try {
        return { _tag: "Json", value: JSON.parse(text) }
      } catch {
        return { _tag: "NotJson", text }
      }
    }),
    // A chunked body has no declared length: the reader stops at the limit.
    Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBytes)),
    Effect.catch(() => Effect.succeed<RequestBody>({ _tag: "TooLarge" }))
  )
}

const toSimulatorRequest = (request: HttpServerRequest.HttpServerRequest, body: RequestBody): SimulatorRequest => {
  const url = new URL(request.url, "http://simulator.invalid")
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = String(value)
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body
  }
}

/** The HTTP app: every request goes to `simulator.handle`. */
export const app = (simulator: SimulatorShape) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const body = yield* readBody(request, simulator.config.maxBodyBytes)
    const answer = yield* simulator.handle(toSimulatorRequest(request, body))
    if (answer._tag === "Drop") {
      // No response at all: the client sees the connection reset.
      NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()
      return HttpServerResponse.empty({ status: 500 })
    }
    const { status, headers, body: responseBody } = answer.response
    const { "content-type": contentType, ...rest } = headers
    return HttpServerResponse.text(bodyText(responseBody), {
      status,
      headers: rest,
      ...(contentType === undefined ? {} : { contentType })
    })
  })

const nodeServer = (config: SimulatorConfig.ResolvedConfig): Server =>
  config.tlsCert !== undefined && config.tlsKey !== undefined
    // An https.Server listens and emits `request` exactly like an http.Server.
    ? createHttpsServer({ cert: config.tlsCert, key: config.tlsKey }) as unknown as Server
    : createHttpServer()

/**
 * Serve the `Simulator` in context over HTTP(S) with the listening options of `config` (host,
 * port, TLS); provides the bound address as {@link SimulatorServer}.
 */
export const layerFromSimulator = (
  config: SimulatorConfig.SimulatorConfig = {}
): Layer.Layer<SimulatorServer, ServeError, Simulator> => {
  const resolved = SimulatorConfig.resolve(config, "http")
  const tls = resolved.tlsCert !== undefined && resolved.tlsKey !== undefined
  const serve = Layer.unwrap(Effect.gen(function*() {
    const simulator = yield* Simulator
    return HttpServer.serve()(app(simulator))
  }))
  const info = Layer.effect(SimulatorServer, Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    // formatAddress gives `http://host:port`; the scheme is ours to choose.
    const bound = new URL(HttpServer.formatAddress(server.address))
    const port = Number(bound.port)
    const url = `${tls ? "https" : "http"}://${bound.host}`
    return { url, host: bound.hostname, port, tls }
  }))
  return Layer.mergeAll(serve, info).pipe(
    Layer.provide(NodeHttpServer.layer(() => nodeServer(resolved), { port: resolved.port, host: resolved.host }))
  )
}

/**
 * Start a simulator of this configuration over HTTP(S): the rate limit is on by default; read the
 * URL from {@link SimulatorServer}. The `Simulator` is provided too, to drive scenarios in code.
 */
export const layer = (
  config: SimulatorConfig.SimulatorConfig = {}
): Layer.Layer<SimulatorServer | Simulator, ServeError | SimulatorError> =>
  layerFromSimulator(config).pipe(Layer.provideMerge(SimulatorModule.layer(config, "http")))
