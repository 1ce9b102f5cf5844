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
import { type CheckOptions, checkBatch, checkStream, type CheckStreamOptions } from "./Check.ts"
import { ContactsConfig, type ContactsConfigShape } from "./Config.ts"
import * as Contacts from "./Contacts.ts"
import type { CheckResult } from "./Result.ts"
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
  readonly blocklistPage: (options?: { readonly limit?: number; readonly offset?: number }) => Promise<Contacts.BlocklistPage>
  /** The whole blocklist, page by page as you iterate; `break` stops fetching. */
  readonly blocklist: (options?: { readonly pageSize?: number }) => AsyncIterable<Contacts.BlockedContact>
  /** Report a contact; not retried when the server may have processed it. */
  readonly report: (phone: string, options?: Contacts.ReportOptions) => Promise<void>
  /** A contact's latest identity. */
  readonly getIdentity: (waId: string) => Promise<Contacts.Identity>
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

/** Build a Promise client from a `Transport` layer and optional client settings. */
export const make = <E>(transport: Layer.Layer<Transport, E>, config: ContactsConfigShape = {}): ContactsClient => {
  const runtime = ManagedRuntime.make(transport)
  const run = <A>(effect: Effect.Effect<A, unknown, Transport>): Promise<A> =>
    runtime.runPromise(Effect.provideService(effect, ContactsConfig, config))
  const iterate = <A>(stream: Stream.Stream<A, unknown, Transport>): AsyncIterable<A> => ({
    [Symbol.asyncIterator]: () => {
      const context = runtime.context().then((ctx) =>
        Stream.toAsyncIterableWith(Stream.provideService(stream, ContactsConfig, config), ctx)[Symbol.asyncIterator]()
      )
      return {
        next: () => context.then((it) => it.next()),
        return: (value?: unknown) =>
          context.then((it) => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }))
      }
    }
  })
  return {
    check: (inputs, options) => run(checkBatch(inputs, options)),
    checkAll: (inputs, options) => {
      const source = Symbol.asyncIterator in inputs
        ? Stream.fromAsyncIterable(inputs as AsyncIterable<string>, (e) => new InputStreamError(String(e)))
        : Stream.fromIterable(inputs as Iterable<string>)
      return iterate(checkStream(Stream.filter(source, isNotBlank), options))
    },
    block: (phone, options) => run(Contacts.block(phone, options)),
    unblock: (phone) => run(Contacts.unblock(phone)),
    blocklistPage: (options) => run(Contacts.blocklistPage(options)),
    blocklist: (options) => iterate(Contacts.blocklist(options)),
    report: (phone, options) => run(Contacts.report(phone, options)),
    getIdentity: (waId) => run(Contacts.getIdentity(waId)),
    acknowledgeIdentity: (waId, hash) => run(Contacts.acknowledgeIdentity(waId, hash)),
    dispose: () => runtime.dispose()
  }
}
