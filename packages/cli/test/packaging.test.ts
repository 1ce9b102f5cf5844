/**
 * The packages as a user gets them: every public package of the workspace (packages/*, not
 * private) is packed with `pnpm pack` (its `prepack` builds it), and the tarballs are installed
 * with plain `npm` into empty temporary folders outside the workspace (no workspace, no `../`):
 *
 * - the CLI tarball alone installs no dependency, and its `wa-contacts` bin checks a number with
 *   `--mock` and prints package.json's version;
 * - an application depending on `effect` itself and on every tarball has ONE copy of `effect`,
 *   and an ESM program using the Promise client (core's `Client` + adapter-http's transport) works
 *   against `wa-contacts mock serve` on 127.0.0.1 with a token given as `Redacted.make(token)`;
 * - a strict `nodenext` TypeScript consumer importing every library type-checks.
 *
 * It needs npm and the npm registry (effect and @types/node are installed from it, with
 * `--prefer-offline`); the suite is skipped, by name, only when npm is not on PATH.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const ROOT = path.join(import.meta.dirname, "..", "..", "..")
const TIMEOUT = 240_000

interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly bin?: Record<string, string>
  readonly exports?: Record<string, unknown>
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
}
const readManifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest

/** The workspace's public packages: every packages/<dir>/package.json that is not private. */
const publicPackages = fs.readdirSync(path.join(ROOT, "packages"))
  .map((dir) => path.join(ROOT, "packages", dir))
  .filter((dir) => fs.existsSync(path.join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: readManifest(dir) }))
  .filter((p) => p.manifest.private !== true)
const cli = publicPackages.find((p) => p.manifest.bin?.["wa-contacts"] !== undefined)

