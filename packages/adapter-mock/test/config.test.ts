import { describe, expect, it } from "@effect/vitest"
import { Lookups, SimulatorConfig } from "../src/index.ts"

describe("configuration defaults", () => {
  it("in-process: version 2.41.3, registered +16315550000, 500 ms, admin/secret, no rate limit", () => {
    const config = SimulatorConfig.resolve({}, "in-process")
    expect(config).toMatchObject({
      version: "2.41.3",
      registered: "+16315550000",
      allUsers: false,
      lookupLatencyMs: 500,
      accounts: [{ username: "admin", password: "secret", mustChangePassword: true }],
      tokens: [],
      rateLimit: false,
      control: true,
      maxBodyBytes: 1024 * 1024,
      host: "127.0.0.1",
      port: 0
    })
    expect(config.users.map((u) => u.number)).toEqual([
      "+16315551000", "+16315551001", "+16315551004", "+16315551005", "+15162837151", "+5491156121008"
    ])
  })

  it("over HTTP the documented rate limit is on unless turned off", () => {
    expect(SimulatorConfig.resolve({}, "http").rateLimit).toEqual({ rps: 20, burst: 60 })
    expect(SimulatorConfig.resolve({ rateLimit: false }, "http").rateLimit).toBe(false)
  })
})

describe("users file", () => {
  it("reads an array of objects or strings, or the same under \"users\"", () => {
    expect(SimulatorConfig.parseUsersFile("[{\"number\": \"+5511912345678\", \"wa_id\": \"551112345678\"}, \"+447911123456\"]")).toEqual([
      { number: "+5511912345678", waId: "551112345678" },
      { number: "+447911123456" }
    ])
    expect(SimulatorConfig.parseUsersFile("{\"users\": [{\"number\": \"+16315551000\"}]}")).toEqual([{ number: "+16315551000" }])
  })

  it("rejects anything else with a message", () => {
    expect(() => SimulatorConfig.parseUsersFile("{}")).toThrow(/users file/)
    expect(() => SimulatorConfig.parseUsersFile("[{\"wa_id\": \"1\"}]")).toThrow(/entry 0/)
    expect(() => SimulatorConfig.parseUsersFile("[{\"number\": 1}]")).toThrow(/entry 0/)
    expect(() => SimulatorConfig.parseUsersFile("not json")).toThrow()
  })
})

describe("version semantics: < 2.43 legacy, compared numerically, with or without v", () => {
  const cases: ReadonlyArray<[string, boolean]> = [
    ["2.41.3", true], ["v2.41.3", true], ["2.42.0", true], ["2.9.9", true], ["1.0", true],
    ["2.43.0", false], ["v2.45.1", false], ["2.100.0", false], ["3", false], ["garbage", false]
  ]
  for (const [version, legacy] of cases) {
    it(`${version} → ${legacy ? "legacy" : "repurposed"}`, () => {
      expect(Lookups.isLegacyVersion(version)).toBe(legacy)
    })
  }
})
