/**
 * The live page at `/_simulator/` over a real socket: how it is served, that it is only where the
 * control surface is, and what its script may not do. Its behaviour in a browser is tested with
 * headless Chromium in packages/cli/test/simulator-page.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { type SimulatorConfig, SimulatorServer } from "../src/index.ts"

const withServer = <A>(config: SimulatorConfig.SimulatorConfig, body: (url: string) => Promise<A>) =>
  Effect.gen(function*() {
    const server = yield* SimulatorServer.SimulatorServer
    return yield* Effect.promise(() => body(server.url))
  }).pipe(Effect.provide(SimulatorServer.layer(config)))

const inline = (html: string, tag: "script" | "style"): string => {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)
  if (match === null) throw new Error(`no inline <${tag}>`)
  return match[1]!
}
const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

describe("the live page at /_simulator/", () => {
  it.live("is served as HTML, with and without the trailing slash", () =>
    withServer({}, async (url) => {
      for (const path of ["/_simulator/", "/_simulator"]) {
        const response = await fetch(url + path)
        expect(response.status).toBe(200)
        expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8")
        expect(response.headers.get("x-content-type-options")).toBe("nosniff")
        expect(response.headers.get("cache-control")).toBe("no-store")
        const html = await response.text()
        expect(html).toMatch(/^<!doctype html>/)
        expect(html).toContain("<title>wa-contacts simulator</title>")
      }
    }))

  it.live("its Content-Security-Policy lets run only the script and style it serves, and fetch only from itself", () =>
    withServer({}, async (url) => {
      const response = await fetch(`${url}/_simulator/`)
      const csp = response.headers.get("content-security-policy") ?? ""
      const html = await response.text()
      const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(" ")]))
      expect(directives["default-src"]).toBe("'none'")
      expect(directives["script-src"]).toBe(hashOf(inline(html, "script")))
      expect(directives["style-src"]).toBe(hashOf(inline(html, "style")))
      expect(directives["connect-src"]).toBe("'self'")
      expect(directives["frame-ancestors"]).toBe("'none'")
    }))

  it.live("loads nothing from elsewhere and never parses server data as markup", () =>
    withServer({}, async (url) => {
      const html = await (await fetch(`${url}/_simulator/`)).text()
      // No CDN, no framework: the only URLs are the control surface's own paths.
      expect(html).not.toMatch(/https?:\/\//)
      expect(html).not.toMatch(/\ssrc=/)
      const script = inline(html, "script")
      for (const sink of ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "DOMParser", "createContextualFragment"]) {
        expect(script, sink).not.toContain(sink)
      }
    }))

  it.live("is not served when the control surface is off", () =>
    withServer({ control: false }, async (url) => {
      const response = await fetch(`${url}/_simulator/`)
      expect(response.status).toBe(404)
      expect(response.headers.get("content-type")).toBe("application/json")
      expect(await response.text()).not.toContain("<html")
    }))

  it.live("answers 405 to a method other than GET", () =>
    withServer({}, async (url) => {
      const response = await fetch(`${url}/_simulator/`, { method: "POST", body: "{}" })
      expect(response.status).toBe(405)
      expect(((await response.json()) as { errors: Array<{ code: number }> }).errors[0]!.code).toBe(1000)
    }))

  it.live("loading it is not API traffic: the state's counts stay empty", () =>
    withServer({}, async (url) => {
      await (await fetch(`${url}/_simulator/`)).text()
      const state = (await (await fetch(`${url}/_simulator/state`)).json()) as { requests: object; responses: object }
      expect(state.requests).toEqual({})
      expect(state.responses).toEqual({})
    }))
})
