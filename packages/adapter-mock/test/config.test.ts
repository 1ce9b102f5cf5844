import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { SimulatorConfig } from "../src/index.ts"
import { servedVersion } from "../src/internal/Versions.ts"

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
    expect(SimulatorConfig.parseUsersFile("[{\"number\": \"+5511912345678\", \"wa_id\": \"551112345678\"}, \"+447911123456\"]")).toEqual(Result.succeed([
      { number: "+5511912345678", waId: "551112345678" },
      { number: "+447911123456" }
    ]))
    expect(SimulatorConfig.parseUsersFile("{\"users\": [{\"number\": \"+16315551000\"}]}")).toEqual(Result.succeed([{ number: "+16315551000" }]))
  })

  it("rejects anything else with a message", () => {
    const failure = (text: string) => {
      const result = SimulatorConfig.parseUsersFile(text)
      if (Result.isSuccess(result)) throw new Error(`${text} was accepted`)
      return result.failure
    }
    expect(failure("{}")).toMatch(/expected an array of users/)
    expect(failure("[{\"wa_id\": \"1\"}]")).toMatch(/\[0\]/)
    expect(failure("[{\"number\": 1}]")).toMatch(/\[0\]/)
    expect(failure("[{\"number\": \"+1\", \"waid\": \"1\"}]")).toMatch(/waid/)
    expect(failure("not json")).toMatch(/not JSON/)
  })
})

describe("version semantics by core's rule: < 2.43 legacy, compared numerically, with or without v", () => {
  const cases: ReadonlyArray<[string, boolean]> = [
    ["2.41.3", true], ["v2.41.3", true], ["2.42.0", true], ["2.9.9", true], ["1.0", true],
    ["2.43.0", false], ["v2.45.1", false], ["2.100.0", false], ["legacy", true], ["repurposed", false], ["unknown", false]
  ]
  for (const [version, legacy] of cases) {
    it(`${version} → ${legacy ? "legacy" : "repurposed"}`, () => {
      expect(servedVersion(version)?.legacy).toBe(legacy)
    })
  }

  it.each(["2", "3", "v2", "garbage", "nonsense", "2.x", "Legacy", ""])("%j is not a version: refused, never guessed", (version) => {
    expect(servedVersion(version)).toBeUndefined()
  })
})

describe("the package's public surface", () => {
  it("exposes only Simulator, SimulatorConfig, SimulatorTransport, SimulatorServer and Faults", async () => {
    const module = await import("@wa-contacts/adapter-mock")
    expect(Object.keys(module).sort()).toEqual(["Faults", "Simulator", "SimulatorConfig", "SimulatorServer", "SimulatorTransport"])
  })
})
