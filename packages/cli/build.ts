// Bundles the CLI into dist/: `wa-contacts.js` (the entry, with a shebang) plus chunks that the
// commands import lazily, so that `--help` loads neither an HTTP client nor phone number metadata.
// Everything, dependencies included, is bundled: the published package needs no install step.
import { build } from "esbuild"
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const here = import.meta.dirname
const outdir = join(here, "dist")
rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })

const result = await build({
  absWorkingDir: here,
  entryPoints: { "wa-contacts": "src/bin.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  minify: true,
  metafile: true,
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  // The shebang of src/bin.ts is kept by esbuild; the shim gives CommonJS dependencies `require`.
  banner: { js: "import { createRequire as __waCreateRequire } from \"node:module\"; const require = __waCreateRequire(import.meta.url);" },
  // `redis` is an optional peer of @effect/platform-node that the CLI never uses.
  external: ["redis"],
  logLevel: "warning"
})
chmodSync(join(outdir, "wa-contacts.js"), 0o755)
writeFileSync(join(outdir, "meta.json"), JSON.stringify(result.metafile))
