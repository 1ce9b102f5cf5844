/**
 * block, unblock, blocklist, report and identity against the in-process simulator (`--mock`):
 * the rules of spec §3–4 surface as exit codes with messages that say what to do. (The flows with
 * a recorded inbound message are in e2e.test.ts, against `mock serve`.)
 */
import { describe, expect, it } from "vitest"
import { records, wa } from "./support/inProcess.ts"

describe("block, unblock, report", () => {
  it("blocking a contact that has not messaged in 24 h: exit 3, and the message says why", async () => {
    const run = await wa(["block", "--mock", "+16315551000"])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("Not engaged contact")
    expect(run.stderr).toContain("24 hours")
  })

  it("a reason of 60 characters is rejected before sending (exit 1)", async () => {
    const run = await wa(["block", "--mock", "+16315551000", "--reason", "x".repeat(60)])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("reason")
  })

  it("unblocking a contact that is not blocked succeeds", async () => {
    const run = await wa(["unblock", "--mock", "+16315551000"])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe("unblocked +16315551000")
  })

  it("report follows the engagement rule too", async () => {
    expect((await wa(["report", "--mock", "+16315551000", "--block"])).code).toBe(3)
  })

  it("a number that is not a phone number: exit 1", async () => {
    expect((await wa(["unblock", "--mock", "not/a/number"])).code).toBe(1)
  })
})

describe("blocklist", () => {
  it("an empty blocklist: no records, and a note on stderr", async () => {
    const run = await wa(["blocklist", "--mock", "--format", "json"])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual([])
    expect(run.stderr).toContain("no blocked contacts")
  })

  it("--all fetches every page and refuses --limit", async () => {
    expect((await wa(["blocklist", "--mock", "--all", "--format", "csv"])).stdout).toBe("wa_id,jid")
    expect((await wa(["blocklist", "--mock", "--all", "--limit", "5"])).code).toBe(1)
  })

  it("a --limit out of 1..200 is rejected before sending (exit 1)", async () => {
    expect((await wa(["blocklist", "--mock", "--limit", "201"])).code).toBe(1)
  })
})

describe("identity", () => {
  it("get prints the latest identity as a record", async () => {
    const run = await wa(["identity", "get", "--mock", "16315551000", "--format", "ndjson"])
    expect(run.code).toBe(0)
    const [identity] = records(run)
    expect(Object.keys(identity ?? {})).toEqual(["input", "hash", "created", "created_timestamp", "acknowledged"])
    expect(identity?.["input"]).toBe("16315551000")
    expect(typeof identity?.["hash"]).toBe("string")
  })

  it("ack with a hash that is not the latest: exit 3; an unknown wa_id: exit 3", async () => {
    expect((await wa(["identity", "ack", "--mock", "16315551000", "--hash", "bm90LWl0"])).code).toBe(3)
    const unknown = await wa(["identity", "get", "--mock", "19999999999"])
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toContain("404")
  })
})
