/**
 * Client settings every operation reads, with defaults, as a `Context.Reference`: provide it to
 * change them (`Effect.provideService(ContactsConfig, {...})`).
 *
 * @since 0.1.0
 */
import { Context } from "effect"
import type { RetryOptions } from "./Policy.ts"
import type { Semantics } from "./ApiVersion.ts"

/** Settings shared by every operation. */
export interface ContactsConfigShape {
  /**
   * The server's API version (`2.41.3`, `v2.45.1`) or the semantics to apply. Wins over what the
   * server reports in `meta.version`; leave unset to trust the server.
   */
  readonly apiVersion?: string | Semantics | undefined
  /** The number the server is registered with, for local translation and lint. */
  readonly registeredNumber?: string | undefined
  /** Retries of transient failures. */
  readonly retry?: RetryOptions | undefined
}

/** The client settings in force (empty by default: trust the server's version, default retries). */
export const ContactsConfig = Context.Reference<ContactsConfigShape>("@wa-contacts/core/ContactsConfig", {
  defaultValue: () => ({})
})
