/**
 * How a simulator is set up: a plain object, so that a CLI can build it from flags and a users
 * file, and tests can spell out exactly the server they need.
 *
 * @since 0.1.0
 */
import { RateLimit as CoreRateLimit } from "@wa-contacts/core"
import { Result, Schema } from "effect"
import { UsersFile, usersOf } from "./internal/ControlSchema.ts"
import type { ScenarioName } from "./internal/Scenarios.ts"

/** One WhatsApp user of the simulated directory. `waId` defaults to the digits of `number`. */
export interface DirectoryUser {
  /** The user's phone number, with `+` and country code (any formatting). */
  readonly number: string
  /** The user's WhatsApp id; differs from the digits for some Brazilian and Mexican numbers. */
  readonly waId?: string | undefined
}

/** An account that can log in with `POST /v1/users/login`. */
export interface Account {
  readonly username: string
  readonly password: string
  /** The factory account must set a new password on its first login. */
  readonly mustChangePassword?: boolean | undefined
}

/** A token bucket: `rps` tokens per second, at most `burst` at once. */
export interface RateLimit {
  readonly rps: number
  readonly burst: number
}

/** Everything a simulator can be configured with; every field has a default. */
export interface SimulatorConfig {
  /**
   * `meta.version` of every response: `major.minor[.patch]`, read by core's rule (`< 2.43`
   * answers with legacy semantics); `legacy` / `repurposed` / `unknown` stand for 2.41.3 / 2.45.1 /
   * 2.45.1. Anything
   * else is refused. Default `2.41.3`.
   */
  readonly version?: string | undefined
  /** The number the business is registered with; inputs without `+` are read in its country. Default `+16315550000`. */
  readonly registered?: string | undefined
  /** The WhatsApp users. Default: {@link defaultDirectory}. */
  readonly users?: ReadonlyArray<DirectoryUser> | undefined
  /** Every possible number is a WhatsApp user (wa_id = its digits): for load tests. */
  readonly allUsers?: boolean | undefined
  /** How long a contact lookup takes, in milliseconds. Default 500. */
  readonly lookupLatencyMs?: number | undefined
  /** Accounts for login. Default: `admin` / `secret`, which must change its password first. */
  readonly accounts?: ReadonlyArray<Account> | undefined
  /** Bearer tokens that are always accepted (they never expire). */
  readonly tokens?: ReadonlyArray<string> | undefined
  /** Rate limit of `/v1/contacts…`; `false` turns it off. Default: on over HTTP, off in-process. */
  readonly rateLimit?: RateLimit | false | undefined
  /** Seed of the PRNG behind `lookup_failure_rate`, so that runs are reproducible. Default 1. */
  readonly seed?: number | undefined
  /** Serve the `/_simulator` control surface over HTTP. Default true. */
  readonly control?: boolean | undefined
  /** How many requests the journal keeps (the oldest are dropped first, and counted). Default 10,000. */
  readonly journalSize?: number | undefined
  /** A named scenario applied at start and on every reset (see `Simulator.scenarios`). */
  readonly scenario?: ScenarioName | undefined
  /** Largest accepted request body in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
  /** HTTP only: interface to listen on. Default `127.0.0.1`. */
  readonly host?: string | undefined
  /** HTTP only: port; 0 picks a free one (read the bound one from the server). Default 0. */
  readonly port?: number | undefined
  /** HTTP only: serve HTTPS with this PEM certificate (and `tlsKey`). */
  readonly tlsCert?: string | undefined
  /** HTTP only: the PEM private key of `tlsCert`. */
  readonly tlsKey?: string | undefined
}

/** The users the simulator knows out of the box (wa_id = digits). */
export const defaultDirectory: ReadonlyArray<DirectoryUser> = [
  { number: "+16315551000" },
  { number: "+16315551001" },
  { number: "+16315551004" },
  { number: "+16315551005" },
  { number: "+15162837151" },
  { number: "+5491156121008" }
]

/** The factory account of an On-Premises server. */
export const defaultAccounts: ReadonlyArray<Account> = [
  { username: "admin", password: "secret", mustChangePassword: true }
]

/** The rate limit the vendor documents for non-message endpoints (core's, written once). */
export const defaultRateLimit: RateLimit = { rps: CoreRateLimit.DOCUMENTED.requestsPerSecond, burst: CoreRateLimit.DOCUMENTED.burst }

/** How long a lookup takes unless configured: the one default, for code, `--mock` and `mock serve`. */
export const defaultLookupLatencyMs = 500

/** How many requests the journal keeps unless configured. */
export const defaultJournalSize = 10_000

/** Where the simulator runs: over HTTP the documented rate limit is on by default. */
export type Mode = "in-process" | "http"

/** A configuration with every default filled in. */
export interface ResolvedConfig {
  readonly version: string
  readonly registered: string
  readonly users: ReadonlyArray<DirectoryUser>
  readonly allUsers: boolean
  readonly lookupLatencyMs: number
  readonly accounts: ReadonlyArray<Account>
  readonly tokens: ReadonlyArray<string>
  readonly rateLimit: RateLimit | false
  readonly seed: number
  readonly journalSize: number
  readonly scenario: ScenarioName | undefined
  readonly control: boolean
  readonly maxBodyBytes: number
  readonly host: string
  readonly port: number
  readonly tlsCert: string | undefined
  readonly tlsKey: string | undefined
}

/** Fill in the defaults of a configuration for the given mode. */
export const resolve = (config: SimulatorConfig, mode: Mode): ResolvedConfig => ({
  version: config.version ?? "2.41.3",
  registered: config.registered ?? "+16315550000",
  users: config.users ?? defaultDirectory,
  allUsers: config.allUsers ?? false,
  lookupLatencyMs: config.lookupLatencyMs ?? defaultLookupLatencyMs,
  accounts: config.accounts ?? defaultAccounts,
  tokens: config.tokens ?? [],
  rateLimit: config.rateLimit ?? (mode === "http" ? defaultRateLimit : false),
  seed: config.seed ?? 1,
  journalSize: config.journalSize ?? defaultJournalSize,
  scenario: config.scenario,
  control: config.control ?? true,
  maxBodyBytes: config.maxBodyBytes ?? 1024 * 1024,
  host: config.host ?? "127.0.0.1",
  port: config.port ?? 0,
  tlsCert: config.tlsCert,
  tlsKey: config.tlsKey
})

/**
 * Read a users file: a JSON array of `{"number", "wa_id"?}` (or of plain number strings), or the
 * same under a `users` key, exactly as `POST /_simulator/users` takes it (one schema for both);
 * the users, or what is wrong with the file.
 */
export const parseUsersFile = (text: string): Result.Result<ReadonlyArray<DirectoryUser>, string> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return Result.fail(`not JSON: ${(error as Error).message}`)
  }
  return Result.mapBoth(Schema.decodeUnknownResult(UsersFile)(json, { onExcessProperty: "error" }), {
    onSuccess: usersOf,
    onFailure: (error) => `expected an array of users ("+1…" or {"number", "wa_id"?}) or {"users": [...]}: ${error.message}`
  })
}
