/**
 * The request journal: the last N requests to the API in a ring (oldest overwritten first, the
 * number dropped counted), and the queries a test asserts with.
 *
 * @internal
 */
import type { JournalEntry } from "./ControlSchema.ts"

/** Which entries to return; every field optional. */
export interface JournalFilter {
  readonly method?: string | undefined
  /** Exact, or a prefix when it ends with `*`. */
  readonly path?: string | undefined
  /** An HTTP status (`"429"`) or `"dropped"`. */
  readonly status?: string | undefined
  /** A translated number the request concerned. */
  readonly number?: string | undefined
  /** Simulator time, ms since the epoch: entries that arrived at or after it. */
  readonly since?: number | undefined
  /** Only entries with a greater id: what a live view has not seen yet. */
  readonly after?: number | undefined
  readonly order?: "newest" | "oldest" | undefined
  readonly limit?: number | undefined
}

const matches = (entry: JournalEntry, filter: JournalFilter): boolean => {
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false
  if (filter.path !== undefined) {
    const prefix = filter.path.endsWith("*") ? filter.path.slice(0, -1) : undefined
    if (prefix !== undefined ? !entry.path.startsWith(prefix) : entry.path !== filter.path) return false
  }
  if (filter.status !== undefined && String(entry.status) !== filter.status) return false
  if (filter.number !== undefined && !entry.numbers.includes(filter.number)) return false
  if (filter.since !== undefined && entry.at < filter.since) return false
  if (filter.after !== undefined && entry.id <= filter.after) return false
  return true
}

/** A ring of journal entries. */
export class Journal {
  readonly capacity: number
  readonly #ring: Array<JournalEntry | undefined>
  #next = 0
  #size = 0
  #dropped = 0
  #lastId = 0

  constructor(capacity: number) {
    this.capacity = Math.max(0, Math.floor(capacity))
    this.#ring = new Array(this.capacity)
  }

  /** Entries overwritten because the ring was full. */
  get dropped(): number {
    return this.#dropped
  }

  /** Add an entry; it gets the next id. */
  append(entry: Omit<JournalEntry, "id">): JournalEntry {
    const full: JournalEntry = { id: ++this.#lastId, ...entry }
    if (this.capacity === 0) {
      this.#dropped++
      return full
    }
    if (this.#size === this.capacity) this.#dropped++
    else this.#size++
    this.#ring[this.#next] = full
    this.#next = (this.#next + 1) % this.capacity
    return full
  }

  /** Entries oldest first. */
  *#oldestFirst(): Generator<JournalEntry> {
    const start = (this.#next - this.#size + this.capacity) % Math.max(1, this.capacity)
    for (let i = 0; i < this.#size; i++) yield this.#ring[(start + i) % this.capacity]!
  }

  /** The entries matching `filter`, in its order, at most `limit`; and how many matched. */
  query(filter: JournalFilter): { readonly entries: ReadonlyArray<JournalEntry>; readonly matched: number } {
    const all: Array<JournalEntry> = []
    for (const entry of this.#oldestFirst()) if (matches(entry, filter)) all.push(entry)
    if (filter.order !== "oldest") all.reverse()
    return { entries: filter.limit === undefined ? all : all.slice(0, filter.limit), matched: all.length }
  }

  /** How many entries match `filter`. */
  count(filter: JournalFilter): number {
    let n = 0
    for (const entry of this.#oldestFirst()) if (matches(entry, filter)) n++
    return n
  }
}
