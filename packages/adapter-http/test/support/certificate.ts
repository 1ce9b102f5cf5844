/** A self-signed certificate for 127.0.0.1, made with openssl in a temporary directory per run. */
import { Effect, type Scope } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface Certificate {
  readonly dir: string
  readonly keyFile: string
  readonly certFile: string
  readonly key: string
  readonly cert: string
}

export const selfSigned: Effect.Effect<Certificate, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = mkdtempSync(join(tmpdir(), "wa-contacts-tls-"))
    const keyFile = join(dir, "k.pem")
    const certFile = join(dir, "c.pem")
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
    ], { stdio: "ignore" })
    return { dir, keyFile, certFile, key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") }
  }),
  (certificate) => Effect.sync(() => rmSync(certificate.dir, { recursive: true, force: true }))
)
