/**
 * The one error building the HTTP transport can fail with: a setting that cannot work (a base URL
 * on the Cloud API host, a password without a user name, an unreadable CA file). It is raised when
 * the layer is built, before any request is sent, and never carries a secret.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** A setting of the HTTP transport that cannot work; `setting` names it, `message` says why and what to do. */
export class HttpConfigError extends Schema.TaggedError<HttpConfigError>()("HttpConfigError", {
  setting: Schema.String,
  message: Schema.String
}) {}
