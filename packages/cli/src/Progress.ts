/**
 * A one-line progress bar on stderr for large checks: shown only when stderr is a terminal (never
 * in pipes, files or CI logs), redrawn at most ten times a second, erased when the run ends.
 *
 * @since 0.1.0
 */

/** What the bar shows. */
export interface ProgressState {
  readonly done: number
  readonly byStatus: Readonly<Record<string, number>>
  /** Fraction of the input read (0..1), when the input's size is known. */
  readonly fraction: number | undefined
}

/** A progress display. */
export interface Progress {
  readonly update: (state: ProgressState) => void
  /** Erase the bar. */
  readonly done: () => void
}

/** A display that shows nothing. */
export const silent: Progress = { update: () => {}, done: () => {} }

const BAR = 24

/** Every count the CLI prints is grouped the same way (25,000), in the bar and in the summary. */
export const count = (n: number): string => n.toLocaleString("en-US")

const rate = (done: number, elapsedMs: number): string =>
  elapsedMs < 500 ? "" : ` · ${count(Math.round(done / (elapsedMs / 1000)))}/s`

/** Render one line of progress (exported for tests). */
export const render = (state: ProgressState, elapsedMs: number): string => {
  const counts = ["valid", "invalid", "failed", "processing"]
    .map((s) => `${count(state.byStatus[s] ?? 0)} ${s}`)
    .join(", ")
  const head = state.fraction === undefined
    ? ""
    : `[${"#".repeat(Math.round(state.fraction * BAR)).padEnd(BAR, ".")}] ${Math.floor(state.fraction * 100)}% `
  return `${head}${count(state.done)} checked (${counts})${rate(state.done, elapsedMs)}`
}

/** A progress bar on `stream` (stderr), redrawn at most every 100 ms. */
export const bar = (stream: NodeJS.WriteStream = process.stderr): Progress => {
  const start = Date.now()
  let last = 0
  let shown = false
  return {
    update: (state) => {
      const now = Date.now()
      if (now - last < 100) return
      last = now
      const width = Math.max(20, (stream.columns ?? 80) - 1)
      stream.write(`\r${render(state, now - start).slice(0, width)}\u001b[K`)
      shown = true
    },
    done: () => {
      if (shown) stream.write("\r\u001b[K")
      shown = false
    }
  }
}
