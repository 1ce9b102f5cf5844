/** The shared self-signed certificate helper (`testing/certificate.ts`) as a scoped Effect. */
import { Effect, type Scope } from "effect"
import { type Certificate, makeSelfSigned } from "../../../../testing/certificate.ts"

export type { Certificate }

export const selfSigned: Effect.Effect<Certificate, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(makeSelfSigned),
  (certificate) => Effect.sync(certificate.remove)
)
