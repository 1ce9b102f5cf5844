/**
 * The simulated API's bodies (spec §1–4) as the simulator answers them, for its OpenAPI
 * document. The simulator models the server independently of the core, so these are its own
 * schemas, not the core's `Wire`: a test validates the simulator's real answers against the
 * document generated from them.
 *
 * @internal
 */
import { Protocol } from "@wa-contacts/core"
import { Schema } from "effect"

const Meta = Schema.Struct({ api_status: Schema.String, version: Schema.String })

/** A success without data: `{"meta": …}`. */
export const OkAnswer = Schema.Struct({ meta: Meta })

/** Every error answer: `meta` and one `errors` entry with a code of spec §5. */
export const ErrorAnswer = Schema.Struct({
  meta: Meta,
  errors: Schema.Array(Schema.Struct({
    code: Schema.Literals(Object.values(Protocol.ErrorCode)),
    title: Schema.String,
    details: Schema.String
  }))
})

/** `POST /v1/users/login`: an optional new password (Basic credentials in the header). */
export const LoginBody = Schema.Struct({ new_password: Schema.optionalKey(Schema.String) })
export const LoginAnswer = Schema.Struct({
  meta: Meta,
  users: Schema.Array(Schema.Struct({ token: Schema.String, expires_after: Schema.String }))
})

/** `POST /v1/contacts`. */
export const CheckBody = Schema.Struct({
  blocking: Schema.optionalKey(Schema.Literals(["wait", "no_wait"])),
  contacts: Schema.Array(Schema.String),
  force_check: Schema.optionalKey(Schema.Boolean)
})
export const CheckAnswer = Schema.Struct({
  meta: Meta,
  contacts: Schema.Array(Schema.Struct({
    input: Schema.String,
    status: Schema.Literals(["processing", "valid", "invalid", "failed"]),
    wa_id: Schema.optionalKey(Schema.String)
  }))
})

/** `POST /v1/contacts/{phone}/block` and `…/unblock`. */
export const BlockBody = Schema.Struct({ reason: Schema.optionalKey(Schema.String) })

/** `POST /v1/contacts/{phone}/report`. */
export const ReportBody = Schema.Struct({
  reason: Schema.optionalKey(Schema.String),
  block: Schema.optionalKey(Schema.Boolean),
  message_id: Schema.optionalKey(Schema.String)
})

/** `GET /v1/contacts/blocklist`. */
export const BlocklistAnswer = Schema.Struct({
  meta: Meta,
  contacts: Schema.Array(Schema.Struct({ wa_id: Schema.String })),
  pagination: Schema.Struct({ limit: Schema.Int, offset: Schema.Int, total: Schema.Int })
})

/** `GET /v1/contacts/{wa_id}/identity`. */
export const IdentityAnswer = Schema.Struct({
  meta: Meta,
  contacts: Schema.Struct({ hash: Schema.String, created_timestamp: Schema.Finite, acknowledged: Schema.Boolean })
})

/** `PUT /v1/contacts/{wa_id}/identity`. */
export const IdentityBody = Schema.Struct({ hash: Schema.String })
