/**
 * The bulk check's memory of every distinct number it has seen, and the answer for it, kept
 * compact so that a check of millions of numbers stays within a flat, small heap: a number in
 * E.164 form is a key in an open-addressing table (about 8 bytes an entry instead of
 * ~250 for a `Map` of strings to objects), and its answer a small integer code. Only answers that
 * do not follow from the number itself (a wa_id that differs from its digits) and inputs that are
 * not E.164 numbers fall back to a `Map`.
 *
 * @internal
 */
import type { Outcome, WaId } from "../CheckResult.ts"
import { missingFromAnswer, serverFailed, untrusted } from "../CheckResult.ts"
import type { Semantics } from "../ApiVersion.ts"

/** The answer for one distinct number. */
export interface Answer {
  readonly outcome: Outcome
  readonly semantics: Semantics
}

const SEMANTICS: ReadonlyArray<Semantics> = ["legacy", "repurposed", "unknown"]
const PENDING = 1
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

const codeOf = (outcome: Outcome, digits: string): number | undefined => {
  switch (outcome._tag) {
    case "WhatsAppUser":
      return outcome.waId === digits ? Code.UserDigits : undefined
    case "Checked":
      return outcome.waIdHint === undefined ? Code.CheckedNone : outcome.waIdHint.hint === digits ? Code.CheckedDigits : undefined
    case "NotWhatsAppUser":
      return outcome.anomaly ? Code.InvalidAnomaly : Code.Invalid
    case "Failed":
      // By identity: any other failure (its own detail) is kept whole.
      return outcome === serverFailed ? Code.FailedServer : outcome === missingFromAnswer ? Code.FailedMissing : undefined
    case "Processing":
      return outcome.waIdHint === undefined ? Code.ProcessingNone : outcome.waIdHint.hint === digits ? Code.ProcessingDigits : undefined
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

// Digit strings without a leading zero and at most 15 long (E.164's maximum) are exact doubles,
// and distinct strings give distinct numbers.
const E164 = /^\+[1-9]\d{0,14}$/

/**
 * One segment of the table: open addressing with linear probing, filled up to 3/4 and grown by a
 * quarter (a step holds old and new arrays, a small part of the table: small steps cost time, not
 * peak), so 60–75% full. 5 bytes a slot: the low 32 bits of the number (its high bits are the
 * segment's) and an int8 answer code, where 0 marks an empty slot.
 */
class Segment {
  keys = new Uint32Array(64)
  // Codes are at most 10 * 4 + 3; 0 is an empty slot, PENDING and -1 (answer in `other`) are marks.
  values = new Int8Array(64)
  size = 0
  /** The high bits (above 32) that every number of this segment shares. */
  readonly high: number

  constructor(high: number) {
    this.high = high
  }

  slot(low: number, h: number): number {
    const { keys, values } = this
    const capacity = keys.length
    // The high bits of hash × capacity map the hash onto the capacity (not a power of two); the
    // low bits chose the segment, so the two are independent.
    let i = Math.floor((h * capacity) / 4294967296)
    while (values[i] !== 0 && keys[i] !== low) i = i + 1 === capacity ? 0 : i + 1
    return i
  }

  put(low: number, h: number, value: number): void {
    let i = this.slot(low, h)
    if (this.values[i] === 0) {
      if ((this.size + 1) * 4 > this.keys.length * 3) {
        this.grow()
        i = this.slot(low, h)
      }
      this.keys[i] = low
      this.size++
    }
    this.values[i] = value
  }

  private grow(): void {
    const { keys, values } = this
    const capacity = Math.ceil(keys.length * 1.25)
    this.keys = new Uint32Array(capacity)
    this.values = new Int8Array(capacity)
    // Every key of a segment shares its high bits, so the hash of its low bits with them is the hash.
    const high = this.high
    for (let i = 0; i < keys.length; i++) {
      if (values[i] === 0) continue
      const low = keys[i]!
      const j = this.slot(low, hash(low, high))
      this.keys[j] = low
      this.values[j] = values[i]!
    }
  }
}

// Multiplicative hashing of the low and high halves of the number.
const hash = (low: number, high: number): number => (Math.imul(low | 0, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b)) >>> 0

// A power of two: the hash's low bits pick the segment among those of the same high bits.
const SEGMENTS = 64

/** The segment of a number: its high bits, and the hash's low bits among those. */
const segmentId = (high: number, h: number): number => high * SEGMENTS + (h & (SEGMENTS - 1))

/**
 * Distinct numbers seen by a bulk check, each pending or answered: about 7–9 bytes a distinct
 * number. A number of up to 15 digits is below 2^50: its high bits (above 32) and 6 bits of its
 * hash pick a segment, which keeps only the low 32 bits (4 bytes instead of a float64's 8: 7.5
 * instead of 13.6 MiB at a million numbers, bench figure 6). The numbers of one country share a
 * few high values, so a list spreads over 64 segments per high value, each growing on its own: a
 * single table's growth step holds the old and new arrays at once (2.5x the old table), a
 * segment's a small part of that, so the table's peak stays near its size.
 */
export class AnswerTable {
  private readonly segments = new Map<number, Segment>()
  /** Keys that are not E.164 numbers, and answers that need more than a code. */
  private readonly other = new Map<string, Answer | typeof PENDING>()

  /** Whether `key` was seen (pending or answered). */
  has(key: string): boolean {
    return E164.test(key) ? this.value(Number(key.slice(1))) !== 0 : this.other.has(key)
  }

  /** `SeenNumbers` for `Translation.markDuplicate`: a new key is remembered as pending. */
  readonly see = (key: string): true | undefined => {
    if (this.has(key)) return true
    this.markPending(key)
    return undefined
  }

  /** Remember `key` as sent and not answered yet. */
  markPending(key: string): void {
    if (!E164.test(key)) {
      this.other.set(key, PENDING)
      return
    }
    this.put(Number(key.slice(1)), PENDING)
  }

  /** Record the answer for `key`. */
  set(key: string, answer: Answer): void {
    const digits = key.slice(1)
    const code = E164.test(key) ? codeOf(answer.outcome, digits) : undefined
    if (code === undefined) {
      this.other.set(key, answer)
      if (E164.test(key)) this.put(Number(digits), -1)
      return
    }
    this.put(Number(digits), code * 4 + SEMANTICS.indexOf(answer.semantics))
  }

  /** The answer for `key`, if it has one. */
  get(key: string): Answer | undefined {
    if (E164.test(key)) {
      const value = this.value(Number(key.slice(1)))
      if (value === 0 || value === PENDING) return undefined
      if (value === -1) return this.other.get(key) as Answer
      return { outcome: outcomeOf(value >> 2, key.slice(1)), semantics: SEMANTICS[value & 3]! }
    }
    const answer = this.other.get(key)
    return answer === PENDING ? undefined : answer
  }

  private value(k: number): number {
    const low = k % 4294967296
    const high = (k - low) / 4294967296
    const h = hash(low, high)
    const segment = this.segments.get(segmentId(high, h))
    return segment === undefined ? 0 : segment.values[segment.slot(low, h)]!
  }

  private put(k: number, value: number): void {
    const low = k % 4294967296
    const high = (k - low) / 4294967296
    const h = hash(low, high)
    const id = segmentId(high, h)
    let segment = this.segments.get(id)
    if (segment === undefined) {
      segment = new Segment(high)
      this.segments.set(id, segment)
    }
    segment.put(low, h, value)
  }
}
