/**
 * The simulator's live page (`/_simulator/`) in a real headless Chromium (Debian's, driven by
 * playwright-core), against the BUILT `wa-contacts mock serve` on 127.0.0.1, with the built CLI
 * as the client: what the CLI does shows on the page, and what is done on the page the next CLI
 * run sees. Without /usr/bin/chromium these tests are reported as skipped, by name.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { BrowserContext, Page } from "playwright-core"
import { built, type Server, startServer, waBin } from "./support/bin.ts"

const CHROMIUM = "/usr/bin/chromium"
const hasChromium = fs.existsSync(CHROMIUM)
const TOKEN = "tok-PAGE-SECRET-5d1e"
const PASSWORD = "Pw-PAGE-SECRET-9#q"

if (!built()) throw new Error("the CLI is not built: run `pnpm --filter @wa-contacts/cli build` (the root test script builds first)")

/** Wait until `selector`'s text is `want` (or matches it); fail with what it was instead. */
const textBecomes = async (
  page: Page,
  selector: string,
  want: string | RegExp | ((text: string) => boolean),
  timeout = 10_000
): Promise<string> => {
  const deadline = Date.now() + timeout
  let last: string | null = null
  while (Date.now() < deadline) {
    last = await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => null)
    const ok = typeof want === "string" ? last === want : typeof want === "function" ? last !== null && want(last) : last !== null && want.test(last)
    if (last !== null && ok) return last
    await page.waitForTimeout(100)
  }
  throw new Error(`${selector}: expected ${String(want)}, was ${JSON.stringify(last)}`)
}

const counter = (key: string) => `#counters tr[data-key="${key}"] td`
const row = (table: "by-route" | "by-status", key: string) => `#${table} tr[data-key="${key}"] td`

