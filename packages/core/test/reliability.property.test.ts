/**
 * Reliability (issue #8), property tests: every wire decoder and `Response.decode` answer a value
 * or a typed error for any JSON and never throw; translation and lint are total on any string and
 * translation is idempotent on its own output; hostile phone inputs are refused before any request.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Schema, Stream } from "effect"
import fc from "fast-check"
import { Check, Blocking, Identity, Report, Errors, Response, Translation, Transport, Wire } from "@wa-contacts/core"
import * as Scripted from "./support/ScriptedTransport.ts"

const RUNS = process.env["WA_FULL"] === "1" ? 5_000 : 500
const WIRE_RUNS = process.env["WA_FULL"] === "1" ? 2_000 : 200

const schemas: ReadonlyArray<readonly [string, Schema.Codec<unknown, unknown, never, never>]> = Object.entries(Wire)
  .filter(([, value]) => Schema.isSchema(value))
  .map(([name, value]) => [name, value as Schema.Codec<unknown, unknown, never, never>] as const)

/** JSON values, and some near-misses of real bodies (right keys, wrong types). */
const nearMiss = fc.record({
  meta: fc.option(fc.record({ api_status: fc.jsonValue(), version: fc.oneof(fc.string(), fc.jsonValue()) }), { nil: undefined }),
  contacts: fc.option(fc.array(fc.record({ input: fc.jsonValue(), status: fc.constantFrom("valid", "invalid", "processing", "failed", "x", 1), wa_id: fc.jsonValue() })), { nil: undefined }),
  errors: fc.option(fc.array(fc.record({ code: fc.jsonValue(), title: fc.jsonValue(), details: fc.jsonValue() })), { nil: undefined }),
  users: fc.option(fc.array(fc.record({ token: fc.jsonValue(), expires_after: fc.jsonValue() })), { nil: undefined })
}, { requiredKeys: [] })
const anyJson = fc.oneof(fc.jsonValue(), nearMiss, fc.anything())

const bodies: fc.Arbitrary<Transport.ResponseBody> = fc.oneof(
  anyJson.map(Transport.jsonBody),
  fc.string({ unit: "binary" }).map(Transport.parseBody),
  fc.constantFrom("", "<html>502</html>", "{\"contacts\":[{\"input\":\"+1631").map(Transport.parseBody)
)
const responses: fc.Arbitrary<Transport.TransportResponse> = fc.record({
  status: fc.oneof(fc.constantFrom(200, 201, 400, 401, 404, 429, 500, 502, 503), fc.integer({ min: 100, max: 599 })),
  headers: fc.oneof(fc.constant({}), fc.record({ "retry-after": fc.oneof(fc.string(), fc.nat().map(String), fc.date().map((d) => Number.isNaN(d.getTime()) ? "x" : d.toUTCString())) })),
  body: bodies
})

const strings = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: fc.constantFrom(..."0123456789+-() ./#?%\u0000\u00a0\uFEFF٠١٢३४") }),
  fc.tuple(fc.constantFrom("+", "", "00", "011", " +"), fc.stringMatching(/^[0-9 ()-]{0,25}$/)).map(([a, b]) => a + b)
)
const callingCodes = fc.constantFrom<Translation.CallingCode | undefined>(
  undefined,
  ...["1", "44", "91", "55", "52", "49", "7", "86", "234", "998"].map((c) => c as Translation.CallingCode)
)

describe("wire decoders never throw (fast-check)", () => {
  it("every Wire schema answers a value or a typed SchemaError for any JSON", () => {
    let ok = 0
    let failed = 0
    for (const [name, schema] of schemas) {
      fc.assert(fc.property(anyJson, (value) => {
        const exit = Schema.decodeUnknownExit(schema)(value)
        if (Exit.isSuccess(exit)) {
          ok++
          return
        }
        failed++
        expect(Cause.hasDies(exit.cause), `${name} died on ${JSON.stringify(value)}`).toBe(false)
        expect(Cause.hasFails(exit.cause)).toBe(true)
      }), { numRuns: WIRE_RUNS })
    }
    console.log(`[reliability] Wire decoders: ${schemas.length} schemas × ${WIRE_RUNS} values: ${ok} decoded, ${failed} typed errors, 0 throws`)
    expect(schemas.length).toBeGreaterThanOrEqual(10)
  })

  it("Response.decode(schema) answers a value or a ContactsError for any response", () => {
    const tags: Record<string, number> = {}
    const decoders = schemas.map(([name, schema]) => [name, Response.decode(schema), Response.decode(schema, { emptyOk: true })] as const)
    fc.assert(fc.property(responses, fc.nat({ max: decoders.length - 1 }), (response, i) => {
      const [name, plain, emptyOk] = decoders[i]!
      for (const decode of [plain, emptyOk]) {
        const exit = Effect.runSyncExit(decode(response))
        if (Exit.isSuccess(exit)) {
          tags["ok"] = (tags["ok"] ?? 0) + 1
          continue
        }
        expect(Cause.hasDies(exit.cause), `${name} died on ${JSON.stringify(response)}`).toBe(false)
        const error = Cause.squash(exit.cause) as { _tag: string }
        // A typed error of the core (spec §5), never a stray exception.
        expect(typeof error._tag).toBe("string")
        expect(error).toBeInstanceOf(Error)
        tags[error._tag] = (tags[error._tag] ?? 0) + 1
      }
    }), { numRuns: RUNS * 4 })
    console.log(`[reliability] Response.decode over ${RUNS * 4} arbitrary responses: ${JSON.stringify(tags)}`)
  })
})

