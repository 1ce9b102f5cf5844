/**
 * @wa-contacts/adapter-mock — a faithful simulator of the contacts node of the WhatsApp Business
 * On-Premises API: in-process as a `Transport`, or over HTTP(S) as a real server, with a request
 * journal, verification counts, reset, scenarios and an OpenAPI document.
 *
 * @since 0.1.0
 */
export * as Simulator from "./Simulator.ts"
export * as SimulatorConfig from "./SimulatorConfig.ts"
export * as SimulatorTransport from "./SimulatorTransport.ts"
export * as SimulatorServer from "./SimulatorServer.ts"
export * as Faults from "./Faults.ts"
