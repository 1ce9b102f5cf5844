/**
 * The shared spec vectors, read from `/work/shared/spec/vectors` (never retyped here).
 */
import { readFileSync } from "node:fs"

const read = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../../shared/spec/vectors/${name}`, import.meta.url), "utf8"))

/** One case of `translation.json`. */
export interface TranslationCase {
  readonly registeredCallingCode: string
  readonly input: string
  readonly translated: string
  readonly source: string
}

/** One body of `vendor-bodies.json`. */
export interface VendorBody {
  readonly kind: "request" | "response"
  readonly route: string
  readonly status?: number
  readonly body: unknown
}

/** The cases of `translation.json`. */
export const translationCases = (read("translation.json") as { cases: Array<TranslationCase> }).cases

/** The bodies of `vendor-bodies.json`, by name. */
export const vendorBodies = (read("vendor-bodies.json") as { bodies: Record<string, VendorBody> }).bodies

/** One named vendor body; fails the test if the vectors lost it. */
export const vendorBody = (name: string): VendorBody => {
  const body = vendorBodies[name]
  if (body === undefined) throw new Error(`vendor-bodies.json has no body named ${name}`)
  return body
}
