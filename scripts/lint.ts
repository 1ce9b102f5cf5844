// Project lint: the rules that keep the architecture honest (the README's Contributing section).
// - core does no I/O and imports no adapter; adapters do not import each other or the CLI;
// - `effect` and `@effect/platform-node` are pinned to the same exact version everywhere;
// - no source file grows past 400 lines without being listed here with a reason.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"

const root = join(import.meta.dirname, "..")
const problems: Array<string> = []

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === "node_modules" || name === "dist") return []
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : []
  })

const forbidden: Record<string, RegExp> = {
  core: /from "(node:[\w/]+|@wa-contacts\/(adapter-http|adapter-mock|cli)|@effect\/platform-node[\w/-]*|effect\/http)"/,
  "adapter-http": /from "@wa-contacts\/(adapter-mock|cli)"/,
  "adapter-mock": /from "@wa-contacts\/(adapter-http|cli)"/,
  store: /from "@wa-contacts\/(adapter-http|adapter-mock|cli)"/
}
const LONG_FILES_ALLOWED = new Set<string>([])

for (const pkg of readdirSync(join(root, "packages"))) {
  const src = join(root, "packages", pkg, "src")
  let files: Array<string> = []
  try {
    files = walk(src)
  } catch {
    continue
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8")
    const rule = forbidden[pkg]
    const hit = rule === undefined ? null : rule.exec(text)
    if (hit !== null) problems.push(`${relative(root, file)}: ${pkg} must not import ${hit[1]}`)
    const lines = text.split("\n").length
    if (lines > 400 && !LONG_FILES_ALLOWED.has(relative(root, file))) {
      problems.push(`${relative(root, file)}: ${lines} lines (split it, or list it in scripts/lint.ts with a reason)`)
    }
  }
}

const versions = new Map<string, Set<string>>()
for (const dir of [...readdirSync(join(root, "packages")).map((p) => join("packages", p)), "bench", "."]) {
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
  try {
    manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
  } catch {
    continue
  }
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    if (name !== "effect" && name !== "@effect/platform-node") continue
    if (!/^\d+\.\d+\.\d+$/.test(range)) problems.push(`${dir}/package.json: ${name} must be pinned exactly, not ${range}`)
    versions.set("effect-family", (versions.get("effect-family") ?? new Set()).add(range))
  }
}
if ((versions.get("effect-family")?.size ?? 0) > 1) {
  problems.push(`effect and @effect/platform-node differ in version: ${[...versions.get("effect-family")!].join(", ")}`)
}

if (problems.length > 0) {
  console.error(problems.map((p) => `✗ ${p}`).join("\n"))
  process.exit(1)
}
console.log("lint: architecture boundaries, pinned versions and file sizes are fine")
