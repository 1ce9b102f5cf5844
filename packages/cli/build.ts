// Bundles the CLI into dist/: `wa-contacts.js` (the entry, with a shebang) plus chunks that the
// commands import lazily, so that `--help` loads neither an HTTP client nor phone number metadata.
// Everything, dependencies included, is bundled: the published package needs no install step and
// declares no runtime dependency. The version comes from package.json (src/version.ts imports it;
// esbuild inlines it), so `changeset version` followed by a build is all a release needs.
import { build, type Plugin } from "esbuild"
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative } from "node:path"
import { renderHelpPages } from "./helpPages.ts"

const here = import.meta.dirname
const outdir = join(here, "dist")
// Built into a staging folder, then moved in file by file: `pnpm pack` (prepack) may rebuild while
// tests run the previous bundle, and those must never see dist/ empty or half written.
const staging = mkdtempSync(join(here, ".build-"))

// @effect/platform-node's Undici module is `export * from "undici"`: a star re-export of a
// CommonJS module, which an ESM bundle cannot resolve statically (`Agent` comes out undefined).
// Replace it by a module that names every export undici has.
const undiciShim: Plugin = {
  name: "undici-named-exports",
  setup(b) {
    b.onLoad({ filter: /[\\/]@effect[\\/]platform-node[\\/]dist[\\/]Undici\.js$/ }, (args) => {
      const undici = createRequire(args.path)("undici") as Record<string, unknown>
      const names = Object.keys(undici).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== "default")
      return {
        contents: `import Undici from "undici"\nexport default Undici\nexport const { ${names.join(", ")} } = Undici\n`,
        loader: "js",
        resolveDir: dirname(args.path)
      }
    })
  }
}

// `wa-contacts [command…] --help` is answered from pages the CLI renders here, at build time
// (helpPages.ts, src/FastHelp.ts): they become a chunk of their own, `wa-contacts:help-pages`.
const helpPages: Plugin = {
  name: "help-pages",
  setup(b) {
    b.onResolve({ filter: /^wa-contacts:help-pages$/ }, (args) => ({ path: args.path, namespace: "help-pages" }))
    b.onLoad({ filter: /.*/, namespace: "help-pages" }, async () => ({
      contents: `export const HELP_PAGES = ${JSON.stringify(await renderHelpPages())}\n`,
      loader: "js"
    }))
  }
}

try {
  await build({
    plugins: [undiciShim, helpPages],
    absWorkingDir: here,
    entryPoints: { "wa-contacts": "src/bin.ts" },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    minify: true,
    legalComments: "none",
    chunkNames: "chunks/[name]-[hash]",
    // The shebang of src/bin.ts is kept by esbuild; the shim gives CommonJS dependencies `require`.
    banner: { js: "import { createRequire as __waCreateRequire } from \"node:module\"; const require = __waCreateRequire(import.meta.url);" },
    // `redis` is an optional peer of @effect/platform-node that the CLI never uses.
    external: ["redis"],
    logLevel: "warning"
  })
  chmodSync(join(staging, "wa-contacts.js"), 0o755)
  const built = readdirSync(staging, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => relative(staging, join(e.parentPath, e.name)))
  for (const file of built) {
    mkdirSync(dirname(join(outdir, file)), { recursive: true })
    renameSync(join(staging, file), join(outdir, file))
  }
  // Chunks of an older build (their names carry a content hash) and build metadata of older
  // versions of this script do not belong in the package.
  const keep = new Set(built)
  for (const e of readdirSync(join(outdir, "chunks"), { withFileTypes: true })) {
    const file = join("chunks", e.name)
    if (!keep.has(file)) rmSync(join(outdir, file), { force: true })
  }
  rmSync(join(outdir, "meta.json"), { force: true })
} finally {
  rmSync(staging, { recursive: true, force: true })
}
