/**
 * The bulk check's memory of every distinct number it has seen, and the answer for it, kept
 * compact so that a check of millions of numbers stays within a flat, small heap: a number in
 * E.164 form is a key in an open-addressing table (about 6 bytes an entry instead of
 * ~250 for a `Map` of strings to objects), and its answer a small integer code. Only answers that
 * do not follow from the number itself (a wa_id that differs from its digits) and inputs that are
 * not E.164 numbers fall back to a `Map`.
 *
 * @internal
 */
import type { Outcome, WaId } from "../CheckResult.ts"
import { missingFromAnswer, serverFailed, untrusted } from "../CheckResult.ts"
import type { Semantics } from "../ApiVersion.ts"

/** Where `AnswerTable.see` put a number: its segment, and its slot there with the segment's growth count. */
export interface Placed {
  readonly segment: Segment
  readonly place: number
}

/** The answer for one distinct number. */
export interface Answer {
  readonly outcome: Outcome
  readonly semantics: Semantics
}

const SEMANTICS: ReadonlyArray<Semantics> = ["legacy", "repurposed", "unknown"]
// A slot's mark (6 bits; 0 is an empty slot): pending, answer kept in `other`, or an answer's
// code with its semantics (`markOf`).
const PENDING = 1
const OTHER = 2
// Codes of outcomes that can be rebuilt from the number's digits alone.
const Code = {
  UserDigits: 2,
  CheckedDigits: 3,
  CheckedNone: 4,
  Invalid: 5,
  InvalidAnomaly: 6,
  FailedServer: 7,
  FailedMissing: 8,
  ProcessingDigits: 9,
  ProcessingNone: 10
} as const

/** Whether `waId` is the digits of the E.164 `key` (its `+` aside), without slicing the key. */
const isDigitsOf = (waId: string, key: string): boolean => waId.length === key.length - 1 && key.endsWith(waId)

const codeOf = (outcome: Outcome, key: string): number | undefined => {
  switch (outcome._tag) {
    case "WhatsAppUser":
      return isDigitsOf(outcome.waId, key) ? Code.UserDigits : undefined
    case "Checked":
      return outcome.waIdHint === undefined ? Code.CheckedNone : isDigitsOf(outcome.waIdHint.hint, key) ? Code.CheckedDigits : undefined
    case "NotWhatsAppUser":
      return outcome.anomaly ? Code.InvalidAnomaly : Code.Invalid
    case "Failed":
      // By identity: any other failure (its own detail) is kept whole.
      return outcome === serverFailed ? Code.FailedServer : outcome === missingFromAnswer ? Code.FailedMissing : undefined
    case "Processing":
      return outcome.waIdHint === undefined ? Code.ProcessingNone : isDigitsOf(outcome.waIdHint.hint, key) ? Code.ProcessingDigits : undefined
  }
}

const outcomeOf = (code: number, digits: string): Outcome => {
  switch (code) {
    case Code.UserDigits:
      return { _tag: "WhatsAppUser", waId: digits as WaId }
    case Code.CheckedDigits:
      return { _tag: "Checked", waIdHint: untrusted(digits) }
    case Code.CheckedNone:
      return { _tag: "Checked", waIdHint: undefined }
    case Code.Invalid:
      return { _tag: "NotWhatsAppUser", anomaly: false }
    case Code.InvalidAnomaly:
      return { _tag: "NotWhatsAppUser", anomaly: true }
    case Code.FailedServer:
      return serverFailed
    case Code.FailedMissing:
      return missingFromAnswer
    case Code.ProcessingDigits:
      return { _tag: "Processing", waIdHint: untrusted(digits) }
    default:
      return { _tag: "Processing", waIdHint: undefined }
  }
}

/**
 * The number of an E.164 key (`+` then 1–15 digits, not starting with 0), or -1 for any other
 * key. Digit strings without a leading zero and at most 15 long are exact doubles, and distinct
 * strings give distinct numbers. One pass over the characters: a check reads each key's number
 * three or four times (seen, answered, emitted), and a regular expression, a slice and `Number`
 * each time made the table 18% of the main thread's time in a run answered from the store (bench
 * figure 22); see, set and get over 1M numbers took 1.1–1.4 s with them, 0.8 s with this.
 */
const numberOf = (key: string): number => {
  const length = key.length
  if (length < 2 || length > 16 || key.charCodeAt(0) !== 43) return -1
  let k = key.charCodeAt(1) - 48
  if (k < 1 || k > 9) return -1
  for (let i = 2; i < length; i++) {
    const d = key.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    k = k * 10 + d
  }
  return k
}

