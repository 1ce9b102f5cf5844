// `pnpm bench [--quick] [--only 1,2]`: every figure of the table, each a ratio against an anchor
// measured in the same run; prints a table and writes bench/results/latest.json. No thresholds
// fail the run: `met` records whether a goal was reached.
import { cpus } from "node:os"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { type Figure, fmt } from "./src/harness.ts"
import { bulkFigures } from "./src/figures/bulk.ts"
import { startupFigure } from "./src/figures/cli.ts"
import { memoryFigures } from "./src/figures/memory.ts"
import { ceilingFigures } from "./src/figures/ceiling.ts"
import { independentRateLimitFigure, pollingFigure, rateLimitFigure } from "./src/figures/pacing.ts"
import { storeFigures } from "./src/figures/store.ts"
import { translationFigures } from "./src/figures/translation.ts"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const onlyArg = args[args.indexOf("--only") + 1]
const only = args.includes("--only") && onlyArg !== undefined ? new Set(onlyArg.split(",").map(Number)) : undefined
const size = { quick }

type Group = { readonly ids: ReadonlyArray<number>; readonly run: () => Array<Figure> | Promise<Array<Figure>> }
const groups: Array<Group> = [
  { ids: [1, 2], run: () => translationFigures(size) },
  { ids: [3, 4], run: () => bulkFigures(size) },
  { ids: [5], run: async () => [await rateLimitFigure(size)] },
  { ids: [6, 12, 13, 14, 15, 16, 17, 18], run: () => memoryFigures(size, (id) => only === undefined || only.has(id)) },
  { ids: [7], run: () => [startupFigure()] },
  { ids: [8], run: async () => [await pollingFigure(size)] },
  { ids: [9], run: async () => [await independentRateLimitFigure(size)] },
  { ids: [10, 11], run: () => ceilingFigures(size) },
  { ids: [21, 22, 23, 24, 25], run: () => storeFigures(size) }
]

const figures: Array<Figure> = []
for (const group of groups) {
  if (only !== undefined && !group.ids.some((id) => only.has(id))) continue
  process.stderr.write(`figures ${group.ids.join(", ")}…\n`)
  figures.push(...(await group.run()).filter((f) => only === undefined || only.has(f.id)))
}
figures.sort((a, b) => a.id - b.id)

const rows = [
  ["#", "figure", "value", "unit", "anchor", "anchor is", "ratio", "goal", "met"],
  ...figures.map((f) => [
    String(f.id), f.name, fmt(f.value), f.unit, fmt(f.anchor), f.anchorName, f.ratio.toFixed(2), f.goal, f.met ? "yes" : "NO"
  ])
]
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j]!)).join("  ").trimEnd())
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "))
}
for (const f of figures) if (f.notes !== undefined) console.log(`  #${f.id}: ${f.notes}`)

const out = join(import.meta.dirname, "results")
mkdirSync(out, { recursive: true })
const result = {
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  date: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  figures: figures.map((f) => ({
    id: f.id, name: f.name, value: f.value, unit: f.unit, anchor: f.anchor, anchor_name: f.anchorName,
    ratio: f.ratio, goal: f.goal, met: f.met, ...(f.notes === undefined ? {} : { notes: f.notes })
  }))
}
writeFileSync(join(out, "latest.json"), JSON.stringify(result, null, 2) + "\n")
console.log(`\nwrote bench/results/latest.json (${quick ? "quick" : "full"} mode, ${figures.length} figures)`)