// npm runs under the Node that runs the tests (./dev's toolchain when the machine's is older).
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("WA_") && !k.startsWith("npm_"))),
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`,
  NO_COLOR: "1"
}
const hasNpm = spawnSync("npm", ["--version"], { env, stdio: "ignore" }).status === 0

/** Run a command to completion; rejects with its output when it fails or times out. */
const run = (cmd: string, args: ReadonlyArray<string>, cwd: string, timeout = TIMEOUT): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${error.message}\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })

const npmInstall = (cwd: string, specs: ReadonlyArray<string>) =>
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...specs], cwd)

/** Every file under `dir`, relative to it. */
const filesUnder = (dir: string): Array<string> =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))

/** Every installed copy of the package `name` under `nodeModules`, at any depth. */
const copiesOf = (nodeModules: string, name: string): Array<string> => {
  const found: Array<string> = []
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === ".bin") continue
      const sub = path.join(dir, entry.name)
      if (entry.name.startsWith("@")) visit(sub)
      else {
        const manifest = path.join(sub, "package.json")
        if (fs.existsSync(manifest) && readManifest(sub).name === name) found.push(sub)
        if (fs.existsSync(path.join(sub, "node_modules"))) visit(path.join(sub, "node_modules"))
      }
    }
  }
  visit(nodeModules)
  return found
}

/** `wa-contacts mock serve` on 127.0.0.1 with a free port, until `stop`. */
const startServer = (bin: string, cwd: string, token: string): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "mock", "serve", "--port", "0", "--token", token], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const timer = setTimeout(() => reject(new Error(`mock serve did not start:\n${output}`)), 30_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8")
      const match = /listening on (\S+)/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve({ url: match[1]!, child })
      }
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`mock serve exited (${code}):\n${output}`))
    })
  })

const stop = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000)
    child.once("exit", () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill("SIGINT")
  })

describe.skipIf(!hasNpm)("packaging: every public package packed and installed with plain npm (skipped when npm is not on PATH)", () => {
  let work = ""
  const tarballs = new Map<string, string>()
  const servers: Array<ChildProcess> = []

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "wa-contacts-packaging-"))
    const packs = path.join(work, "packs")
    fs.mkdirSync(packs)
    for (const { dir, manifest } of publicPackages) {
      const before = new Set(fs.readdirSync(packs))
      await run("pnpm", ["pack", "--pack-destination", packs], dir)
      const made = fs.readdirSync(packs).filter((f) => !before.has(f) && f.endsWith(".tgz"))
      if (made.length !== 1) throw new Error(`pnpm pack of ${manifest.name} made ${made.join(", ") || "no tarball"}`)
      tarballs.set(manifest.name, path.join(packs, made[0]!))
    }
  }, TIMEOUT)

  afterAll(async () => {
    await Promise.all(servers.map(stop))
    if (work !== "") fs.rmSync(work, { recursive: true, force: true })
  })

  /** An empty project folder with the given tarballs copied into it (so nothing points outside). */
  const project = (name: string, packageNames: ReadonlyArray<string>, dependencies: Record<string, string> = {}) => {
    const dir = path.join(work, name)
    fs.mkdirSync(path.join(dir, "packs"), { recursive: true })
    const specs = packageNames.map((p) => {
      const file = path.join("packs", path.basename(tarballs.get(p)!))
      fs.copyFileSync(tarballs.get(p)!, path.join(dir, file))
      return `./${file}`
    })
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module", dependencies }, null, 2))
    return { dir, specs }
  }

  it("the workspace has the public packages the project publishes, the CLI among them", () => {
    expect(publicPackages.map((p) => p.manifest.name)).toEqual(
      expect.arrayContaining(["@wa-contacts/core", "@wa-contacts/adapter-http", "@wa-contacts/adapter-mock", "@wa-contacts/cli"])
    )
    expect(cli).toBeDefined()
  })

  it("the CLI tarball alone installs no dependency; its bin checks a number with --mock and prints package.json's version", async () => {
    const { dir, specs } = project("cli-alone", [cli!.manifest.name])
    await npmInstall(dir, specs)
    const installed = fs.readdirSync(path.join(dir, "node_modules")).filter((e) => !e.startsWith("."))
    expect(installed).toEqual(["@wa-contacts"])
    expect(fs.readdirSync(path.join(dir, "node_modules", "@wa-contacts"))).toEqual(["cli"])
    const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> }
    expect(Object.keys(lock.packages).filter((k) => k !== "")).toEqual(["node_modules/@wa-contacts/cli"])
    const packed = filesUnder(path.join(dir, "node_modules", "@wa-contacts", "cli"))
    expect(packed).toContain("dist/wa-contacts.js")
    expect(packed.filter((f) => f.endsWith(".map") || f.endsWith("meta.json") || f.startsWith("src/") || f.endsWith(".ts"))).toEqual([])

    const out = await run("npx", ["--no", "--", "wa-contacts", "check", "--mock", "16315551000"], dir, 60_000)
    const record = JSON.parse(out.trim().split("\n")[0]!) as Record<string, unknown>
    expect(record).toMatchObject({ input: "16315551000", status: "valid", wa_id: "16315551000", wa_id_trusted: true, translated: "+16315551000" })
    const version = await run("npx", ["--no", "--", "wa-contacts", "--version"], dir, 60_000)
    expect(version.trim()).toBe(`wa-contacts v${cli!.manifest.version}`)
  }, TIMEOUT)

  it("each library's tarball holds its built JS and .d.ts only, exports point into dist/, effect is a peer", () => {
    for (const { dir, manifest } of publicPackages) {
      const unpacked = fs.mkdtempSync(path.join(work, "unpacked-"))
      expect(spawnSync("tar", ["xzf", tarballs.get(manifest.name)!, "-C", unpacked], { env }).status).toBe(0)
      const root = path.join(unpacked, "package")
      const files = filesUnder(root)
      const published = readManifest(root)
      expect(files.filter((f) => f.endsWith(".map") || f.endsWith(".tsbuildinfo") || f.endsWith("meta.json") || f.startsWith("src/"))).toEqual([])
      if (published.dependencies !== undefined) {
        // Libraries take the application's effect; the CLI bundles everything.
        expect(Object.keys(published.dependencies)).not.toContain("effect")
        expect(Object.keys(published.dependencies)).not.toContain("@effect/platform-node")
      }
      if (manifest === cli?.manifest) {
        expect(published.dependencies ?? {}).toEqual({})
        continue
      }
      expect(published.peerDependencies?.["effect"], `${manifest.name} peer on effect`).toBeDefined()
      const main = published.exports?.["."] as { types: string; default: string }
      expect(main, `${manifest.name} exports "."`).toMatchObject({ types: expect.stringMatching(/^\.\/dist\//), default: expect.stringMatching(/^\.\/dist\//) })
      expect(files).toContain(main.types.slice(2))
      expect(files).toContain(main.default.slice(2))
      expect(files.filter((f) => f.endsWith(".js")).length, `${dir}: dist has a .d.ts for each .js`).toBe(files.filter((f) => f.endsWith(".d.ts")).length)
    }
  })

  it("an application with effect and every tarball has one copy of effect; the Promise client works over HTTP with a Redacted token", async () => {
    const typesNode = readManifest(path.join(ROOT, "node_modules", "@types", "node")).version
    const { dir, specs } = project("app", [...tarballs.keys()], { effect: "4.1.0", "@effect/platform-node": "4.1.0", "@types/node": typesNode })
    await npmInstall(dir, specs)
    expect(copiesOf(path.join(dir, "node_modules"), "effect")).toEqual([path.join(dir, "node_modules", "effect")])

    const token = `packaging-${process.pid}-${Date.now()}`
    const server = await startServer(path.join(dir, "node_modules", "@wa-contacts", "cli", "dist", "wa-contacts.js"), dir, token)
    servers.push(server.child)
    fs.writeFileSync(
      path.join(dir, "main.mjs"),
      [
        `import { Client } from "@wa-contacts/core"`,
        `import { HttpTransport } from "@wa-contacts/adapter-http"`,
        `import { Redacted } from "effect"`,
        `const [baseUrl, token] = process.argv.slice(2)`,
        `const client = Client.make(HttpTransport.layer({ baseUrl, token: Redacted.make(token) }))`,
        `try {`,
        `  const results = await client.check(["16315551000", "+1 631 555 1001"])`,
        `  console.log(JSON.stringify(results.map((r) => ({ input: r.input, tag: r._tag, waId: r.waId }))))`,
        `} finally {`,
        `  await client.dispose()`,
        `}`
      ].join("\n")
    )
    const out = await run(process.execPath, ["main.mjs", server.url, token], dir, 60_000)
    expect(out).not.toContain(token)
    expect(JSON.parse(out)).toEqual([
      { input: "16315551000", tag: "WhatsAppUser", waId: "16315551000" },
      { input: "+1 631 555 1001", tag: "WhatsAppUser", waId: "16315551001" }
    ])
    await stop(server.child)

    // A strict nodenext consumer importing every library (the CLI is a command: it exports no module).
    const libraries = publicPackages.filter((p) => p !== cli).map((p) => p.manifest.name)
    fs.writeFileSync(
      path.join(dir, "consumer.ts"),
      [
        ...libraries.map((name, i) => `import * as lib${i} from "${name}"`),
        `import { Client } from "@wa-contacts/core"`,
        `import { HttpTransport, createHttpClient } from "@wa-contacts/adapter-http"`,
        `import { SimulatorTransport } from "@wa-contacts/adapter-mock"`,
        `import { Redacted } from "effect"`,
        `export const modules: ReadonlyArray<object> = [${libraries.map((_, i) => `lib${i}`).join(", ")}]`,
        `export const overHttp: Client.ContactsClient = Client.make(HttpTransport.layer({ baseUrl: "http://127.0.0.1:9090", token: Redacted.make("t") }))`,
        `export const oneLine: Client.ContactsClient = createHttpClient({ baseUrl: "http://127.0.0.1:9090", username: "admin", password: "p" })`,
        `export const simulated: Client.ContactsClient = Client.make(SimulatorTransport.layer())`,
        `export const firstStatus = async (client: Client.ContactsClient): Promise<string> => {`,
        `  const [first] = await client.check(["+16315551000"])`,
        `  return first === undefined ? "none" : first._tag`,
        `}`
      ].join("\n")
    )
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          lib: ["es2023", "dom"],
          types: ["node"],
          noEmit: true,
          verbatimModuleSyntax: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false
        },
        files: ["consumer.ts"]
      })
    )
    await run(path.join(ROOT, "node_modules", ".bin", "tsc"), ["-p", path.join(dir, "tsconfig.json")], dir, 120_000)
  }, TIMEOUT * 2)
})
