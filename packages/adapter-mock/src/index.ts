/**
 * @wa-contacts/adapter-mock — a faithful simulator of the contacts node of the WhatsApp Business
 * On-Premises API: in-process as a `Transport`, or over HTTP(S) as a real server.
 *
 * @since 0.1.0
 */
export * as Simulator from "./Simulator.ts"
export * as SimulatorConfig from "./SimulatorConfig.ts"
export * as SimulatorTransport from "./SimulatorTransport.ts"
export * as SimulatorServer from "./SimulatorServer.ts"
export * as Control from "./Control.ts"
export * as Faults from "./Faults.ts"
export * as Translation from "./Translation.ts"
export * as Directory from "./Directory.ts"
export * as Lookups from "./Lookups.ts"
export * as Engagement from "./Engagement.ts"
export * as Auth from "./Auth.ts"
export * as RateLimiter from "./RateLimiter.ts"
export * as Wire from "./Wire.ts"
