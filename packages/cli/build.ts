// Bundles the CLI into dist/: `wa-contacts.js` (the entry, with a shebang) plus chunks that the
// commands import lazily, so that `--help` loads neither an HTTP client nor phone number metadata.
// Everything, dependencies included, is bundled: the published package needs no install step.
import { build, type Plugin } from "esbuild"
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const here = import.meta.dirname
const outdir = join(here, "dist")
rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })

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

const result = await build({
  plugins: [undiciShim],
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
