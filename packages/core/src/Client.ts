/**
 * A Promise facade for programs that do not use Effect: async methods for each operation, async
 * iterators for the streams, and errors rejected as the same tagged error instances (check
 * `error._tag`). Built from any `Transport` layer; the adapters offer one-line constructors.
 *
 * @example
 * ```ts
 * const client = Client.make(SimulatorTransport.layer())
 * for await (const result of client.checkAll(["+16315551000", "6315551002"])) console.log(result)
 * await client.dispose()
 * ```
 *
 * @since 0.1.0
 */
import { Effect, type Layer, ManagedRuntime, Stream } from "effect"
import { inArrays } from "./internal/InArrays.ts"
import { type CheckOptions, checkBatch, checkStream, type CheckStreamOptions } from "./Check.ts"
import { ContactsConfig, type ContactsConfigShape } from "./ContactsConfig.ts"
import * as Blocking from "./Blocking.ts"
import * as Identity from "./Identity.ts"
import * as Report from "./Report.ts"
import { InputError } from "./Errors.ts"
import type { CheckResult } from "./CheckResult.ts"
import type { Transport } from "./Transport.ts"

/** The operations as Promises and async iterables. Call `dispose()` when done. */
export interface ContactsClient {
  /** Check one batch (validated, sent once, polled); results in input order. */
  readonly check: (inputs: ReadonlyArray<string>, options?: CheckOptions) => Promise<ReadonlyArray<CheckResult>>
  /**
   * Check any number of inputs; one result per input, in input order, as they are known. Blank
   * entries (empty or only whitespace, such as the empty lines `readline` yields) are skipped and
   * get no result, as the CLI skips blank lines of a file.
   */
  readonly checkAll: (
    inputs: Iterable<string> | AsyncIterable<string>,
    options?: CheckStreamOptions
  ) => AsyncIterable<CheckResult>
  /** Block a contact (it must have messaged the business in the last 24 h). */
  readonly block: (phone: string, options?: { readonly reason?: string }) => Promise<void>
  /** Unblock a contact; unblocking one that is not blocked succeeds. */
  readonly unblock: (phone: string) => Promise<void>
  /** One page of the blocklist (`limit` 1..200, default 100; `offset` >= 0). */
  readonly blocklistPage: (options?: { readonly limit?: number; readonly offset?: number }) => Promise<Blocking.BlocklistPage>
  /** The whole blocklist, page by page as you iterate; `break` stops fetching. */
  readonly blocklist: (options?: { readonly pageSize?: number }) => AsyncIterable<Blocking.BlockedContact>
  /** Report a contact; not retried when the server may have processed it. */
  readonly report: (phone: string, options?: Report.ReportOptions) => Promise<void>
  /** A contact's latest identity. */
  readonly getIdentity: (waId: string) => Promise<Identity.Identity>
  /** Acknowledge a contact's latest identity (`hash` from `getIdentity`). */
  readonly acknowledgeIdentity: (waId: string, hash: string) => Promise<void>
  /** Release the transport (connections, timers). */
  readonly dispose: () => Promise<void>
}

/** An input of `checkAll` that was neither a string iterable nor an async one. */
class InputStreamError extends Error {
  readonly _tag = "InputStreamError"
}

const BLANK = /^\s*$/
const isNotBlank = (input: string): boolean => !BLANK.test(input)

