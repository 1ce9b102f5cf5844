/**
 * All of a simulator's mutable state in one place. It is touched only by synchronous code
 * between two suspension points, so concurrent requests (fibers on one JS thread) never see a
 * half-applied change: no locks needed, and no `Ref` round trips on the hot path.
 *
 * @since 0.1.0
 */
import { Accounts } from "./Auth.ts"
import { Directory } from "./Directory.ts"
import { Engagement } from "./Engagement.ts"
import { type Faults, malformedKinds, type MalformedKind, prng } from "./Faults.ts"
import { isLegacyVersion, LookupCache } from "./Lookups.ts"
import { TokenBucket } from "./RateLimiter.ts"
import type { DirectoryUser, ResolvedConfig } from "./SimulatorConfig.ts"
import { callingCodeOf, translate } from "./Translation.ts"

/** Counts returned by `state` (and `GET /_simulator/state`). */
export interface SimulatorStats {
  /** Users added to the directory (an "every number" directory counts only those). */
  readonly users: number
  /** Finished lookups still answered from the 7-day cache. */
  readonly cachedResults: number
  readonly blocklist: number
  readonly reports: number
  readonly inboundMessages: number
  /** Inputs received by `POST /v1/contacts` (the number the usage policy compares with messages sent). */
  readonly contactsChecked: number
  /** Lookups started: inputs that were not answered from the cache or a running lookup. */
  readonly lookupsStarted: number
  /** Requests per route, e.g. `"POST /v1/contacts"`, `"POST /v1/contacts/{phone}/block"`. */
  readonly requestsByRoute: Readonly<Record<string, number>>
  /** Responses per HTTP status (`"dropped"` for dropped connections). */
  readonly responsesByStatus: Readonly<Record<string, number>>
  /** Simulator time (Clock plus the offset of `advanceClock`), ms since the epoch. */
  readonly now: number
}

/** The mutable state of one simulator. */
export class Store {
  readonly config: ResolvedConfig
  readonly callingCode: string
  readonly legacy: boolean
  readonly directory: Directory
  readonly lookups = new LookupCache()
  readonly engagement = new Engagement()
  readonly accounts: Accounts
  readonly random: () => number
  faults: Faults
  bucket: TokenBucket | undefined
  /** Added to `Clock` time: how far `advanceClock` moved the simulator's time. */
  offsetMs = 0
  /** Wakers of requests sleeping until some simulator time (see `advance`). */
  readonly sleepers = new Set<() => void>()
  malformedIndex = 0
  contactsChecked = 0
  lookupsStarted = 0
  readonly requests = new Map<string, number>()
  readonly responses = new Map<string, number>()

  constructor(config: ResolvedConfig, now: number) {
    this.config = config
    this.callingCode = callingCodeOf(config.registered)
    this.legacy = isLegacyVersion(config.version)
    this.directory = new Directory({ allUsers: config.allUsers, createdAt: now })
    this.accounts = new Accounts(config.accounts, config.tokens)
    this.random = prng(config.seed)
    this.faults = {
      rateLimit: config.rateLimit,
      overloadedNext: 0,
      malformedNext: 0,
      droppedNext: 0,
      slowNext: 0,
      slowMs: 1000,
      lookupFailureRate: 0,
      lookupLatencyMs: config.lookupLatencyMs
    }
    this.bucket = config.rateLimit === false ? undefined : new TokenBucket(config.rateLimit, now)
    const rejected = this.addUsers(config.users)
    if (rejected.length > 0) throw new Error(`directory: not possible numbers: ${rejected.join(", ")}`)
  }

  /**
   * Add users, all or nothing (a typo in a users list must not half-apply); returns the numbers
   * that are not possible, in which case nothing was added.
   */
  addUsers(users: ReadonlyArray<DirectoryUser>): ReadonlyArray<string> {
    const translated = users.map((user) => ({ user, ...translate(user.number, this.callingCode) }))
    const rejected = translated.filter((t) => t.number === undefined || !t.possible).map((t) => t.user.number)
    if (rejected.length === 0) for (const t of translated) this.directory.add(t.number!, t.user.waId)
    return rejected
  }

  /**
   * The wa_id a `{phone}` path segment or control input designates: a known wa_id as is,
   * else the translated number's user (or its digits), `undefined` when it is not a possible
   * number with a country code.
   */
  resolveContact(raw: string): string | undefined {
    if (/^\d+$/.test(raw) && this.directory.hasWaId(raw)) return raw
    const { number, possible } = translate(raw, this.callingCode)
    if (number === undefined || !possible) return undefined
    return this.directory.waIdOf(number) ?? number.slice(1)
  }

  /**
   * Move the simulator's time forward and wake sleeping requests, so that they see the new time
   * at once instead of after their Clock sleep (over HTTP that sleep is real).
   */
  advance(ms: number): void {
    this.offsetMs += Math.max(0, ms)
    for (const wake of [...this.sleepers]) wake()
  }

  /** Keep the bucket in step with the `rateLimit` switch. */
  setRateLimit(now: number): void {
    const limit = this.faults.rateLimit
    if (limit === false) this.bucket = undefined
    else if (this.bucket === undefined || this.bucket.limit.rps !== limit.rps || this.bucket.limit.burst !== limit.burst) {
      this.bucket = new TokenBucket(limit, now)
    }
  }

  /** The next malformed-body kind, in turn. */
  nextMalformed(): MalformedKind {
    const kind = malformedKinds[this.malformedIndex % malformedKinds.length]!
    this.malformedIndex++
    return kind
  }

  /** Count one request to `route` and its response status. */
  count(route: string, status: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1)
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1)
  }

  /** The counts at `now`. */
  stats(now: number): SimulatorStats {
    return {
      users: this.directory.size,
      cachedResults: this.lookups.cachedCount(now),
      blocklist: this.engagement.blockedCount,
      reports: this.engagement.reports.length,
      inboundMessages: this.engagement.inboundCount,
      contactsChecked: this.contactsChecked,
      lookupsStarted: this.lookupsStarted,
      requestsByRoute: Object.fromEntries(this.requests),
      responsesByStatus: Object.fromEntries(this.responses),
      now
    }
  }
}
