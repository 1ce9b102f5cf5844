// Deterministic benchmark inputs: a seeded mix of formats and countries — with and without `+`,
// spaces, dashes, parentheses, national trunk prefixes, international prefixes, and some junk.

/** mulberry32: a small, fast, seeded PRNG, so every run measures the same inputs. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const digit = (r: Rand, from = 0) => String(from + Math.floor(r() * (10 - from)))
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => digit(r)).join("")

/** Subscriber numbers per country: [calling code, national significant number]. */
const countries: ReadonlyArray<(r: Rand) => readonly [string, string]> = [
  (r) => ["1", `${digit(r, 2)}${digits(r, 2)}${digit(r, 2)}${digits(r, 6)}`], // NANP
  (r) => ["91", `${digit(r, 6)}${digits(r, 9)}`], // India mobile
  (r) => ["44", `7${digit(r, 4)}${digits(r, 8)}`], // UK mobile
  (r) => ["55", `119${digits(r, 8)}`], // Brazil, São Paulo mobile
  (r) => ["49", `15${digit(r, 1)}${digits(r, 8)}`], // Germany mobile
  (r) => ["54", `911${digits(r, 8)}`], // Argentina mobile
  (r) => ["52", `55${digits(r, 8)}`] // Mexico City
]

const group = (nsn: string) => `${nsn.slice(0, 3)} ${nsn.slice(3, 6)} ${nsn.slice(6)}`

/** One input in one of many formats. The registered country for the no-`+` forms is +1. */
export const makeInput = (r: Rand): string => {
  const kind = r()
  if (kind < 0.02) return ["n/a", "call me", "+", "12", "++--", "0000"][Math.floor(r() * 6)]!
  const [cc, nsn] = countries[Math.floor(r() * countries.length)]!(r)
  const style = r()
  if (cc === "1" && style < 0.35) {
    // National forms a US business's list is full of.
    const s = r()
    return s < 0.3 ? `${nsn.slice(0, 3)}-${nsn.slice(3, 6)}-${nsn.slice(6)}`
      : s < 0.6 ? `1${nsn}`
      : s < 0.8 ? `(${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6)}`
      : `011 44 7${digits(r, 9)}`
  }
  if (style < 0.35) return `+${cc}${nsn}`
  if (style < 0.6) return `+${cc} ${group(nsn)}`
  if (style < 0.75) return `+${cc}-${nsn.slice(0, 3)}-${nsn.slice(3, 6)}-${nsn.slice(6)}`
  if (style < 0.85) return `+${cc} (${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6)}`
  if (style < 0.93) return `00${cc}${nsn}`
  return `${cc}${nsn}`
}

/** `n` inputs from `seed`. */
export const makeInputs = (n: number, seed = 42): Array<string> => {
  const r = prng(seed)
  return Array.from({ length: n }, () => makeInput(r))
}

/** `n` distinct E.164 numbers of NANP (for server-side figures where every number is a user). */
export const makeDistinctNumbers = (n: number, seed = 7): Array<string> => {
  const r = prng(seed)
  const seen = new Set<string>()
  while (seen.size < n) seen.add(`+1${digit(r, 2)}${digits(r, 2)}${digit(r, 2)}${digits(r, 6)}`)
  return [...seen]
}
