/**
 * Spec §2 "Status semantics depend on the server version": parsing, the 2.43 boundary, and where
 * the semantics come from (configuration, then meta.version, then unknown).
 */
import { describe, expect, it } from "@effect/vitest"
import { ApiVersion } from "@wa-contacts/core"

describe("parsing a server version", () => {
  it.each([
    ["2.41.3", { major: 2, minor: 41, patch: 3 }],
    ["v2.45.1", { major: 2, minor: 45, patch: 1 }],
    ["V2.45.1", { major: 2, minor: 45, patch: 1 }],
    ["2.43", { major: 2, minor: 43, patch: 0 }],
    ["2.100.0", { major: 2, minor: 100, patch: 0 }],
    [" 2.41.3 ", { major: 2, minor: 41, patch: 3 }],
    ["2.45.1-beta.2", { major: 2, minor: 45, patch: 1 }]
  ])("%s", (text, expected) => {
    expect(ApiVersion.parseVersion(text)).toEqual(expected)
  })

  it.each(["", "garbage", "v", "latest", "x2.41.3", "2", "v2", "2.x", "2.4x", "2.41.3.7", "2.41.3 beta"])("%j is not a version", (text) => {
    expect(ApiVersion.parseVersion(text)).toBeUndefined()
  })
})

describe("the boundary: < 2.43 legacy, >= 2.43 repurposed, compared numerically", () => {
  it.each([
    ["2.41.9", "legacy"],
    ["2.41.3", "legacy"],
    ["2.9.99", "legacy"],
    ["2.42", "legacy"],
    ["2.42.99", "legacy"],
    ["2.43.0", "repurposed"],
    ["v2.45.1", "repurposed"],
    ["2.100.0", "repurposed"],
    ["3.0.0", "repurposed"],
    ["1.99.99", "legacy"]
  ])("%s is %s", (text, semantics) => {
    expect(ApiVersion.resolveSemantics(undefined, text)).toBe(semantics)
  })

  it("garbage or nothing reported is unknown, never legacy", () => {
    expect(ApiVersion.resolveSemantics(undefined, "garbage")).toBe("unknown")
    expect(ApiVersion.resolveSemantics(undefined, "2.x")).toBe("unknown")
    expect(ApiVersion.resolveSemantics(undefined, undefined)).toBe("unknown")
  })
})

describe("where the semantics come from: configuration, then meta.version, then unknown", () => {
  it("an explicit version beats meta.version", () => {
    expect(ApiVersion.resolveSemantics("2.41.3", "v2.45.1")).toBe("legacy")
    expect(ApiVersion.resolveSemantics("v2.45.1", "2.41.3")).toBe("repurposed")
  })

  it("explicit semantics by name beat meta.version", () => {
    expect(ApiVersion.resolveSemantics("legacy", "v2.45.1")).toBe("legacy")
    expect(ApiVersion.resolveSemantics("repurposed", "2.41.3")).toBe("repurposed")
    expect(ApiVersion.resolveSemantics("unknown", "2.41.3")).toBe("unknown")
  })

  it("a parsed Version works as the setting too", () => {
    expect(ApiVersion.resolveSemantics({ major: 2, minor: 43, patch: 0 }, "2.41.3")).toBe("repurposed")
  })

  it("without configuration, meta.version decides", () => {
    expect(ApiVersion.resolveSemantics(undefined, "2.41.3")).toBe("legacy")
  })

  it("compareVersions orders numerically, not as text", () => {
    expect(ApiVersion.compareVersions({ major: 2, minor: 9, patch: 0 }, { major: 2, minor: 43, patch: 0 })).toBeLessThan(0)
    expect(ApiVersion.formatVersion({ major: 2, minor: 41, patch: 3 })).toBe("2.41.3")
  })
})
