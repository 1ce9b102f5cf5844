/**
 * A test-only HTTP proxy on 127.0.0.1, as proxies work: plain-http requests are forwarded
 * (absolute URL in the request line), https is tunnelled with CONNECT. It remembers each target.
 */
import { Effect, type Scope } from "effect"
import { createServer, request } from "node:http"
import { connect, type AddressInfo, type Socket } from "node:net"

export interface TestProxy {
  readonly url: string
  /** `host:port` of every forwarded request or tunnel, and the Proxy-Authorization header it came with. */
  readonly tunnels: Array<{ readonly target: string; readonly authorization: string | undefined }>
}

export const proxy: Effect.Effect<TestProxy, never, Scope.Scope> = Effect.gen(function*() {
  const tunnels: TestProxy["tunnels"] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? "")
    tunnels.push({ target: target.host, authorization: req.headers["proxy-authorization"] })
    const { "proxy-authorization": _, "proxy-connection": __, ...headers } = req.headers
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on("error", () => res.destroy())
    req.pipe(upstream)
  })
  server.on("connect", (req, client: Socket, head: Buffer) => {
    tunnels.push({ target: req.url ?? "", authorization: req.headers["proxy-authorization"] })
    const [host, port] = (req.url ?? "").split(":")
    const upstream = connect(Number(port), host!, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on("error", () => socket.destroy())
      socket.on("close", () => sockets.delete(socket))
    }
  })
  const port = yield* Effect.acquireRelease(
    Effect.callback<number>((resume) => {
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
    }),
    () =>
      Effect.callback<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  )
  return { url: `http://127.0.0.1:${port}`, tunnels }
})
