/** Validation of the base URL: an http(s) address of an On-Premises client, never the Cloud API. */
import { Result } from "effect"
import { HttpConfigError } from "../HttpConfigError.ts"

const invalid = (message: string) => Result.fail(new HttpConfigError({ setting: "baseUrl", message }))

/** `graph.facebook.com` and its variants (`graph.beta.facebook.com`), with or without a final dot. */
const isGraphApiHost = (hostname: string): boolean =>
  /^graph(\.[a-z0-9-]+)*\.facebook\.com\.?$/i.test(hostname)

const graphApiMessage = (input: string) =>
  `${JSON.stringify(input)} is the Cloud API (graph.facebook.com). This client speaks the On-Premises API ` +
  `(/v1/contacts, /v1/users/login): set the base URL to your own WhatsApp Business API client, the ` +
  `Coreapp/Webapp you run yourself, e.g. https://your-coreapp:9090. The Cloud API has no contacts node and ` +
  `needs a different client.`

const parse = (input: string): URL | undefined => {
  try {
    return new URL(input)
  } catch {
    return undefined
  }
}

/**
 * The base URL as requests are built from it: no trailing slash, so `base + "/v1/contacts"` works
 * whether the client sits at the root or behind a gateway's path prefix.
 */
export const validateBaseUrl = (input: string | URL): Result.Result<string, HttpConfigError> => {
  const text = String(input).trim()
  const url = parse(text)
  if (url === undefined) {
    const withScheme = parse(`https://${text}`)
    if (withScheme !== undefined && isGraphApiHost(withScheme.hostname)) return invalid(graphApiMessage(text))
    return invalid(
      `${JSON.stringify(text)} is not a URL. Give the address of your WhatsApp Business API client with its ` +
        `scheme, e.g. https://your-coreapp:9090`
    )
  }
  if (isGraphApiHost(url.hostname)) return invalid(graphApiMessage(text))
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return invalid(`${JSON.stringify(url.protocol)} is not supported: the base URL must start with https:// (or http://)`)
  }
  if (url.username !== "" || url.password !== "") {
    // Never echo the input here: it holds a password.
    return invalid(
      "the base URL must not carry credentials (user:password@host): set username and password instead"
    )
  }
  if (url.search !== "" || url.hash !== "") {
    return invalid(`${JSON.stringify(text)} has a query or fragment: give only scheme, host, port and optional path prefix`)
  }
  return Result.succeed(`${url.origin}${url.pathname}`.replace(/\/+$/, ""))
}
