// The harness: figures are ratios against an anchor measured in the same run, on the same inputs,
// interleaved (anchor, subject, anchor, subject…) so that a noisy neighbour hurts both alike.

/** One row of the results table. */
export interface Figure {
  readonly id: number
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly anchor: number
  readonly anchorName: string
  readonly ratio: number
  readonly goal: string
  readonly met: boolean
  readonly notes?: string
}

/** Benchmark size settings. */
export interface Size {
  readonly quick: boolean
}

/** Median of a non-empty list. */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * Time a synchronous pass over `n` items and return items per second of this process's CPU time
 * (user + system, GC threads included). On a machine shared with other work, wall time mostly
 * measures the neighbours: a pass preempted for 100 ms is 100 ms slower on the wall clock and not
 * at all in CPU time. Both sides of a ratio are measured the same way.
 */
export const rate = (n: number, pass: () => void): number => {
  const t0 = process.cpuUsage()
  pass()
  const used = process.cpuUsage(t0)
  return n / ((used.user + used.system) / 1e6)
}

/** Run anchor and subject interleaved `rounds` times; medians of both rates. */
export const interleaved = (
  rounds: number,
  n: number,
  anchor: () => void,
  subject: () => void
): { anchor: number; subject: number } => {
  // One untimed warm-up of each, so the JIT has seen both before the clock runs.
  anchor()
  subject()
  const a: Array<number> = []
  const s: Array<number> = []
  for (let i = 0; i < rounds; i++) {
    a.push(rate(n, anchor))
    s.push(rate(n, subject))
  }
  return { anchor: median(a), subject: median(s) }
}

/** Format a number for the table. */
export const fmt = (x: number): string =>
  !Number.isFinite(x) ? String(x) : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString("en-US") : x.toFixed(x < 10 ? 2 : 1)
