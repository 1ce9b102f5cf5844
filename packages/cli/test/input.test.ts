/**
 * Reading numbers (`--file`, `--column`): one number per line or a CSV column, read as a stream.
 * A bad line is a `failed` record naming the line and the problem, never a crash, and nothing
 * else is lost; a bad file or column is a clear error (exit 1).
 */
import { describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { lineProblem } from "../src/Input.ts"
import { records, wa } from "./support/inProcess.ts"

const write = (name: string, content: string | Buffer): string => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wa-cli-in-")), name)
  fs.writeFileSync(file, content)
  return file
}

describe("input: one number per line", () => {
  it("reads every line, skipping blank ones; CRLF and a BOM are fine; records carry their line", async () => {
    const file = write("numbers.txt", "\uFEFF+16315551000\r\n\r\n  +16315551002  \r\n+16315551004")
    const run = await wa(["check", "--mock", "--latency", "0", "--file", file])
    expect(run.code).toBe(0)
    expect(records(run).map((r) => [r["input"], r["line"], r["status"]])).toEqual([
      ["+16315551000", 1, "valid"],
      ["+16315551002", 3, "invalid"],
      ["+16315551004", 4, "valid"]
    ])
  })

  it("a line with invalid UTF-8 or a control character is a failed record naming the line; the others are checked", async () => {
    const bytes = Buffer.concat([
      Buffer.from("+16315551000\n"),
      Buffer.from([0x2b, 0x31, 0xff, 0xfe, 0x0a]), // "+1" and two bytes that are not UTF-8
      Buffer.from("+1631555\u00071001\n"),
      Buffer.from("+16315551004\n")
    ])
    const run = await wa(["check", "--mock", "--latency", "0", "--file", write("bad.txt", bytes)])
    expect(run.code).toBe(0)
    const rows = records(run)
    expect(rows.map((r) => r["status"])).toEqual(["valid", "failed", "failed", "valid"])
    expect(rows[1]?.["detail"]).toBe("line 2: not valid UTF-8")
    expect(rows[2]?.["detail"]).toBe("line 3: contains a control character (U+0007)")
  })

  it("names the problem of a line", () => {
    expect(lineProblem("+1 631", 7)).toBeUndefined()
    expect(lineProblem("+1\t631", 7)).toBe("line 7: contains a control character (U+0009)")
  })

  it("an input that is not a phone number is rejected locally, not sent", async () => {
    const run = await wa(["check", "--mock", "--latency", "0", "call me", "+16315551000"])
    const rows = records(run)
    expect(rows[0]).toMatchObject({ status: "failed" })
    expect(String(rows[0]?.["detail"])).toContain("not sent")
    expect(rows[1]).toMatchObject({ status: "valid" })
  })
})

describe("input: a CSV column", () => {
  const csv = "name,phone,note\nAlice,+16315551000,\"says \"\"hi\"\", often\"\nBob,+16315551002,x\n\"Carol, Jr.\",\"+1 (631) 555-1004\",\n"

  it("--column NAME takes that column of a file with a header (quoted fields, commas inside)", async () => {
    const run = await wa(["check", "--mock", "--latency", "0", "--file", write("c.csv", csv), "--column", "phone"])
    expect(run.code).toBe(0)
    expect(records(run).map((r) => [r["input"], r["line"], r["status"]])).toEqual([
      ["+16315551000", 2, "valid"],
      ["+16315551002", 3, "invalid"],
      ["+1 (631) 555-1004", 4, "valid"]
    ])
  })

  it("--column INDEX is 1-based; a first row without digits there is a header", async () => {
    const run = await wa(["check", "--mock", "--latency", "0", "--file", write("c.csv", csv), "--column", "2"])
    expect(records(run).map((r) => r["input"])).toEqual(["+16315551000", "+16315551002", "+1 (631) 555-1004"])
    const headless = await wa(["check", "--mock", "--latency", "0", "--file", write("h.csv", "+16315551000,a\n+16315551002,b\n"), "--column", "1"])
    expect(records(headless).map((r) => r["input"])).toEqual(["+16315551000", "+16315551002"])
  })

  it("a row without the column is a failed record naming the line", async () => {
    const run = await wa(["check", "--mock", "--latency", "0", "--file", write("s.csv", "name,phone\nAlice,+16315551000\nBob\n"), "--column", "phone"])
    const rows = records(run)
    expect(rows.map((r) => r["status"])).toEqual(["valid", "failed"])
    expect(rows[1]?.["detail"]).toBe("line 3: no column 2 (the row has 1)")
  })

  it("a missing column is an error naming the column and the columns there are (exit 1)", async () => {
    const run = await wa(["check", "--mock", "--file", write("c.csv", csv), "--column", "mobile"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("no column \"mobile\"")
    expect(run.stderr).toContain("\"name\", \"phone\", \"note\"")
  })

  it("a CSV that breaks mid-file: the rows before it are checked and written, then exit 1 naming the line", async () => {
    const broken = "phone\n+16315551000\n+16315551004\n\"+1631555\n"
    const run = await wa(["check", "--mock", "--latency", "0", "--file", write("b.csv", broken), "--column", "phone"])
    expect(run.code).toBe(1)
    expect(records(run).map((r) => r["input"])).toEqual(["+16315551000", "+16315551004"])
    expect(run.stderr).toMatch(/not readable as CSV/)
  })

  it("--column needs --file", async () => {
    const run = await wa(["check", "--mock", "--column", "phone", "+16315551000"])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("--column needs --file")
  })
})
