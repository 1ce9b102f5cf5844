/**
 * An in-memory `ResultStore`: the reference reading of the port's contract, for core's behaviour
 * tests under `TestClock`. Every operation runs in one synchronous step, so it is atomic the way
 * a transaction is for a SQL adapter. Like any adapter it reads no clock and applies no rule.
 */
import { Effect, Layer, Stream } from "effect"
import { ResultStore } from "@wa-contacts/core"

type Row = {
  number: string
  added_at: number
  result: ResultStore.StoredResult | null
  claim_owner: string | null
  claim_until: number | null
}

/** The state behind a memory store, open for tests to inspect and tamper with. */
export interface MemoryState {
  readonly rows: Map<string, Row>
  readonly history: Array<ResultStore.HistoryEntry>
  readonly ledger: Array<{ kind: "checks" | "messages"; count: number; at: number }>
  /** Calls per operation, to show what a run asked of the store. */
  readonly calls: Record<string, number>
}

/** A fresh, empty state. */
export const emptyState = (): MemoryState => ({ rows: new Map(), history: [], ledger: [], calls: {} })

const PAGE = 2

const toStored = (row: Row): ResultStore.StoredNumber => ({ number: row.number, added_at: row.added_at, result: row.result })

const byDue = (a: Row, b: Row): number => {
  const ka = a.result === null ? [0, a.added_at] : [1, a.result.checked_at]
  const kb = b.result === null ? [0, b.added_at] : [1, b.result.checked_at]
  return ka[0]! - kb[0]! || ka[1]! - kb[1]! || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)
}

/** Build the store over `state`. */
export const make = (state: MemoryState = emptyState()): ResultStore.ResultStoreShape => {
  const op = <A>(name: string, f: () => A) =>
    Effect.sync(() => {
      state.calls[name] = (state.calls[name] ?? 0) + 1
      return f()
    })
  const insert = (number: string, at: number): Row => {
    let row = state.rows.get(number)
    if (row === undefined) {
      row = { number, added_at: at, result: null, claim_owner: null, claim_until: null }
      state.rows.set(number, row)
    }
    return row
  }
  const release = (owner: string, number: string) => {
    const row = state.rows.get(number)
    if (row !== undefined && row.claim_owner === owner) {
      row.claim_owner = null
      row.claim_until = null
    }
  }
  // Pages of a sorted snapshot taken lazily page by page, as a SQL adapter's keyset reads would.
  const paged = (name: string, select: () => Array<Row>, limit: number | undefined) =>
    Stream.suspend(() => {
      state.calls[name] = (state.calls[name] ?? 0) + 1
      const rows = select()
      const all = limit === undefined ? rows : rows.slice(0, limit)
      const pages: Array<Array<ResultStore.StoredNumber>> = []
      for (let i = 0; i < all.length; i += PAGE) pages.push(all.slice(i, i + PAGE).map(toStored))
      return Stream.fromIterable(pages).pipe(Stream.flattenIterable)
    })

  return {
    lookup: (numbers) =>
      op("lookup", () => {
        const found = new Map<string, ResultStore.StoredNumber>()
        for (const n of numbers) {
          const row = state.rows.get(n)
          if (row !== undefined) found.set(n, toStored(row))
        }
        return found
      }),
    claim: ({ numbers, owner, now, until, charge }) =>
      op("claim", () => {
        const outcomes: Array<ResultStore.ClaimOutcome> = []
        let due = 0
        for (const number of new Set(numbers)) {
          const row = insert(number, now)
          if (row.claim_owner === null || row.claim_until === null || row.claim_until <= now || row.claim_owner === owner) {
            row.claim_owner = owner
            row.claim_until = until
            outcomes.push({ _tag: "Claimed", number, until, current: row.result })
            if (charge !== undefined && (row.result === null || row.result.checked_at < charge.checkedBefore)) due++
          } else {
            outcomes.push({ _tag: "Held", number, until: row.claim_until })
          }
        }
        if (due > 0) state.ledger.push({ kind: "checks", count: due, at: now })
        return outcomes
      }),
    write: ({ owner, results, release: released, at }) =>
      op("write", () => {
        for (const w of results) {
          insert(w.number, at).result = w.result
          if (w.history !== undefined) state.history.push(w.history)
          release(owner, w.number)
        }
        for (const n of released) release(owner, n)
      }),
    add: (numbers, at) =>
      op("add", () => {
        let added = 0
        for (const n of numbers) {
          if (!state.rows.has(n)) {
            insert(n, at)
            added++
          }
        }
        return added
      }),
    due: ({ checkedBefore, limit }) =>
      paged(
        "due",
        () => [...state.rows.values()].filter((r) => r.result === null || r.result.checked_at < checkedBefore).sort(byDue),
        limit
      ),
    export: paged("export", () => [...state.rows.values()].sort((a, b) => (a.number < b.number ? -1 : 1)), undefined),
    history: (number) => op("history", () => state.history.filter((h) => h.number === number)),
    recordMessages: (count, at) => op("recordMessages", () => void state.ledger.push({ kind: "messages", count, at })),
    reserve: ({ requested, at, since, decide }) =>
      op("reserve", () => {
        const totals = { checks: 0, messages: 0 }
        for (const e of state.ledger) if (e.at >= since) totals[e.kind] += e.count
        const granted = Math.max(0, Math.min(requested, Math.floor(decide === undefined ? requested : decide(totals))))
        if (granted > 0) state.ledger.push({ kind: "checks", count: granted, at })
        return granted
      }),
    summary: ({ checkedSince, ledgerSince }) =>
      op("summary", () => {
        const byStatus = { valid: 0, invalid: 0, failed: 0 }
        const since = checkedSince.map(() => 0)
        let unchecked = 0
        for (const row of state.rows.values()) {
          if (row.result === null) {
            unchecked++
            continue
          }
          byStatus[row.result.status]++
          checkedSince.forEach((t, i) => {
            if (row.result!.checked_at >= t) since[i]!++
          })
        }
        const ledger = { checks: 0, messages: 0 }
        for (const e of state.ledger) if (e.at >= ledgerSince) ledger[e.kind] += e.count
        return { numbers: state.rows.size, unchecked, byStatus, checkedSince: since, ledger, historyRows: state.history.length }
      }),
    prune: (before) =>
      op("prune", () => {
        let numbers = 0
        for (const [n, row] of state.rows) {
          if (row.result === null ? row.added_at < before : row.result.checked_at < before) {
            state.rows.delete(n)
            numbers++
          }
        }
        const keep = state.history.filter((h) => h.checked_at >= before && state.rows.has(h.number))
        const history = state.history.length - keep.length
        state.history.splice(0, state.history.length, ...keep)
        const ledgerKeep = state.ledger.filter((e) => e.at >= before)
        const ledger = state.ledger.length - ledgerKeep.length
        state.ledger.splice(0, state.ledger.length, ...ledgerKeep)
        return { numbers, history, ledger }
      })
  }
}

/** A layer of a memory store over `state`. */
export const layer = (state: MemoryState = emptyState()): Layer.Layer<ResultStore.ResultStore> =>
  Layer.succeed(ResultStore.ResultStore, ResultStore.ResultStore.of(make(state)))