/** The mark of an answer's code (`Code`, 2–10) with its semantics: 3 to 29. */
const markOf = (code: number, semantics: Semantics): number => 3 + (code - 2) * 3 + SEMANTICS.indexOf(semantics)

// A slot is one int32: the mark in bits 26–31, the low 26 bits of the number below (its higher
// bits are the segment's). 4 bytes a slot where a uint32 key and an int8 mark were 5 (about 6
// instead of 7.4 bytes a number at 1M); as fast as the two arrays (see, set and get over 1M
// numbers: 0.83–0.89 s against 0.79–0.87 s).
const LOW_BITS = 26
const LOW = 2 ** LOW_BITS
const LOW_MASK = LOW - 1
// A place is a slot's index with the segment's growth count above it. A segment's numbers share
// their high bits and the low 3 bits of the hash, which the low bits of the number decide alone
// (an odd multiplier keeps them a bijection): at most 2^23 numbers, grown at 3/4 full by half,
// so fewer than 2^24 slots.
const SLOT_SPAN = 2 ** 24

/**
 * One segment of the table: open addressing with linear probing, filled up to 3/4 and grown by
 * half (a step holds old and new arrays, a small part of the table), so 50–75% full, at 4 bytes a
 * slot. Growing by a quarter kept it 60–75% full (5.7 bytes a number at 1M, against 6.3) but
 * rehashed every number four times over a run instead of twice, and a growth between a number's
 * `see` and its answer sends `setAt` back to a probe.
 */
export class Segment {
  slots = new Int32Array(64)
  size = 0
  /** How many times it grew: a slot remembered across a growth is stale (`AnswerTable.setAt`). */
  grown = 0
  /** The bits above the low 26 that every number of this segment shares. */
  readonly high: number

  constructor(high: number) {
    this.high = high
  }

  /** The slot of `low`: where it is, or the empty slot where it would go. */
  slot(low: number, h: number): number {
    const slots = this.slots
    const capacity = slots.length
    // The high bits of hash × capacity map the hash onto the capacity (not a power of two); the
    // low bits chose the segment, so the two are independent.
    let i = Math.floor((h * capacity) / 4294967296)
    for (let s = slots[i]!; s !== 0 && (s & LOW_MASK) !== low; s = slots[i]!) i = i + 1 === capacity ? 0 : i + 1
    return i
  }

  /** The mark of `low`, 0 when absent. */
  mark(low: number, h: number): number {
    return this.slots[this.slot(low, h)]! >>> LOW_BITS
  }

  /**
   * The mark of `low` when present (at least 1); when absent, inserts it with `mark` and answers
   * minus one minus the place `insert` gave it (for `putAt`). One probe.
   */
  seeOrPut(low: number, h: number, mark: number): number {
    const i = this.slot(low, h)
    const found = this.slots[i]! >>> LOW_BITS
    if (found !== 0) return found
    return -1 - this.insert(i, low, h, mark)
  }

  put(low: number, h: number, mark: number): void {
    const i = this.slot(low, h)
    if (this.slots[i] === 0) this.insert(i, low, h, mark)
    else this.slots[i] = (mark << LOW_BITS) | low
  }

  /** Insert `low` at its empty slot `i`, growing first when full; answers its place. */
  private insert(i: number, low: number, h: number, mark: number): number {
    if ((this.size + 1) * 4 > this.slots.length * 3) {
      this.grow()
      i = this.slot(low, h)
    }
    this.slots[i] = (mark << LOW_BITS) | low
    this.size++
    return this.grown * SLOT_SPAN + i
  }

  /** Write `value` at a place `insert` answered, unless the segment has grown since (`false`). */
  putAt(place: number, value: number): boolean {
    const i = place % SLOT_SPAN
    if ((place - i) / SLOT_SPAN !== this.grown) return false
    this.slots[i] = value
    return true
  }

  private grow(): void {
    const old = this.slots
    this.grown++
    this.slots = new Int32Array(Math.ceil(old.length * 1.5))
    // Every number of a segment shares its high bits, so the hash of its low bits with them is the hash.
    const high = this.high
    for (let i = 0; i < old.length; i++) {
      const s = old[i]!
      if (s === 0) continue
      const low = s & LOW_MASK
      this.slots[this.slot(low, hash(low, high))] = s
    }
  }
}

// Multiplicative hashing of the low and high parts of the number.
const hash = (low: number, high: number): number => (Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b)) >>> 0
// A division by a power of two is exact, where `%` of a double above 2^31 is a slow call.
const highOf = (k: number): number => Math.floor(k / LOW)
const lowOf = (k: number): number => k - highOf(k) * LOW
const hashOf = (k: number): number => hash(lowOf(k), highOf(k))

