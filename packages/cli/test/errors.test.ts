/**
 * Exit codes and error messages: every failure maps to a documented code, and a secret never
 * survives into a message.
 */
import { describe, expect, it } from "vitest"
import { Redacted } from "effect"
import { Errors } from "@wa-contacts/core"
import * as fs from "node:fs"
import * as path from "node:path"
import { defect, describe as describeError, redact, toExit } from "../src/ErrorMessage.ts"
import { CATEGORY, Exit, ExitCode, exitCodeOf } from "../src/ExitCode.ts"
import { render } from "../src/Progress.ts"
import { VERSION } from "../src/version.ts"

const api = { status: 401, code: 1005, title: "Access denied", details: "" }

describe("exit codes", () => {
  it("2 for authentication errors, 1 for input errors, 3 for the rest", () => {
    expect(exitCodeOf(new Errors.Unauthorized(api))).toBe(ExitCode.Auth)
    expect(exitCodeOf(new Errors.PasswordChangeRequired({ ...api, code: 1024 }))).toBe(ExitCode.Auth)
    expect(exitCodeOf(new Errors.InputError({ field: "reason", input: "x", message: "too long" }))).toBe(ExitCode.Usage)
    expect(exitCodeOf(new Errors.NotEngaged({ ...api, status: 400, code: 2048 }))).toBe(ExitCode.Api)
    expect(exitCodeOf(new Errors.Overloaded({ ...api, status: 503, code: 1016 }))).toBe(ExitCode.Api)
    expect(exitCodeOf(new Errors.TransportError({ reason: "ConnectionRefused", message: "refused", retryable: true, requestSent: false }))).toBe(ExitCode.Api)
    expect(exitCodeOf(new Exit({ code: ExitCode.Processing, message: "" }))).toBe(4)
  })

  it("every tagged error core exports has an exit code and a message of its own (the type check enforces it; this shows it)", () => {
    // Each error class is exported under its tag's name.
    const tags = Object.entries(Errors)
      .filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof Error)
      .map(([name]) => name)
    expect(tags.length).toBeGreaterThan(10)
    for (const tag of tags) expect(CATEGORY, tag).toHaveProperty(tag)
  })

  it("a defect has its own exit code (70), not the usage code", () => {
    const exit = defect(new TypeError("x is undefined"))
    expect(exit.code).toBe(ExitCode.Internal)
    expect(exit.code).not.toBe(ExitCode.Usage)
    expect(exit.message).toContain("internal error")
  })

  it("messages say what happened and what to do", () => {
    expect(describeError(new Errors.Unauthorized({ ...api, details: "Invalid credentials." }))).toBe(
      "Access denied (HTTP 401, code 1005): Invalid credentials. — check --token / WA_TOKEN or --username / --password (WA_USERNAME / WA_PASSWORD)"
    )
  })
})

describe("secrets", () => {
  it("are blanked out of any message, plain or Redacted", () => {
    expect(redact("token abc123 and pw s3cret!", [Redacted.make("abc123"), "s3cret!"])).toBe("token *** and pw ***")
    const exit = toExit(new Errors.TransportError({ reason: "Other", message: "Bearer abc123 refused", retryable: false, requestSent: false }), [Redacted.make("abc123")])
    expect(exit.message).not.toContain("abc123")
    expect(exit.code).toBe(ExitCode.Api)
  })
})

describe("progress", () => {
  it("shows the share of the input read, the counts per status and the rate", () => {
    const line = render({ done: 1500, byStatus: { valid: 1000, invalid: 400, failed: 100, processing: 0 }, fraction: 0.5 }, 1000)
    expect(line).toBe("[############............] 50% 1,500 checked (1,000 valid, 400 invalid, 100 failed, 0 processing) · 1,500/s")
  })
})

describe("version", () => {
  it("--version matches package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })
})
