/**
 * One input of a bulk check, prepared (translated, linted, de-duplicated), and its result once
 * the answer for its number is known. Shared by `Check` and other core modules that build on it.
 *
 * @internal
 */
import { phoneProblem } from "../Input.ts"
import { type CheckResult, missingFromAnswer, type Outcome } from "../CheckResult.ts"
import { markDuplicate, type TranslatedNumber, type Translation, type Translator, type Warning } from "../Translation.ts"
import type { Semantics } from "../ApiVersion.ts"
import type { Answer, AnswerTable, Placed } from "./AnswerTable.ts"

/**
 * One input of a bulk check, prepared: translated, linted, and whether it is the first of its
 * number. `N` is what a seam of the check notes on it (see `Check.GroupSeam`).
 */
export interface Prepared<T, N = unknown> {
  readonly item: T
  readonly translation: Translation
  readonly key: string
  readonly first: boolean
  /** Why the input is not sent at all (not a phone number), if so. */
  readonly rejected: string | undefined
  /**
   * The answer of a first input once its group is resolved: emitted as it is, where a duplicate
   * reads its answer back from the table (which rebuilds it from a code).
   */
  answer: Answer | undefined
  /** Where the table put a first input's number, to record its answer there (`AnswerTable.setAt`). */
  readonly placed: Placed | undefined
  /** What a seam noted on this input on the way (the result store: where its answer came from). */
  note: N | undefined
}

export const prepare = <T, N>(translator: Translator, seen: AnswerTable, input: string, item: T): Prepared<T, N> => {
  const rejected = phoneProblem(input)
  if (rejected !== undefined) {
    return { item, translation: { input, translated: undefined, valid: false, warnings: [] }, key: "", first: false, rejected, answer: undefined, placed: undefined, note: undefined }
  }
  const { translation, key, first } = markDuplicate(translator.translate(input), seen)
  return { item, translation, key, first, rejected: undefined, answer: undefined, placed: first ? seen.lastPlaced : undefined, note: undefined }
}

export const toResult = (p: Prepared<unknown>, answer: Answer | undefined, fallback: Semantics): CheckResult => {
  const { input, translated, warnings } = p.translation
  if (p.rejected !== undefined) {
    return { _tag: "Failed", cause: "rejected", detail: `not sent: the input ${p.rejected}`, input, translated, warnings, semantics: fallback }
  }
  const { outcome, semantics } = answer ?? { outcome: missingFromAnswer, semantics: fallback }
  return withContext(outcome, input, translated, warnings, semantics)
}

/**
 * The result of an outcome for an input: the outcome's fields, then the input's. Built field by
 * field, where a spread of the outcome made an object of a size V8 cannot know in advance: 144
 * bytes per input, a tenth of what a run answered from the store allocated (bench figure 22).
 */
const withContext = (
  outcome: Outcome,
  input: string,
  translated: TranslatedNumber | undefined,
  warnings: ReadonlyArray<Warning>,
  semantics: Semantics
): CheckResult => {
  switch (outcome._tag) {
    case "WhatsAppUser":
      return { _tag: "WhatsAppUser", waId: outcome.waId, input, translated, warnings, semantics }
    case "NotWhatsAppUser":
      return { _tag: "NotWhatsAppUser", anomaly: outcome.anomaly, input, translated, warnings, semantics }
    case "Checked":
      return { _tag: "Checked", waIdHint: outcome.waIdHint, input, translated, warnings, semantics }
    case "Processing":
      return { _tag: "Processing", waIdHint: outcome.waIdHint, input, translated, warnings, semantics }
    case "Failed":
      return { _tag: "Failed", cause: outcome.cause, detail: outcome.detail, input, translated, warnings, semantics }
  }
}

