/**
 * All of a simulator's mutable state, behind methods that say what they do. Every method is
 * synchronous, and the handler calls them only between two suspension points, so concurrent
 * requests (fibers on one JS thread) never see a half-applied change: no locks, no `Ref` round
 * trips on the hot path. Nothing outside this class can break that rule: its fields are private.
 *
 * @internal
 */
import { Result } from "effect"
import { type Faults, type FaultsPatch, applyPatch } from "../Faults.ts"
import type { DirectoryUser, RateLimit, ResolvedConfig } from "../SimulatorConfig.ts"
import { Accounts } from "./Auth.ts"
import { Directory } from "./Directory.ts"
import { Engagement } from "./Engagement.ts"
import { Journal } from "./Journal.ts"
import { LookupCache, type Outcome } from "./Lookups.ts"
import { prng } from "./Prng.ts"
import { callingCodeOf, translate } from "./ServerTranslation.ts"
import { TokenBucket, type Verdict } from "./TokenBucket.ts"
import { servedVersion } from "./Versions.ts"

/** Counts returned by `state` (and `GET /_simulator/state`). */
export interface SimulatorStats {
  /** The version the server reports now (`meta.version`). */
  readonly version: string
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
  /** Distinct numbers (as translated) received in check requests. */
  readonly numbersChecked: number
  /** Receptions of a number already received before (re-sends, retries, repeats): 0 means no number was sent twice. */
  readonly numbersReceivedAgain: number
  /** Requests per route, e.g. `"POST /v1/contacts"`, `"POST /v1/contacts/{phone}/block"`. */
  readonly requestsByRoute: Readonly<Record<string, number>>
  /** Responses per HTTP status (`"dropped"` for connections a fault dropped, `"abandoned"` for clients gone before the answer). */
  readonly responsesByStatus: Readonly<Record<string, number>>
  /** API requests received and not answered yet (a `blocking: wait` check, a slow answer). */
  readonly inFlight: number
  /** Simulator time (Clock plus the offset of `advanceClock`), ms since the epoch. */
  readonly now: number
}

/** A control operation that cannot be done, returned as a value: 400 for bad input, 404 for an unknown id. */
export interface ControlFailure {
  readonly _tag: "ControlFailure"
  readonly status: 400 | 404
  readonly message: string
}

/** Build a {@link ControlFailure}. */
export const controlFailure = (status: 400 | 404, message: string): ControlFailure => ({ _tag: "ControlFailure", status, message })

/** A fault that answers instead of the route (`Slow` only delays it). */
export type TakenFault =
  | { readonly _tag: "Dropped" }
  | { readonly _tag: "Overloaded" }
  | { readonly _tag: "Malformed"; readonly kind: MalformedKind }
  | { readonly _tag: "Slow"; readonly ms: number }

/** The kinds of malformed answers, served in turn. */
export const malformedKinds = ["HtmlPage", "TruncatedJson", "Empty502"] as const
export type MalformedKind = typeof malformedKinds[number]

/** A version switch that happens after some more check requests (the `upgrade-to-2.43` scenario). */
export interface PendingVersion {
  readonly version: string
  readonly afterChecks: number
}

/** The mutable state of one simulator. */
export class State {
  readonly config: ResolvedConfig
  readonly directory: Directory
  readonly lookups = new LookupCache()
  readonly engagement = new Engagement()
  readonly accounts: Accounts
  readonly journal: Journal
  readonly #callingCode: string
  readonly #random: () => number
  #version: string
  #legacy: boolean
  #pendingVersion: PendingVersion | undefined
  #faults: Faults
  #bucket: TokenBucket | undefined
  #malformedIndex = 0
  #contactsChecked = 0
  #lookupsStarted = 0
  readonly #requests = new Map<string, number>()
  readonly #responses = new Map<string, number>()
  // Per translated number: times received in check requests, and how many of those came after
  // the server had answered `processing` for it (a `no_wait` client re-sending it).
  readonly #received = new Map<string, number>()
  readonly #resentAfterProcessing = new Map<string, number>()
  readonly #answeredProcessing = new Set<string>()
  #receptions = 0
  #inFlight = 0

