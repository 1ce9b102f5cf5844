/**
 * Secrets (password, new password, tokens, Authorization values, API-key header values) never
 * appear in what a run leaves behind: log lines, trace spans, errors and their causes, however
 * they are printed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Formatter, Tracer } from "effect"
import { HttpConfigError } from "../src/index.ts"
import { json, onPrem, serve } from "./support/server.ts"
import { capturingLogs, request, transport } from "./support/transport.ts"

const PASSWORD = "Old-Pa55word-7731"
const NEW_PASSWORD = "New-Pa55word-9046!"
const API_KEY = "api-key-value-5521"
const STATIC_TOKEN = "static-token-8830"

/** Every printed form of a value a user or a tool may see. */
const printed = (value: unknown): Array<string> => {
  const forms = [String(value), Formatter.format(value), Formatter.formatJson(value)]
  try {
    forms.push(JSON.stringify(value))
  } catch {
    // circular: the formatters above cover it
  }
  return forms
}

const spanText = (span: Tracer.NativeSpan): Array<string> => [
  span.name,
  JSON.stringify([...span.attributes]),
  JSON.stringify(span.events),
  ...(span.status._tag === "Ended" ? [...printed(span.status.exit), Cause.pretty(exitCause(span.status.exit))] : [])
]

const exitCause = (exit: Exit.Exit<unknown, unknown>) => (Exit.isFailure(exit) ? exit.cause : Cause.empty)

describe("no secret in logs, traces or errors", () => {
  it.live("a run with a first login, a renewal, server errors, a dropped connection and a timeout", () =>
    Effect.gen(function*() {
      let mode: "ok" | "500" | "drop" | "hang" = "ok"
      const fake = onPrem({
        users: { admin: PASSWORD },
        mustChangePassword: ["admin"],
        tokenText: (n) => `issued-token-${n}-4471`,
        route: (req, res, raw) => {
          if (mode === "500") return json(res, 500, { errors: [{ code: 1014, title: "Internal error" }] })
          if (mode === "drop") return raw.socket.destroy()
          if (mode === "hang") return
          json(res, 200, { echo: req.url })
        }
      })
      const server = yield* serve(fake.handler)
      const spans: Array<Tracer.NativeSpan> = []
      const tracer = Tracer.make({
        span: (options) => {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      const seen: Array<string> = []
      const run = Effect.gen(function*() {
        const { send } = yield* transport({
          baseUrl: server.url,
          username: "admin",
          password: PASSWORD,
          newPassword: NEW_PASSWORD,
          headers: { "D360-API-KEY": API_KEY },
          timeout: 300
        })
        const post = request("POST", "/v1/contacts", { body: { contacts: ["+16315551000"] } })
        yield* send(post) // first login: 1024, then new_password
        fake.revokeTokens()
        yield* send(post) // 401 → renewal
        mode = "500"
        yield* send(post)
        for (const failing of ["drop", "hang"] as const) {
          mode = failing
          const exit = yield* Effect.exit(send(post))
          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) {
            seen.push(Cause.pretty(exit.cause), ...printed(exit.cause))
            const error = Cause.squash(exit.cause)
            seen.push(...printed(error), (error as Error).message, (error as Error).stack ?? "")
          }
        }
        // Wrong credentials, and a static token refused.
        const wrong = yield* transport({ baseUrl: server.url, username: "admin", password: `${PASSWORD}-x` })
        const refusal = yield* wrong.send(post)
        seen.push(...printed(refusal))
        const stale = yield* transport({ baseUrl: server.url, token: STATIC_TOKEN })
        seen.push(...printed(yield* stale.send(post)))
        seen.push(...printed(stale))
        // A failure of the whole program, as a runtime would report it.
        mode = "drop"
        const exit = yield* Effect.exit(Effect.orDie(send(post)))
        if (Exit.isFailure(exit)) seen.push(Cause.pretty(exit.cause))
      }).pipe(Effect.provideService(Tracer.Tracer, tracer))
      const { lines } = yield* capturingLogs(run)

      assert.isAbove(fake.issued.length, 1)
      assert.isAbove(lines.length, 0)
      assert.isAbove(spans.length, 5)
      const secrets = [
        PASSWORD,
        NEW_PASSWORD,
        API_KEY,
        STATIC_TOKEN,
        ...fake.issued,
        Buffer.from(`admin:${PASSWORD}`).toString("base64"),
        Buffer.from(`admin:${NEW_PASSWORD}`).toString("base64")
      ]
      const everything = [...lines, ...spans.flatMap(spanText), ...seen].join("\n")
      for (const secret of secrets) assert.notInclude(everything, secret, `a secret leaked: ${secret.slice(0, 4)}…`)
      // The run did exercise what it claims: the header and the passwords reached the server.
      assert.strictEqual(server.requests.at(-1)!.headers["d360-api-key"], API_KEY)
      assert.deepStrictEqual(fake.logins.slice(0, 2).map((l) => l.password), [PASSWORD, PASSWORD])
      assert.include(everything, "ConnectionReset")
      assert.include(everything, "Timeout")
    }))

  it.effect("a configuration error for a base URL with credentials does not repeat them", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(transport({ baseUrl: `https://admin:${PASSWORD}@coreapp:9090` }))
      assert.instanceOf(error, HttpConfigError)
      for (const text of [...printed(error), Cause.pretty(Cause.fail(error))]) assert.notInclude(text, PASSWORD)
    }))
})
