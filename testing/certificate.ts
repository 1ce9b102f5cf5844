/**
 * The one self-signed certificate helper of the test suites (every package's TLS tests use it):
 * a certificate for 127.0.0.1 made with openssl in a fresh temporary directory. Plain Node, no
 * dependency, so that any package's tests can import it; `remove` deletes the directory.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface Certificate {
  readonly dir: string
  readonly keyFile: string
  readonly certFile: string
  /** The PEM texts. */
  readonly key: string
  readonly cert: string
  readonly remove: () => void
}

/** Make a self-signed certificate and key for 127.0.0.1 (valid one day). */
export const makeSelfSigned = (): Certificate => {
  const dir = mkdtempSync(join(tmpdir(), "wa-contacts-tls-"))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  const keyFile = join(dir, "k.pem")
  const certFile = join(dir, "c.pem")
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"
    ], { stdio: "ignore" })
  } catch (error) {
    remove()
    throw error
  }
  return { dir, keyFile, certFile, key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), remove }
}
