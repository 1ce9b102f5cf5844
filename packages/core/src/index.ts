/**
 * @wa-contacts/core — the contacts node of the WhatsApp Business On-Premises API as Effects:
 * wire schemas, version semantics, translation and lint, typed errors, every operation, and bulk
 * checks as streams. It does no I/O: operations require a `Transport` that an adapter provides.
 *
 * @since 0.1.0
 */
/** The port adapters provide. */
export * as Transport from "./Transport.ts"
/** Protocol facts written once: error codes and titles, the documented rate limit. */
export * as Protocol from "./Protocol.ts"
/** Typed errors (spec §5) and input errors. */
export * as Errors from "./Errors.ts"
/** Request and response bodies as `Schema`s. */
export * as Wire from "./Wire.ts"
/** Server versions and the semantics of `valid`. */
export * as Version from "./Version.ts"
/** Phone number translation and lint. */
export * as Translation from "./Translation.ts"
/** Domain results of a check. */
export * as Result from "./Result.ts"
/** Validation of arguments before sending. */
export * as Input from "./Input.ts"
/** Client settings. */
export * as Config from "./Config.ts"
/** Retry policy. */
export * as Policy from "./Policy.ts"
/** Client-side rate limit. */
export * as RateLimit from "./RateLimit.ts"
/** Building requests (pure). */
export * as Requests from "./Requests.ts"
/** Decoding responses and mapping errors. */
export * as Response from "./Response.ts"
/** Checking contacts: one batch, or a stream. */
export * as Check from "./Check.ts"
/** Block, unblock, blocklist, report, identity. */
export * as Contacts from "./Contacts.ts"
/** The Promise facade. */
export * as Client from "./Client.ts"
/** The result store port: stored results, claims, the ledger. */
export * as ResultStore from "./ResultStore.ts"
/** The store's rules: fresh vs due, stored results, changes. */
export * as StoreRules from "./StoreRules.ts"
/** The check budget: checks must not outnumber messages. */
export * as Budget from "./Budget.ts"
/** Checks through the result store, and re-validation of what is due. */
export * as StoredCheck from "./StoredCheck.ts"
/** Looking after a result store: messages, import, stats, export, prune. */
export * as StoreAdmin from "./StoreAdmin.ts"
/** The Promise facade of checks through a result store. */
export * as StoreClient from "./StoreClient.ts"