// Programs in plain JavaScript pass what their JSON or CSV parser gave them: a number where a
// string is due would fail deep inside with "value.trim is not a function". Said where it is passed.
const kind = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`)
const notText = (field: string, value: unknown, where: string): InputError =>
  new InputError({
    field,
    input: String(value).slice(0, 40),
    message: `${where} is ${kind(value)}, not a string: pass phone numbers as text (String(value)), e.g. "+16315551000"`
  })
const text = (field: string, value: unknown): Effect.Effect<string, InputError> =>
  typeof value === "string" ? Effect.succeed(value) : Effect.fail(notText(field, value, field))
const isIterable = (value: unknown): boolean =>
  value !== null && (typeof value === "object" || typeof value === "string") &&
  (Symbol.iterator in Object(value) || Symbol.asyncIterator in Object(value))

/** Build a Promise client from a `Transport` layer and optional client settings. */
export const make = <E>(transport: Layer.Layer<Transport, E>, config: ContactsConfigShape = {}): ContactsClient => {
  const runtime = ManagedRuntime.make(transport)
  const run = <A>(effect: Effect.Effect<A, unknown, Transport>): Promise<A> =>
    runtime.runPromise(Effect.provideService(effect, ContactsConfig, config))
  const iterate = <A>(stream: Stream.Stream<A, unknown, Transport>): AsyncIterable<A> => ({
    [Symbol.asyncIterator]: () => {
      // Once the runtime is up, `next` goes straight to the stream's iterator: one promise a
      // result, not two (millions of results are millions of promises; see `inArrays`).
      let iterator: AsyncIterator<A> | undefined
      const context = runtime.context().then((ctx) =>
        iterator = Stream.toAsyncIterableWith(Stream.provideService(stream, ContactsConfig, config), ctx)[Symbol.asyncIterator]()
      )
      return {
        next: () => iterator === undefined ? context.then((it) => it.next()) : iterator.next(),
        return: (value?: unknown) =>
          context.then((it) => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }))
      }
    }
  })
  return {
    check: (inputs, options) =>
      run(Effect.gen(function*() {
        if (!Array.isArray(inputs)) return yield* notText("inputs", inputs, "check's inputs (an array of strings)")
        const bad = inputs.findIndex((input) => typeof input !== "string")
        if (bad >= 0) return yield* notText("input", inputs[bad], `input ${bad + 1}`)
        return yield* checkBatch(inputs, options)
      })),
    checkAll: (inputs, options) => {
      if (!isIterable(inputs)) {
        return iterate(Stream.fail(notText("inputs", inputs, "checkAll's inputs (an iterable or async iterable of strings)")))
      }
      const size = Math.max(1, options?.batchSize ?? 500)
      const source = Symbol.asyncIterator in Object(inputs)
        ? Stream.flattenArray(Stream.fromAsyncIterable(inArrays(inputs as AsyncIterable<string>, size), (e) => new InputStreamError(String(e))))
        // In chunks of one batch: an array would otherwise be one chunk, every input prepared at once.
        : Stream.fromIterable(inputs as Iterable<string>, { chunkSize: size })
      // Checked a chunk at a time: the hot path stays one loop per chunk, not one effect per input.
      let seen = 0
      const strings = Stream.mapArrayEffect(source, (chunk) => {
        const bad = chunk.findIndex((input: unknown) => typeof input !== "string")
        const at = seen
        seen += chunk.length
        return bad < 0 ? Effect.succeed(chunk) : Effect.fail(notText("input", chunk[bad], `input ${at + bad + 1}`))
      })
      return iterate(checkStream(Stream.filter(strings, isNotBlank), options))
    },
    block: (phone, options) => run(Effect.flatMap(text("phone", phone), (p) => Blocking.block(p, options))),
    unblock: (phone) => run(Effect.flatMap(text("phone", phone), Blocking.unblock)),
    blocklistPage: (options) => run(Blocking.blocklistPage(options)),
    blocklist: (options) => iterate(Blocking.blocklist(options)),
    report: (phone, options) => run(Effect.flatMap(text("phone", phone), (p) => Report.report(p, options))),
    getIdentity: (waId) => run(Effect.flatMap(text("waId", waId), Identity.getIdentity)),
    acknowledgeIdentity: (waId, hash) =>
      run(Effect.flatMap(Effect.all([text("waId", waId), text("hash", hash)]), ([w, h]) => Identity.acknowledgeIdentity(w, h))),
    dispose: () => runtime.dispose()
  }
}