describe("translation and lint are total (fast-check)", () => {
  it("translate / translateNumber never throw, and translate is idempotent on its output", () => {
    let translated = 0
    let undefinedCount = 0
    fc.assert(fc.property(strings, callingCodes, fc.constantFrom<Translation.Validity>("all", "ambiguous"), (input, cc, validity) => {
      const t = Translation.translate(input, cc, validity)
      expect(t.input).toBe(input)
      expect(Array.isArray(t.warnings)).toBe(true)
      const n = Translation.translateNumber(input, cc)
      expect(n).toBe(t.translated)
      if (t.translated === undefined) {
        undefinedCount++
        return
      }
      translated++
      expect(t.translated).toMatch(/^\+\d+$/)
      expect(Translation.translate(t.translated, cc, validity).translated).toBe(t.translated)
      expect(Translation.translateNumber(t.translated, cc)).toBe(t.translated)
    }), { numRuns: RUNS * 4 })
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), callingCodes, (input, cc) => {
      Translation.translate(input, cc)
      Translation.translateNumber(input, cc)
    }), { numRuns: RUNS * 4 })
    console.log(`[reliability] translate: ${RUNS * 8} arbitrary strings, ${translated} translated (all idempotent), ${undefinedCount} without a number, 0 throws`)
  })

  it("Translator.next is total and counts each key once as first", () => {
    fc.assert(fc.property(fc.array(strings, { maxLength: 40 }), fc.constantFrom(undefined, "+16315550000", "+919876543210", "not a number", ""), (inputs, registered) => {
      const translator = new Translation.Translator(registered)
      const firsts = new Set<string>()
      for (const input of inputs) {
        const t = translator.next(input)
        if (t.first) {
          expect(firsts.has(t.key)).toBe(false)
          firsts.add(t.key)
        } else {
          expect(firsts.has(t.key)).toBe(true)
          expect(t.warnings.some((w) => w.code === "DUPLICATE")).toBe(true)
        }
      }
    }), { numRuns: RUNS })
  })
})

describe("hostile phone inputs are refused before any request", () => {
  const hostile = [
    "/", "../../admin", "+1631/5551000", "+1631..5551000", "..", "%2F", "+1631%2F555", "+1631?x=1", "+1631#frag",
    "+1631\u00005551000", "+1631\r\n5551000", "+1631\t555", "\u0007", "", "   ", "x".repeat(10 * 1024 * 1024)
  ]

  it.effect("core operations fail with InputError and send nothing; the check stream rejects them unsent", () =>
    Effect.gen(function*() {
      const scripted = Scripted.fromFunction(() => ({ status: 200, headers: {}, body: Transport.jsonBody({}) }))
      const ops = (phone: string) => [
        Blocking.block(phone),
        Blocking.unblock(phone),
        Report.report(phone),
        Identity.getIdentity(phone),
        Identity.acknowledgeIdentity(phone, "hash"),
        Check.checkBatch([phone])
      ] as ReadonlyArray<Effect.Effect<unknown, unknown, Transport.Transport>>
      let refused = 0
      for (const phone of hostile) {
        for (const op of ops(phone)) {
          const exit = yield* Effect.exit(op.pipe(Effect.provide(scripted.layer)))
          expect(Exit.isFailure(exit)).toBe(true)
          if (Exit.isFailure(exit)) expect(Cause.squash(exit.cause)).toBeInstanceOf(Errors.InputError)
          refused++
        }
      }
      const results = yield* Stream.runCollect(Check.checkStream(hostile, { rateLimit: false })).pipe(Effect.provide(scripted.layer))
      expect(results.length).toBe(hostile.length)
      for (const r of results) expect(r).toMatchObject({ _tag: "Failed", cause: "rejected" })
      expect(scripted.requests.length).toBe(0)
      console.log(`[reliability] hostile inputs: ${hostile.length} inputs × 6 operations = ${refused} InputErrors, ${results.length} rejected stream records, ${scripted.requests.length} requests`)
    }))

  it("any input with a path or URL character is refused (fast-check)", () => {
    const withBad = fc.tuple(fc.string(), fc.constantFrom("/", "..", "%", "?", "#", "\\", "\u0000", "\n", "&", "="), fc.string())
      .map(([a, bad, b]) => `+1631${a}${bad}${b}555`)
    fc.assert(fc.property(withBad, (input) => {
      const scripted = Scripted.fromFunction(() => ({ status: 200, headers: {}, body: Transport.jsonBody({}) }))
      const exit = Effect.runSyncExit(Blocking.block(input).pipe(Effect.provide(scripted.layer)))
      expect(Exit.isFailure(exit) && Cause.squash(exit.cause) instanceof Errors.InputError).toBe(true)
      expect(scripted.requests.length).toBe(0)
    }), { numRuns: RUNS })
  })
})

describe("a 2xx with a broken body (truncated, HTML) is retried when the call is idempotent", () => {
  it("Policy.isTransient", async () => {
    const { Policy } = await import("@wa-contacts/core")
    const truncated = Errors.malformed(200, "{\"meta\":{\"api_status\":\"stable\"},\"contacts\":[{\"input\":\"+1631")
    expect(Policy.isTransient(truncated, "idempotent")).toBe(true)
    expect(Policy.isTransient(truncated, "not-idempotent")).toBe(false)
    expect(Policy.isTransient(Errors.malformed(404, "<html>"), "idempotent")).toBe(false)
  })
})
