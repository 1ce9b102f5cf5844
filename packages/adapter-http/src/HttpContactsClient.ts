/**
 * The Promise facade over HTTP in one line, for programs that do not use Effect.
 *
 * @since 0.1.0
 */
import { Client, type ContactsConfig } from "@wa-contacts/core"
import { layer } from "./HttpTransport.ts"
import type { HttpTransportConfig } from "./HttpTransportConfig.ts"

/**
 * A `ContactsClient` (Promises and async iterables) talking to the server of `config`. A setting
 * that cannot work rejects the first call with `HttpConfigError`. Call `dispose()` when done: it
 * closes the connections.
 *
 * @example
 * ```ts
 * import { createHttpClient } from "@wa-contacts/adapter-http"
 *
 * const client = createHttpClient({
 *   baseUrl: "https://your-coreapp:9090",
 *   username: "admin",
 *   password: process.env.WA_PASSWORD!,
 *   ca: "/etc/wa/coreapp.pem"
 * })
 * const results = await client.check(["+16315551000"])
 * await client.dispose()
 * ```
 */
export const createHttpClient = (
  config: HttpTransportConfig,
  clientConfig?: ContactsConfig.ContactsConfigShape
): Client.ContactsClient => Client.make(layer(config), clientConfig)
