/**
 * Server versions and what they mean for a check: from v2.43 on `valid` only says that the check
 * finished, and `wa_id` must not be trusted (spec §2).
 *
 * @since 0.1.0
 */

/** A parsed server version. */
export interface Version {
  readonly major: number
  readonly minor: number
  readonly patch: number
}

/**
 * How to read the statuses of a check:
 * - `legacy` (v2.41 and lower): `valid` means a WhatsApp account, its wa_id is usable;
 * - `repurposed` (v2.43 and higher): `valid` means "checked, go ahead", the wa_id is a hint;
 * - `unknown` (no version known): read like repurposed, the conservative reading.
 */
export type Semantics = "legacy" | "repurposed" | "unknown"

// Major and minor are required, and nothing but a pre-release or build suffix may follow: a sloppy
// parse ("2.x" read as 2.0.0) would pick the legacy reading, the one that trusts wa_ids.
const pattern = /^\s*[vV]?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]*)?\s*$/

/** Parse `2.41.3`, `v2.45.1`, `2.43`; `undefined` for anything else. */
export const parseVersion = (text: string): Version | undefined => {
  const m = pattern.exec(text)
  if (m === null) return undefined
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0) }
}

/** The first version with repurposed semantics. 2.42 was never publicly released. */
export const REPURPOSED_SINCE: Version = { major: 2, minor: 43, patch: 0 }

/** Compare two versions numerically on (major, minor, patch). */
export const compareVersions = (a: Version, b: Version): number =>
  a.major !== b.major ? a.major - b.major : a.minor !== b.minor ? a.minor - b.minor : a.patch - b.patch

/** The semantics of a known version. */
export const semanticsOf = (version: Version): Semantics =>
  compareVersions(version, REPURPOSED_SINCE) < 0 ? "legacy" : "repurposed"

const SEMANTICS: ReadonlySet<string> = new Set(["legacy", "repurposed", "unknown"])

/** Whether a text names semantics rather than a version. */
export const isSemantics = (text: string): text is Semantics => SEMANTICS.has(text)

/**
 * The semantics in force: an explicit setting (a version, or the semantics by name) wins, then the
 * response's `meta.version`, then `unknown`.
 */
export const resolveSemantics = (
  configured: Version | string | undefined,
  reported: string | undefined
): Semantics => {
  if (configured !== undefined) {
    if (typeof configured !== "string") return semanticsOf(configured)
    if (isSemantics(configured)) return configured
    const parsed = parseVersion(configured)
    if (parsed !== undefined) return semanticsOf(parsed)
  }
  const parsed = reported === undefined ? undefined : parseVersion(reported)
  return parsed === undefined ? "unknown" : semanticsOf(parsed)
}

/** What `valid` means under each semantics, in one sentence for people. */
export const describeSemantics = (semantics: Semantics): string => {
  switch (semantics) {
    case "legacy":
      return "legacy server (< v2.43): valid = has WhatsApp, wa_id usable"
    case "repurposed":
      return "server v2.43 or later: valid = check finished, messaging may proceed; it says nothing about WhatsApp and wa_id is untrusted"
    case "unknown":
      return "server version unknown: read conservatively, valid says nothing about WhatsApp and wa_id is untrusted"
  }
}

/** `2.41.3` */
export const formatVersion = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`
