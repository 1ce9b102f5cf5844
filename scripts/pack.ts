// `pnpm pack:all [destination]`: a tarball of every public package (packages/*/package.json that
// is not private) in `packs/` or the given folder. Each package's `prepack` builds it first.
// (`pnpm -r pack` would also try the private bench, whose prepack refuses.)
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

const root = join(import.meta.dirname, "..")
const destination = resolve(process.argv[2] ?? join(root, "packs"))
mkdirSync(destination, { recursive: true })
for (const dir of readdirSync(join(root, "packages")).map((d) => join(root, "packages", d))) {
  if (!existsSync(join(dir, "package.json"))) continue
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; private?: boolean }
  if (manifest.private === true) continue
  const r = spawnSync("pnpm", ["pack", "--pack-destination", destination], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] })
  if (r.status !== 0) {
    console.error(`pnpm pack of ${manifest.name} failed`)
    process.exit(1)
  }
  console.log(`packed ${manifest.name}`)
}
console.log(`tarballs in ${destination}`)
