/**
 * What a check through the store writes: the columns of `check` plus where each answer came from
 * (`source`: checked, stored, deferred, duplicate, not_stored), what changed since the stored
 * result, when it was checked and its age; and the budget options the flags describe.
 *
 * @since 0.2.0
 */
import type { Budget, ResultStore, StoredCheck } from "@wa-contacts/core"
import { Array as Arr, Duration, Effect, Option, Stream } from "effect"
import { type Exit, usage } from "../ExitCode.ts"
import type * as Input from "../Input.ts"
import type * as Output from "../Output.ts"
import { CHECK_COLUMNS, recordOf } from "./checkRecords.ts"

const sourceColour = (row: Output.Row): Output.Colour => (row["source"] === "deferred" ? "yellow" : row["source"] === "stored" ? "dim" : undefined)

const changeColour = (row: Output.Row): Output.Colour => {
  switch (row["change"]) {
    case "newly_invalid":
    case "failed":
      return "red"
    case "newly_valid":
      return "green"
    case "wa_id_changed":
    case "semantics_changed":
      return "yellow"
    default:
      return "dim"
  }
}

/** Human age: `45 s`, `12 min`, `5 h`, `3 d`. */
export const formatAge = (ms: number): string =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : ms < 86_400_000 ? `${Math.round(ms / 3_600_000)} h` : `${Math.round(ms / 86_400_000)} d`

const detailColumn = CHECK_COLUMNS.find((c) => c.key === "detail")!

/** The columns of a record of a check through the store, in order. */
export const STORED_COLUMNS: ReadonlyArray<Output.Column> = [
  ...CHECK_COLUMNS.filter((c) => c.key !== "detail"),
  { key: "source", header: "SOURCE", colour: sourceColour },
  { key: "change", header: "CHANGE", colour: changeColour },
  { key: "previous_status", header: "WAS", table: false },
  { key: "checked_at", header: "CHECKED_AT", table: false },
  { key: "age_s", header: "AGE", show: (row) => (row["age_s"] === null ? "-" : formatAge(Number(row["age_s"]) * 1000)) },
  detailColumn
]

const iso = (millis: number | undefined): string | null => (millis === undefined ? null : new Date(millis).toISOString())

/** One record of a check through the store. `now` dates fresh checks. */
export const storedRecordOf = (result: StoredCheck.StoredCheckResult, item: Input.InputItem | undefined, now: number): Output.Row => {
  if (result._tag === "Deferred") {
    const previous = result.previous
    return {
      input: result.input,
      status: "deferred",
      wa_id: previous?.wa_id ?? null,
      wa_id_trusted: previous?.wa_id_trusted ?? false,
      translated: result.translated ?? null,
      warnings: result.warnings.map((w) => w.code),
      line: item?.line ?? null,
      source: "deferred",
      change: null,
      previous_status: previous?.status ?? null,
      checked_at: iso(previous?.checked_at),
      age_s: previous === null ? null : Math.round((now - previous.checked_at) / 1000),
      detail: `not sent: ${result.reason}; it stays due`
    }
  }
  const base = recordOf(result, item)
  const store = result.store
  switch (store._tag) {
    case "Stored":
      return { ...base, source: "stored", change: null, previous_status: null, checked_at: iso(store.checkedAt), age_s: Math.round(store.age / 1000) }
    case "Checked":
      // The time the store holds for it (what `store export` shows); now, when it was not stored.
      return { ...base, source: "checked", change: store.change ?? null, previous_status: store.previous?.status ?? null, checked_at: iso(store.checkedAt ?? now), age_s: 0 }
    case "Duplicate":
      return { ...base, source: "duplicate", change: null, previous_status: null, checked_at: null, age_s: null }
    case "NotStored":
      return { ...base, source: "not_stored", change: null, previous_status: null, checked_at: null, age_s: null }
  }
}

/** Whether a record shows a change (`--changes-only`). */
export const isChange = (row: Output.Row): boolean =>
  row["change"] !== null && row["change"] !== undefined && row["change"] !== "unchanged" && row["change"] !== "new"

/** The flags of the budget, as parsed. */
export interface BudgetInput {
  readonly budget: Option.Option<number>
  readonly noBudget: boolean
  readonly budgetWindow: Option.Option<Duration.Duration>
  readonly budgetRatio: Option.Option<number>
}

/**
 * The budget the flags describe. `byDefault`: whether the ledger rule applies without flags
 * (`revalidate`: yes; `check`: only when a budget flag is given). `--budget N` caps the run and
 * keeps the ledger rule only once messages are recorded.
 */
export const budgetOf = (input: BudgetInput, byDefault: boolean): Budget.BudgetOptions | false | Exit => {
  const cap = Option.getOrUndefined(input.budget)
  const window = Option.getOrUndefined(input.budgetWindow)
  const ratio = Option.getOrUndefined(input.budgetRatio)
  if (input.noBudget) {
    if (cap !== undefined || window !== undefined || ratio !== undefined) return usage("--no-budget cannot be combined with --budget, --budget-window or --budget-ratio")
    return false
  }
  const asked = cap !== undefined || window !== undefined || ratio !== undefined
  if (!asked && !byDefault) return false
  return {
    ledger: cap === undefined ? true : "when-recorded",
    ...(cap === undefined ? {} : { perRun: cap }),
    ...(window === undefined ? {} : { window }),
    ...(ratio === undefined ? {} : { ratio })
  }
}

/** A stored number as an export record. */
export const exportRecordOf = (n: ResultStore.StoredNumber): Output.Row => ({
  number: n.number,
  status: n.result?.status ?? "unchecked",
  outcome: n.result?.outcome ?? null,
  wa_id: n.result?.wa_id ?? null,
  wa_id_trusted: n.result?.wa_id_trusted ?? false,
  anomaly: n.result?.anomaly ?? false,
  semantics: n.result?.semantics ?? null,
  server_version: n.result?.server_version ?? null,
  detail: n.result?.detail ?? null,
  checked_at: iso(n.result?.checked_at),
  added_at: iso(n.added_at)
})

/** The columns of `store export`. */
export const EXPORT_COLUMNS: ReadonlyArray<Output.Column> = [
  { key: "number", header: "NUMBER" },
  { key: "status", header: "STATUS" },
  { key: "outcome", header: "OUTCOME", table: false },
  { key: "wa_id", header: "WA_ID" },
  { key: "wa_id_trusted", header: "TRUSTED" },
  { key: "anomaly", header: "ANOMALY", table: false },
  { key: "semantics", header: "SEMANTICS" },
  { key: "server_version", header: "VERSION" },
  { key: "detail", header: "DETAIL", table: false },
  { key: "checked_at", header: "CHECKED_AT" },
  { key: "added_at", header: "ADDED_AT", table: false }
]

/**
 * The records of results through the store (`check --store`, `revalidate`), a chunk at a time
 * with the clock read once for each: one effect per record made a chunk of each record, and the
 * output then wrote each one alone, a write and a wait per record (1M lines against a server that
 * answers at once: 140 s, ~30 s a group at a time).
 */
export const recordsOf = <X, E, R>(results: Stream.Stream<X, E, R>, record: (x: X, now: number) => Output.Row): Stream.Stream<Output.Row, E, R> =>
  Stream.mapArrayEffect(results, (xs) => Effect.map(Effect.clockWith((c) => c.currentTimeMillis), (now) => Arr.map(xs, (x) => record(x, now))))
