import type { Array as Arr } from "effect"

/**
 * An async iterable's items in arrays of up to `size` (a batch: the check sends nothing before a
 * batch is full anyway). Read one at a time, effect's stream costs a promise, a fiber step and a
 * one-item chunk per item: a few hundred bytes of garbage a line, which on millions of lines is
 * what made the heap, and the peak RSS, grow with the length of the list (bench figure 14). Items
 * read before a failure are still given, then the failure; `return()` reaches the source.
 *
 * @internal
 */
export async function* inArrays<A>(items: AsyncIterable<A>, size: number): AsyncGenerator<Arr.NonEmptyReadonlyArray<A>> {
  let array: Array<A> = []
  let failure: { readonly error: unknown } | undefined
  try {
    for await (const item of items) {
      array.push(item)
      if (array.length >= size) {
        const full = array as unknown as Arr.NonEmptyReadonlyArray<A>
        array = []
        yield full
      }
    }
  } catch (error) {
    failure = { error }
  }
  if (array.length > 0) yield array as unknown as Arr.NonEmptyReadonlyArray<A>
  if (failure !== undefined) throw failure.error
}