// A power of two: the hash's low bits pick the segment among those of the same high bits.
const SEGMENTS = 8

/** The segment of a number: its high bits, and the hash's low bits among those. */
const segmentId = (high: number, h: number): number => high * SEGMENTS + (h & (SEGMENTS - 1))

/**
 * Distinct numbers seen by a bulk check, each pending or answered: about 5.3–8 bytes a distinct
 * number. A number of up to 15 digits is below 2^50: its high bits (above 26) and 3 bits of its
 * hash pick a segment, which keeps only the low 26 bits, with the mark, in 4 bytes (a float64 key
 * and a mark would be 9). A list's numbers spread over 8 segments per high value (a block of 67M
 * numbers), each growing on its own: a single table's growth step holds the old and new arrays at
 * once (2.25x the old table), a segment's a small part of that, so the table's peak stays near
 * its size.
 */
export class AnswerTable {
  private readonly segments = new Map<number, Segment>()
  /** Keys that are not E.164 numbers, and answers that need more than a code. */
  private readonly other = new Map<string, Answer | typeof PENDING>()

  /** Whether `key` was seen (pending or answered). */
  has(key: string): boolean {
    const k = numberOf(key)
    return k < 0 ? this.other.has(key) : this.value(k) !== 0
  }

  /**
   * `SeenNumbers` for `Translation.markDuplicate`: a new key is remembered as pending, and where
   * it went is `lastPlaced` until the next call.
   */
  readonly see = (key: string): true | undefined => {
    this.lastPlaced = undefined
    const k = numberOf(key)
    if (k < 0) {
      if (this.other.has(key)) return true
      this.other.set(key, PENDING)
      return undefined
    }
    const segment = this.segmentOf(k, true)
    const found = segment.seeOrPut(lowOf(k), hashOf(k), PENDING)
    if (found > 0) return true
    this.lastPlaced = { segment, place: -1 - found }
    return undefined
  }

  /**
   * Where the last `see` put a new E.164 number (else `undefined`): give it back to `setAt` when
   * the answer comes. The answer's slot is then written without looking the number up again: by
   * then other numbers have pushed it out of the processor's caches, and the probe waited on
   * memory (the second probe of every number was a tenth of a run answered from the store, bench
   * figure 22), where a write does not wait.
   */
  lastPlaced: Placed | undefined = undefined

  /** Remember `key` as sent and not answered yet. */
  markPending(key: string): void {
    const k = numberOf(key)
    if (k < 0) this.other.set(key, PENDING)
    else this.put(k, PENDING)
  }

  /** Record the answer for `key`. */
  set(key: string, answer: Answer): void {
    const k = numberOf(key)
    const code = k < 0 ? undefined : codeOf(answer.outcome, key)
    if (code === undefined) {
      this.other.set(key, answer)
      if (k >= 0) this.put(k, OTHER)
      return
    }
    this.put(k, markOf(code, answer.semantics))
  }

  /** `set`, where `placed` is what `lastPlaced` was after `key` was seen. */
  setAt(key: string, answer: Answer, placed: Placed | undefined): void {
    if (placed !== undefined) {
      const code = codeOf(answer.outcome, key)
      if (code !== undefined && placed.segment.putAt(placed.place, (markOf(code, answer.semantics) << LOW_BITS) | lowOf(numberOf(key)))) return
    }
    this.set(key, answer)
  }

  /** The answer for `key`, if it has one. */
  get(key: string): Answer | undefined {
    const k = numberOf(key)
    if (k >= 0) {
      const mark = this.value(k)
      if (mark === 0 || mark === PENDING) return undefined
      if (mark === OTHER) return this.other.get(key) as Answer
      return { outcome: outcomeOf(2 + Math.floor((mark - 3) / 3), key.slice(1)), semantics: SEMANTICS[(mark - 3) % 3]! }
    }
    const answer = this.other.get(key)
    return answer === PENDING ? undefined : answer
  }

  /** The segment of number `k`; with `create`, made when missing. */
  private segmentOf(k: number, create: true): Segment
  private segmentOf(k: number, create: false): Segment | undefined
  private segmentOf(k: number, create: boolean): Segment | undefined {
    const high = highOf(k)
    const id = segmentId(high, hashOf(k))
    let segment = this.segments.get(id)
    if (segment === undefined && create) {
      segment = new Segment(high)
      this.segments.set(id, segment)
    }
    return segment
  }

  private value(k: number): number {
    const segment = this.segmentOf(k, false)
    return segment === undefined ? 0 : segment.mark(lowOf(k), hashOf(k))
  }

  private put(k: number, value: number): void {
    this.segmentOf(k, true).put(lowOf(k), hashOf(k), value)
  }
}
