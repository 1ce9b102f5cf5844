/**
 * A small deterministic PRNG (mulberry32) behind `lookup_failure_rate`: the same seed gives the
 * same failures, so a failing run can be replayed.
 *
 * @internal
 */
export const prng = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
