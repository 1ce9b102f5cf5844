/**
 * The domain result of checking one input: a tagged union that makes misuse hard. A wa_id is a
 * trusted `WaId` only when a legacy server said `valid`; from a repurposed or unknown server it is
 * reachable only as an `UntrustedWaId` hint (spec §2).
 *
 * @since 0.1.0
 */
import type { Semantics } from "./Version.ts"
import type { TranslatedNumber, Warning } from "./Translation.ts"
import type { CheckStatus } from "./Wire.ts"

/** A wa_id a legacy server vouched for: use it in later calls. */
export type WaId = string & { readonly WaId: unique symbol }

/**
 * A wa_id from a repurposed or unknown server: it may be wrong and must not be used in later
 * calls. Deliberately not a string, so that it cannot be passed where a `WaId` is expected.
 */
export interface UntrustedWaId {
  readonly _tag: "UntrustedWaId"
  readonly hint: string
}

/** Wrap a wa_id the client must not trust. */
export const untrusted = (hint: string): UntrustedWaId => ({ _tag: "UntrustedWaId", hint })

/** What the server's answer means, after the version semantics were applied. */
export type Outcome =
  /** Legacy `valid`: the number has a WhatsApp account; `waId` is usable. */
  | { readonly _tag: "WhatsAppUser"; readonly waId: WaId }
  /** Legacy `invalid`: no WhatsApp account. `anomaly` when a repurposed/unknown server said it. */
  | { readonly _tag: "NotWhatsAppUser"; readonly anomaly: boolean }
  /** Repurposed or unknown `valid`: the check finished and messaging may proceed; it says nothing about WhatsApp. */
  | { readonly _tag: "Checked"; readonly waIdHint: UntrustedWaId | undefined }
  /** The check failed: on the server, rejected before sending, or missing from the server's answer. */
  | { readonly _tag: "Failed"; readonly cause: FailureCause; readonly detail: string }
  /** Still `processing` when the deadline passed: reported, never dropped. */
  | { readonly _tag: "Processing"; readonly waIdHint: UntrustedWaId | undefined }

/** Why a check failed. */
export type FailureCause = "server" | "rejected" | "missing"

/** One result per input: the input, what the server turned it into, the warnings, the outcome. */
export type CheckResult = Outcome & {
  readonly input: string
  readonly translated: TranslatedNumber | undefined
  readonly warnings: ReadonlyArray<Warning>
  readonly semantics: Semantics
}

/**
 * The outcome of a check the server answered `failed`. One shared value: code that stores
 * outcomes compactly recognises it by identity, not by its text.
 */
export const serverFailed: Outcome = Object.freeze({ _tag: "Failed", cause: "server", detail: "the server's check failed" })

/** The outcome of an input the server's answer left out. One shared value, like {@link serverFailed}. */
export const missingFromAnswer: Outcome = Object.freeze({
  _tag: "Failed",
  cause: "missing",
  detail: "the server's answer did not include this number"
})

/** Apply the version semantics to one raw entry of a check response. */
export const interpret = (status: CheckStatus, waId: string | undefined, semantics: Semantics): Outcome => {
  const trusted = semantics === "legacy"
  switch (status) {
    case "valid":
      if (trusted && waId !== undefined) return { _tag: "WhatsAppUser", waId: waId as WaId }
      if (trusted) return { _tag: "Failed", cause: "server", detail: "valid without a wa_id" }
      return { _tag: "Checked", waIdHint: waId === undefined ? undefined : untrusted(waId) }
    case "invalid":
      return { _tag: "NotWhatsAppUser", anomaly: !trusted }
    case "failed":
      return serverFailed
    case "processing":
      return { _tag: "Processing", waIdHint: waId === undefined ? undefined : untrusted(waId) }
  }
}

/** The raw status a result stands for (`valid`, `invalid`, `failed`, `processing`). */
export const statusOf = (outcome: Outcome): CheckStatus => {
  switch (outcome._tag) {
    case "WhatsAppUser":
    case "Checked":
      return "valid"
    case "NotWhatsAppUser":
      return "invalid"
    case "Failed":
      return "failed"
    case "Processing":
      return "processing"
  }
}

/** The wa_id of a result, for output, with whether it may be used in later calls. */
export const waIdOf = (outcome: Outcome): { readonly waId: string | undefined; readonly trusted: boolean } => {
  switch (outcome._tag) {
    case "WhatsAppUser":
      return { waId: outcome.waId, trusted: true }
    case "Checked":
    case "Processing":
      return { waId: outcome.waIdHint?.hint, trusted: false }
    default:
      return { waId: undefined, trusted: false }
  }
}

/** Whether the result is an anomaly worth flagging (an `invalid` from a repurposed server). */
export const isAnomaly = (outcome: Outcome): boolean => outcome._tag === "NotWhatsAppUser" && outcome.anomaly
