/**
 * @wa-contacts/core — the contacts node of the WhatsApp Business On-Premises API as Effects.
 *
 * @since 0.1.0
 */
export * as Transport from "./Transport.ts"
export * as Errors from "./Errors.ts"
