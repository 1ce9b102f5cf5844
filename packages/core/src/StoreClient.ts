/**
 * The Promise facade of checks through a result store, for programs that do not use Effect: the
 * same as `Client` for checks, plus what keeping a list validated needs — re-validation, the
 * messages the budget counts, import, stats. Errors reject as the same tagged error instances.
 *
 * @example
 * ```ts
 * const client = StoreClient.make(SimulatorTransport.layer(), Store.layer("contacts.db"))
 * for await (const r of client.checkAll(numbers)) console.log(r.input, r._tag, r._tag === "Deferred" ? r.reason : r.store._tag)
 * await client.recordMessages(1200) // after sending a campaign: the budget allows as many checks
 * for await (const r of client.revalidate()) console.log(r.input, r._tag)
 * await client.dispose()
 * ```
 *
 * @since 0.2.0
 */
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { ContactsConfig, type ContactsConfigShape } from "./ContactsConfig.ts"
import type { ResultStore, StoredNumber } from "./ResultStore.ts"
import * as StoreAdmin from "./StoreAdmin.ts"
import * as StoredCheck from "./StoredCheck.ts"
import { inArrays } from "./internal/InArrays.ts"
import type { Transport } from "./Transport.ts"

/** Checks through a store as Promises and async iterables. Call `dispose()` when done. */
export interface StoreClient {
  /**
   * Check any number of inputs through the store: fresh numbers answered from it, the rest checked
   * and written; one result per input, in input order. Blank entries are skipped.
   */
  readonly checkAll: (
    inputs: Iterable<string> | AsyncIterable<string>,
    options?: StoredCheck.StoredCheckOptions
  ) => AsyncIterable<StoredCheck.StoredCheckResult>
  /** Re-check the due numbers, oldest first, within the budget (see `StoredCheck.revalidate`). */
  readonly revalidate: (options?: StoredCheck.RevalidateOptions) => AsyncIterable<StoredCheck.StoredCheckResult>
  /** Record messages sent: the budget allows as many checks (times its ratio) in its window. */
  readonly recordMessages: (count: number) => Promise<void>
  /** Add numbers to keep validated, without checking them. */
  readonly importNumbers: (inputs: Iterable<string>) => Promise<StoreAdmin.ImportCounts>
  /** The store's counts by status and age, and the budget left. */
  readonly stats: (options?: Parameters<typeof StoreAdmin.stats>[0]) => Promise<StoreAdmin.StoreStats>
  /** Every stored number with its current result. */
  readonly exportAll: () => AsyncIterable<StoredNumber>
  /** Release the transport and the store. */
  readonly dispose: () => Promise<void>
}

const BLANK = /^\s*$/

class InputStreamError extends Error {
  readonly _tag = "InputStreamError"
}

/** Build the client from a `Transport` layer, a `ResultStore` layer and optional client settings. */
export const make = <E1, E2>(
  transport: Layer.Layer<Transport, E1>,
  store: Layer.Layer<ResultStore, E2>,
  config: ContactsConfigShape = {}
): StoreClient => {
  const runtime = ManagedRuntime.make(Layer.merge(transport, store))
  const run = <A>(effect: Effect.Effect<A, unknown, Transport | ResultStore>): Promise<A> =>
    runtime.runPromise(Effect.provideService(effect, ContactsConfig, config))
  const iterate = <A>(stream: Stream.Stream<A, unknown, Transport | ResultStore>): AsyncIterable<A> => ({
    [Symbol.asyncIterator]: () => {
      const it = runtime.context().then((ctx) =>
        Stream.toAsyncIterableWith(Stream.provideService(stream, ContactsConfig, config), ctx)[Symbol.asyncIterator]()
      )
      return {
        next: () => it.then((i) => i.next()),
        return: (value?: unknown) => it.then((i) => i.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }))
      }
    }
  })
  return {
    checkAll: (inputs, options) => {
      const size = Math.max(1, options?.batchSize ?? 500)
      const source = Symbol.asyncIterator in inputs
        ? Stream.flattenArray(Stream.fromAsyncIterable(inArrays(inputs as AsyncIterable<string>, size), (e) => new InputStreamError(String(e))))
        // In chunks of one batch: an array would otherwise be one chunk, every input prepared at once.
        : Stream.fromIterable(inputs as Iterable<string>, { chunkSize: size })
      return iterate(StoredCheck.checkThroughStore(Stream.filter(source, (i) => !BLANK.test(i)), options))
    },
    revalidate: (options) => iterate(StoredCheck.revalidate(options)),
    recordMessages: (count) => run(StoreAdmin.recordMessages(count)),
    importNumbers: (inputs) =>
      run(Effect.gen(function*() {
        const counts = { inputs: 0, added: 0, known: 0, skipped: 0 }
        yield* Stream.runDrain(StoreAdmin.importNumbers(Stream.fromIterable(inputs, { chunkSize: 500 }), counts))
        return counts
      })),
    stats: (options) => run(StoreAdmin.stats(options)),
    exportAll: () => iterate(StoreAdmin.exportAll),
    dispose: () => runtime.dispose()
  }
}
