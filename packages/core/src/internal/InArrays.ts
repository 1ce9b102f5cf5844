import type { Array as Arr } from "effect"

/**
 * An async iterable's items in arrays of up to `size` (a batch: the check sends nothing before a
 * batch is full anyway). Read one at a time, effect's stream costs a promise, a fiber step and a
 * one-item chunk per item: a few hundred bytes of garbage a line, which on millions of lines is
 * what made the heap, and the peak RSS, grow with the length of the list (bench figure 14). Items
 * read before a failure are still given, then the failure; `return()` reaches the source.
 *
 * The source's iterator is taken now, not when the arrays are first asked for: a readline
 * interface drops the lines it reads before its iterator exists, and the check's stream first
 * pulls only after its fibers have started (lines of a pipe are there at once).
 *
 * @internal
 */
export const inArrays = <A>(items: AsyncIterable<A>, size: number): AsyncIterable<Arr.NonEmptyReadonlyArray<A>> => {
  // A second iteration (of an iterable that can start again) asks the source afresh, as before.
  let first: AsyncIterator<A> | undefined = items[Symbol.asyncIterator]()
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = first ?? items[Symbol.asyncIterator]()
      first = undefined
      return arrays({ [Symbol.asyncIterator]: () => iterator }, size)
    }
  }
}

async function* arrays<A>(items: AsyncIterable<A>, size: number): AsyncGenerator<Arr.NonEmptyReadonlyArray<A>> {
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
