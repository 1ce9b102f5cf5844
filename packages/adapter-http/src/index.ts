/**
 * @wa-contacts/adapter-http — the core's `Transport` over real HTTP(S): login and token renewal,
 * timeouts, TLS trust for self-signed servers, redaction of every secret.
 *
 * @since 0.1.0
 */
export * as HttpTransport from "./HttpTransport.ts"
export * as HttpTransportConfig from "./HttpTransportConfig.ts"
export { HttpConfigError } from "./HttpConfigError.ts"
export { createHttpClient } from "./HttpContactsClient.ts"
