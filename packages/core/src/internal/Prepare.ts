/**
 * One input of a bulk check, prepared (translated, linted, de-duplicated), and its result once
 * the answer for its number is known. Shared by `Check` and other core modules that build on it.
 *
 * @internal
 */
import { phoneProblem } from "../Input.ts"
import { type CheckResult, missingFromAnswer } from "../CheckResult.ts"
import { markDuplicate, type Translation, type Translator } from "../Translation.ts"
import type { Semantics } from "../ApiVersion.ts"
import type { Answer, AnswerTable } from "./AnswerTable.ts"

/** One input of a bulk check, prepared: translated, linted, and whether it is the first of its number. */
export interface Prepared<T> {
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
}

export const prepare = <T>(translator: Translator, seen: AnswerTable, input: string, item: T): Prepared<T> => {
  const rejected = phoneProblem(input)
  if (rejected !== undefined) {
    return { item, translation: { input, translated: undefined, valid: false, warnings: [] }, key: "", first: false, rejected, answer: undefined }
  }
  const { translation, key, first } = markDuplicate(translator.translate(input), seen)
  return { item, translation, key, first, rejected: undefined, answer: undefined }
}

export const toResult = (p: Prepared<unknown>, answer: Answer | undefined, fallback: Semantics): CheckResult => {
  const { input, translated, warnings } = p.translation
  if (p.rejected !== undefined) {
    return { _tag: "Failed", cause: "rejected", detail: `not sent: the input ${p.rejected}`, input, translated, warnings, semantics: fallback }
  }
  const { outcome, semantics } = answer ?? { outcome: missingFromAnswer, semantics: fallback }
  return { ...outcome, input, translated, warnings, semantics }
}