describe.skipIf(!hasChromium)("the simulator's live page in headless Chromium (requires Chromium at /usr/bin/chromium)", () => {
  let context: BrowserContext
  let profile: string
  let server: Server
  let page: Page
  let pageErrors: Array<string>
  const env = () => ({ WA_BASE_URL: server.url, WA_TOKEN: TOKEN })
  const serverFaults = async () =>
    ((await server.control("faults", {})) as { faults: Record<string, unknown> }).faults

  beforeAll(async () => {
    const { chromium } = await import("playwright-core")
    // A fresh profile: nothing cached or remembered from another run.
    profile = fs.mkdtempSync(path.join(os.tmpdir(), "wa-page-chromium-"))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    })
  })
  afterAll(async () => {
    await context?.close()
    if (profile !== undefined) fs.rmSync(profile, { recursive: true, force: true })
  })

  beforeEach(async () => {
    server = await startServer(["--token", TOKEN, "--latency", "0"])
    page = await context.newPage()
    pageErrors = []
    page.on("pageerror", (error) => pageErrors.push(error.message))
    await page.goto(`${server.url}/_simulator/`)
    await page.locator("#status.live").waitFor({ timeout: 10_000 })
  })
  afterEach(async () => {
    await page?.close()
    await server?.stop()
    // An exception in the page's script is a failure of whichever test caused it.
    expect(pageErrors).toEqual([])
  })

  it("a check made with the CLI appears on the page: the counters and the requests by route and status", async () => {
    const numbers = ["+16315551000", "+16315551004", "+16315557777"]
    const run = await waBin(["check", ...numbers], { env: env() })
    expect(run.code).toBe(0)
    await textBecomes(page, counter("contacts_checked"), "3")
    await textBecomes(page, counter("lookups_started"), "3")
    await textBecomes(page, row("by-route", "POST /v1/contacts"), /^[1-9]\d*$/)
    await textBecomes(page, row("by-status", "200"), /^[1-9]\d*$/)
  })

  it("toggling a fault on the page makes the next CLI run see it: two 503s, retried", async () => {
    await page.fill("#fault-overloaded_next-input", "2")
    await page.click("#fault-overloaded_next button")
    await textBecomes(page, "#fault-overloaded_next .current", "2")
    // The switch is on the server, not only on the page.
    expect((await serverFaults())["overloaded_next"]).toBe(2)

    const run = await waBin(["check", "+16315551000"], { env: env() })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain("2 retried")
    await textBecomes(page, row("by-status", "503"), "2")
    await textBecomes(page, "#fault-overloaded_next .current", "0")
  })

  it("the rate limit switch turns the server's rate limit off and on", async () => {
    await textBecomes(page, "#fault-rate_limit .current", "20 rps, burst 60")
    await page.uncheck("#fault-rate_limit-on")
    await textBecomes(page, "#fault-rate_limit .current", "off")
    expect((await serverFaults())["rate_limit"]).toBe(false)
    await page.fill("#fault-rate_limit-rps", "1")
    await page.fill("#fault-rate_limit-burst", "1")
    await page.check("#fault-rate_limit-on")
    await textBecomes(page, "#fault-rate_limit .current", "1 rps, burst 1")
    expect((await serverFaults())["rate_limit"]).toEqual({ rps: 1, burst: 1 })
  })

  it("an inbound message sent from the page lets the CLI block the contact; a clock advance past 24 h ends that", async () => {
    const number = "+16315551000"
    expect((await waBin(["block", number], { env: env() })).code).toBe(3)
    await page.fill("#inbound-from", number)
    await page.click("#inbound-send")
    await textBecomes(page, "#last-action", /^inbound message: \{"message_id":"[^"]+"\}$/)
    await textBecomes(page, counter("inbound_messages"), "1")
    expect((await waBin(["block", number], { env: env() })).code).toBe(0)
    await textBecomes(page, counter("blocklist"), "1")

    const before = Date.parse(await textBecomes(page, counter("now"), /Z$/))
    await page.fill("#clock-seconds", "90000")
    await page.click("#clock-advance")
    await textBecomes(page, "#last-action", /^clock advance: /)
    // The page's simulator time moves 25 h forward (plus the real time the test takes).
    await textBecomes(page, counter("now"), (t) => Date.parse(t) - before >= 90_000_000)
    const late = await waBin(["report", number], { env: env() })
    expect(late.code).toBe(3)
  })

  it("an identity change from the page gives the contact a new, unacknowledged identity", async () => {
    await page.fill("#identity-wa-id", "16315551000")
    await page.click("#identity-change")
    const shown = await textBecomes(page, "#last-action", /^identity change: \{"hash":"[^"]+"\}$/)
    const hash = /"hash":"([^"]+)"/.exec(shown)![1]
    const identity = await fetch(`${server.url}/v1/contacts/16315551000/identity`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(((await identity.json()) as { contacts: unknown }).contacts).toMatchObject({ hash, acknowledged: false })
  })

  it("a control call the server refuses is shown as an error on the page, not swallowed", async () => {
    await page.fill("#identity-wa-id", "999")
    await page.click("#identity-change")
    await textBecomes(page, "#last-action.error", /^identity change failed: 404: unknown wa_id: 999$/)
  })

  it("never shows a token or a password: bearer tokens, Basic credentials, a new password set at login", async () => {
    const factory = `Basic ${Buffer.from("admin:secret").toString("base64")}`
    const login = await fetch(`${server.url}/v1/users/login`, {
      method: "POST",
      headers: { authorization: factory, "content-type": "application/json" },
      body: JSON.stringify({ new_password: PASSWORD })
    })
    const issued = ((await login.json()) as { users: Array<{ token: string }> }).users[0]!.token
    expect((await waBin(["check", "+16315551000"], { env: env() })).code).toBe(0)
    expect((await waBin(["check", "+16315551001", "--base-url", server.url, "--username", "admin", "--password", PASSWORD])).code).toBe(0)
    await textBecomes(page, row("by-route", "POST /v1/users/login"), /^[1-9]\d*$/)
    const html = await page.content()
    for (const secret of [TOKEN, PASSWORD, issued, Buffer.from(`admin:${PASSWORD}`).toString("base64"), factory]) {
      expect(html).not.toContain(secret)
    }
  })

  it("says it is offline when the server stops", async () => {
    await server.stop()
    await page.locator("#status.offline").waitFor({ timeout: 10_000 })
  })
})
