/**
 * The repository's test vectors (`spec/vectors/*.json`: facts from the vendor's pages, never
 * retyped in a test), read through one lazy loader shared by every package's tests.
 *
 * Nothing is read when this module is imported: a vector file is read, parsed and cached the
 * first time a test touches it. So a test file that imports helpers but not the vectors never
 * fails to load because of them, and one that does use a missing or broken file fails with the
 * file's path in the message.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** The folder of the vector files, at the repository root. */
export const VECTORS_DIR = fileURLToPath(new URL("../../../../spec/vectors/", import.meta.url))

const cache = new Map<string, unknown>()

/** A vector file, parsed on first use and cached; throws with its path when missing or not JSON. */
export const readVector = <A>(name: string): A => {
  if (!cache.has(name)) {
    const path = `${VECTORS_DIR}${name}`
    let text: string
    try {
      text = readFileSync(path, "utf8")
    } catch (cause) {
      throw new Error(`test vector ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`)
    }
    try {
      cache.set(name, JSON.parse(text))
    } catch (cause) {
      throw new Error(`test vector ${path} is not JSON: ${String(cause)}`)
    }
  }
  return cache.get(name) as A
}

/**
 * A value that is loaded on first use but reads like the loaded one (`xs.length`, `xs.map(...)`,
 * `body["name"]`, `Object.entries(body)`), so tests keep plain data syntax. `shape` is an empty
 * value of the same kind (`[]` or `{}`), so `Array.isArray` and array methods behave.
 */
const lazy = <A extends object>(shape: A, load: () => A): A =>
  new Proxy(shape, {
    get: (_, key) => Reflect.get(load(), key),
    has: (_, key) => Reflect.has(load(), key),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key)
      // A proxy may only report a property as non-configurable if its target has it so: true of
      // an array's `length` only.
      return descriptor === undefined || key === "length" ? descriptor : { ...descriptor, configurable: true }
    }
  })

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
  readonly body: any
}

/** The cases of `translation.json` (loaded on first use). */
export const translationCases: ReadonlyArray<TranslationCase> = lazy<Array<TranslationCase>>(
  [],
  () => readVector<{ cases: Array<TranslationCase> }>("translation.json").cases
)

/** The bodies of `vendor-bodies.json`, by name (loaded on first use). */
export const vendorBodies: Readonly<Record<string, VendorBody>> = lazy<Record<string, VendorBody>>(
  {},
  () => readVector<{ bodies: Record<string, VendorBody> }>("vendor-bodies.json").bodies
)

/** One named vendor body; fails the test if the vectors lost it. */
export const vendorBody = (name: string): VendorBody => {
  const body = vendorBodies[name]
  if (body === undefined) throw new Error(`vendor-bodies.json has no body named ${name}`)
  return body
}