  private constructor(config: ResolvedConfig, served: { readonly version: string; readonly legacy: boolean }, callingCode: string, now: number) {
    this.config = config
    this.#callingCode = callingCode
    this.#version = served.version
    this.#legacy = served.legacy
    this.directory = new Directory({ allUsers: config.allUsers, createdAt: now })
    this.accounts = new Accounts(config.accounts, config.tokens)
    this.journal = new Journal(config.journalSize)
    this.#random = prng(config.seed)
    this.#faults = {
      rateLimit: config.rateLimit,
      overloadedNext: 0,
      malformedNext: 0,
      droppedNext: 0,
      slowNext: 0,
      slowMs: 1000,
      lookupFailureRate: 0,
      lookupLatencyMs: config.lookupLatencyMs
    }
    this.#bucket = config.rateLimit === false ? undefined : new TokenBucket(config.rateLimit, now)
  }

  /**
   * A state of this configuration at `now`, or why it cannot be: a version that is not one, a
   * registered number without a country code, users that are not possible numbers.
   */
  static make(config: ResolvedConfig, now: number): Result.Result<State, string> {
    const served = servedVersion(config.version)
    if (served === undefined) {
      return Result.fail(`version ${JSON.stringify(config.version)} is not a server version (major.minor[.patch], e.g. 2.41.3; or legacy / repurposed / unknown)`)
    }
    const callingCode = callingCodeOf(config.registered)
    if (callingCode === undefined) return Result.fail(`registered number ${config.registered} has no known country calling code`)
    const state = new State(config, served, callingCode, now)
    const added = state.addUsers(config.users)
    return Result.isFailure(added) ? Result.fail(`directory: ${added.failure.message}`) : Result.succeed(state)
  }

  /** `meta.version` of every response now. */
  get version(): string {
    return this.#version
  }

  /** Whether checks answer with the legacy semantics (`< 2.43`). */
  get legacy(): boolean {
    return this.#legacy
  }

  /** The registered country's calling code, which inputs without `+` are read in. */
  get callingCode(): string {
    return this.#callingCode
  }

  /** Switch the server's version now (an upgrade in the middle of a run). */
  switchVersion(version: string): Result.Result<string, ControlFailure> {
    const served = servedVersion(version)
    if (served === undefined) return Result.fail(controlFailure(400, `not a server version: ${JSON.stringify(version)}`))
    this.#version = served.version
    this.#legacy = served.legacy
    this.#pendingVersion = undefined
    return Result.succeed(served.version)
  }

  /** Switch to `version` once `afterChecks` more check requests have been answered. */
  scheduleVersion(version: string, afterChecks: number): Result.Result<string, ControlFailure> {
    if (servedVersion(version) === undefined) return Result.fail(controlFailure(400, `not a server version: ${JSON.stringify(version)}`))
    if (afterChecks <= 0) return this.switchVersion(version)
    this.#pendingVersion = { version, afterChecks }
    return Result.succeed(this.#version)
  }

  /** Add users, all or nothing (a typo in a users list must not half-apply). */
  addUsers(users: ReadonlyArray<DirectoryUser>): Result.Result<number, ControlFailure> {
    const translated = users.map((user) => ({ user, ...translate(user.number, this.#callingCode) }))
    const rejected = translated.filter((t) => t.number === undefined || !t.possible).map((t) => t.user.number)
    if (rejected.length > 0) return Result.fail(controlFailure(400, `not possible numbers: ${rejected.join(", ")}`))
    for (const t of translated) this.directory.add(t.number!, t.user.waId)
    return Result.succeed(users.length)
  }

  /** The number an input or `{phone}` stands for on this server, `undefined` when it is not possible. */
  translate(raw: string): string | undefined {
    const { number, possible } = translate(raw, this.#callingCode)
    return number !== undefined && possible ? number : undefined
  }

  /**
   * The wa_id a `{phone}` path segment or control input designates: a known wa_id as is,
   * else the translated number's user (or its digits), `undefined` when it is not a possible
   * number with a country code.
   */
  resolveContact(raw: string): string | undefined {
    if (/^\d+$/.test(raw) && this.directory.hasWaId(raw)) return raw
    const number = this.translate(raw)
    return number === undefined ? undefined : this.directory.waIdOf(number) ?? number.slice(1)
  }

  /** Record a message from `from` (a number or wa_id) at `now`; its id. */
  recordInbound(from: string, now: number, messageId?: string): Result.Result<string, ControlFailure> {
    const waId = this.resolveContact(from)
    if (waId === undefined) return Result.fail(controlFailure(400, `not a possible number: ${from}`))
    return Result.succeed(this.engagement.recordInbound(waId, now, messageId))
  }

  /** Give a user a new identity hash. */
  changeIdentity(waId: string, now: number): Result.Result<string, ControlFailure> {
    const identity = this.directory.changeIdentity(waId, now)
    return identity === undefined ? Result.fail(controlFailure(404, `unknown wa_id: ${waId}`)) : Result.succeed(identity.hash)
  }

  /** The fault switches in effect. */
  get faults(): Faults {
    return this.#faults
  }

  /** Change fault switches, keeping the rate limiter in step; the switches in effect. */
  setFaults(patch: FaultsPatch, now: number): Faults {
    this.#faults = applyPatch(this.#faults, patch)
    this.#syncRateLimit(this.#faults.rateLimit, now)
    return this.#faults
  }

  #syncRateLimit(limit: RateLimit | false, now: number): void {
    if (limit === false) this.#bucket = undefined
    else if (this.#bucket === undefined || this.#bucket.limit.rps !== limit.rps || this.#bucket.limit.burst !== limit.burst) {
      this.#bucket = new TokenBucket(limit, now)
    }
  }

  /** The fault that answers this `/v1` request, consuming one unit of its counter. */
  takeFault(): TakenFault | undefined {
    const f = this.#faults
    if (f.droppedNext > 0) {
      this.#faults = { ...f, droppedNext: f.droppedNext - 1 }
      return { _tag: "Dropped" }
    }
    if (f.overloadedNext > 0) {
      this.#faults = { ...f, overloadedNext: f.overloadedNext - 1 }
      return { _tag: "Overloaded" }
    }
    if (f.malformedNext > 0) {
      this.#faults = { ...f, malformedNext: f.malformedNext - 1 }
      const kind = malformedKinds[this.#malformedIndex++ % malformedKinds.length]!
      return { _tag: "Malformed", kind }
    }
    if (f.slowNext > 0) {
      this.#faults = { ...f, slowNext: f.slowNext - 1 }
      return { _tag: "Slow", ms: f.slowMs }
    }
    return undefined
  }

  /** Take a token of the rate limit for a request at `now` (always allowed with no limit). */
  admit(now: number): Verdict {
    return this.#bucket === undefined ? { _tag: "Allowed" } : this.#bucket.take(now)
  }

  /**
   * Note that a check request received these translated numbers: the per-number counts. Returns
   * the re-sends: numbers whose last answer was `processing`.
   */
  receiveCheck(inputs: number, numbers: ReadonlyArray<string>): ReadonlyArray<string> {
    this.#contactsChecked += inputs
    const resent: Array<string> = []
    this.#receptions += numbers.length
    for (const number of numbers) {
      this.#received.set(number, (this.#received.get(number) ?? 0) + 1)
      if (this.#answeredProcessing.has(number)) {
        this.#resentAfterProcessing.set(number, (this.#resentAfterProcessing.get(number) ?? 0) + 1)
        resent.push(number)
      }
    }
    return resent
  }

  /** Note the status a check answered for a number: a later reception after `processing` is a re-send. */
  answered(number: string, status: string): void {
    if (status === "processing") this.#answeredProcessing.add(number)
    else this.#answeredProcessing.delete(number)
  }

  /** Start a lookup of `number`: decide its outcome (the directory as it is now, and the failure rate). */
  startLookup(number: string): Outcome {
    this.#lookupsStarted++
    const rate = this.#faults.lookupFailureRate
    if (rate > 0 && this.#random() < rate) return { _tag: "Failed" }
    const waId = this.directory.waIdOf(number)
    return waId === undefined ? { _tag: "NotUser" } : { _tag: "User", waId }
  }

  /** How often a number (as this server translates it) was received in check requests. */
  receptions(raw: string): { readonly number: string; readonly received: number; readonly resentAfterProcessing: number } | undefined {
    const number = this.translate(raw)
    if (number === undefined) return undefined
    return { number, received: this.#received.get(number) ?? 0, resentAfterProcessing: this.#resentAfterProcessing.get(number) ?? 0 }
  }

  /** A request arrived; the returned function says it was answered (or abandoned). */
  requestArrived(): () => void {
    this.#inFlight++
    let done = false
    return () => {
      if (!done) this.#inFlight--
      done = true
    }
  }

  /** Count one answered `/v1` request, apply a pending version switch, and sweep the cache now and then. */
  countRequest(route: string, status: string, now: number): void {
    const n = (this.#requests.get(route) ?? 0) + 1
    this.#requests.set(route, n)
    this.#responses.set(status, (this.#responses.get(status) ?? 0) + 1)
    if (route === "POST /v1/contacts" && this.#pendingVersion !== undefined) {
      const remaining = this.#pendingVersion.afterChecks - 1
      if (remaining > 0) this.#pendingVersion = { ...this.#pendingVersion, afterChecks: remaining }
      else this.switchVersion(this.#pendingVersion.version)
    }
    if (n % 4096 === 0) this.lookups.sweep(now)
  }

  /** The counts at `now`. */
  stats(now: number): SimulatorStats {
    return {
      version: this.#version,
      users: this.directory.size,
      cachedResults: this.lookups.cachedCount(now),
      blocklist: this.engagement.blockedCount,
      reports: this.engagement.reports.length,
      inboundMessages: this.engagement.inboundCount,
      contactsChecked: this.#contactsChecked,
      lookupsStarted: this.#lookupsStarted,
      numbersChecked: this.#received.size,
      numbersReceivedAgain: this.#receptions - this.#received.size,
      requestsByRoute: Object.fromEntries(this.#requests),
      responsesByStatus: Object.fromEntries(this.#responses),
      inFlight: this.#inFlight,
      now
    }
  }
}
