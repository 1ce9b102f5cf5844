/**
 * Which version the simulator reports and which semantics it answers with, by core's rule
 * (`Version.parseVersion`, `Version.semanticsOf`): the client and the simulator cannot disagree
 * on what `2.43` or `2` means. A text that is not a version is refused, never guessed.
 *
 * @internal
 */
import { Version } from "@wa-contacts/core"

/**
 * What the semantics core names stand for when given instead of a version (`check --mock
 * --api-version unknown`): a server must report some version, and `unknown` is read like
 * repurposed, so it gets a repurposed one.
 */
const representative = { legacy: "2.41.3", repurposed: "2.45.1", unknown: "2.45.1" } as const

/** The version to report and whether it answers with legacy semantics; `undefined` when `text` is not a version. */
export const servedVersion = (text: string): { readonly version: string; readonly legacy: boolean } | undefined => {
  const trimmed = text.trim()
  if (Version.isSemantics(trimmed)) return { version: representative[trimmed], legacy: trimmed === "legacy" }
  const parsed = Version.parseVersion(trimmed)
  return parsed === undefined ? undefined : { version: trimmed, legacy: Version.semanticsOf(parsed) === "legacy" }
}
