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
  timeout = 20_000
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

// A browser and two processes per test on a shared machine: generous limits, no timing asserted.
describe.skipIf(!hasChromium)("the simulator's live page in headless Chromium (requires Chromium at /usr/bin/chromium)", { timeout: 90_000 }, () => {
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
    await page.locator("#status.live").waitFor({ timeout: 20_000 })
  })
  afterEach(async () => {
    // The server first, while the page still polls it: how a user stops `mock serve`.
    await server?.stop()
    await page?.close()
    // An exception in the page's script is a failure of whichever test caused it.
    expect(pageErrors).toEqual([])
  })

  it("a check made with the CLI appears on the page: its journal entry with the numbers, and the counters", async () => {
    const numbers = ["+16315551000", "+16315551004", "+16315557777"]
    const run = await waBin(["check", ...numbers], { env: env() })
    expect(run.code).toBe(0)
    const checks = page.locator("#journal-rows tr.entry").filter({ has: page.locator("td.path", { hasText: /^\/v1\/contacts$/ }) })
    await checks.first().waitFor({ timeout: 20_000 })
    // The first check request carried the three numbers and started their lookups.
    const first = checks.last()
    expect(await first.locator("td.method").textContent()).toBe("POST")
    expect(await first.locator("td.status").textContent()).toBe("200")
    expect(await first.locator("td.lookups").textContent()).toBe("3")
    const shown = await first.locator("td.numbers").textContent()
    for (const n of ["16315551000", "16315551004", "16315557777"]) expect(shown).toContain(n)
    // As many rows as the journal holds check requests.
    const journal = (await (await fetch(`${server.url}/_simulator/requests?path=/v1/contacts`)).json()) as { matched: number }
    await textBecomes(page, "#journal-info", /^\d+ in the journal/)
    expect(await checks.count()).toBe(journal.matched)
    await textBecomes(page, counter("contacts_checked"), String(3 * journal.matched))
    await textBecomes(page, counter("lookups_started"), "3")
    await textBecomes(page, row("by-route", "POST /v1/contacts"), String(journal.matched))
  })

  it("toggling a fault on the page makes the next CLI run see it: two 503s, retried, in the journal", async () => {
    await page.fill("#fault-overloaded_next-input", "2")
    await page.click("#fault-overloaded_next button")
    await textBecomes(page, "#fault-overloaded_next .current", "2")
    // The switch is on the server, not only on the page.
    expect((await serverFaults())["overloaded_next"]).toBe(2)

    const run = await waBin(["check", "+16315551000"], { env: env() })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain("2 retries after errors")
    await textBecomes(page, row("by-status", "503"), "2")
    await textBecomes(page, "#fault-overloaded_next .current", "0")
    const overloaded = page.locator("#journal-rows tr.entry").filter({ has: page.locator("td.fault", { hasText: "overloaded" }) })
    await overloaded.nth(1).waitFor({ timeout: 20_000 })
    expect(await overloaded.count()).toBe(2)
    expect(await overloaded.first().locator("td.status").textContent()).toBe("503")
    expect(await overloaded.first().locator("td.error").textContent()).toBe("1016")
  })

  it("switching the version on the page makes the next CLI run report repurposed results", async () => {
    await textBecomes(page, "#version", "2.41.3")
    expect((await waBin(["check", "+16315551002"], { env: env() })).stderr).toContain("semantics: legacy")
    await page.fill("#version-input", "2.45.1")
    await page.click("#version-switch")
    await textBecomes(page, "#version", "2.45.1")
    await textBecomes(page, "#semantics", "(repurposed)")
    const run = await waBin(["check", "+16315551002"], { env: env() })
    expect(run.stderr).toContain("semantics: repurposed")
  })

  it("a version switch scheduled on the page after one more check takes effect after the next CLI run", async () => {
    await page.fill("#version-input", "2.45.1")
    await page.fill("#version-after", "1")
    await page.click("#version-switch")
    await textBecomes(page, "#last-action", /^version switch: /)
    await textBecomes(page, "#version", "2.41.3")
    expect((await waBin(["check", "+16315551002"], { env: env() })).stderr).toContain("semantics: legacy")
    await textBecomes(page, "#version", "2.45.1")
    expect((await waBin(["check", "+16315551002"], { env: env() })).stderr).toContain("semantics: repurposed")
  })

  it("the journal filter on the page shows only the entries whose method, path or body match", async () => {
    expect((await waBin(["check", "+16315551000"], { env: env() })).code).toBe(0)
    expect((await waBin(["block", "+16315551004"], { env: env() })).code).toBe(3)
    const entries = page.locator("#journal-rows tr.entry")
    await entries.nth(1).waitFor({ timeout: 20_000 })
    await page.fill("#journal-filter", "/block")
    const visible = page.locator("#journal-rows tr.entry:visible")
    await textBecomes(page, "#journal-rows tr.entry:visible td.path", "/v1/contacts/%2B16315551004/block")
    expect(await visible.count()).toBe(1)
    await page.fill("#journal-filter", "")
    expect(await visible.count()).toBe(await entries.count())
  })

  it("a scenario run from the page switches the server, and the fault switches can be cleared there", async () => {
    await page.locator("#scenario option[value=\"overloaded\"]").waitFor({ state: "attached", timeout: 10_000 })
    await page.selectOption("#scenario", "overloaded")
    await textBecomes(page, "#scenario-description", /^the next 5 API requests get 503/)
    await page.click("#scenario-run")
    await textBecomes(page, "#last-action", /^scenario: .*"scenario":"overloaded"/)
    await textBecomes(page, "#fault-overloaded_next .current", "5")
    expect((await serverFaults())["overloaded_next"]).toBe(5)
    await page.click("#faults-clear")
    await textBecomes(page, "#fault-overloaded_next .current", "0")
    expect((await serverFaults())["overloaded_next"]).toBe(0)
  })

  it("reset on the page empties the journal and the counts; a reset made elsewhere is noticed too", async () => {
    expect((await waBin(["check", "+16315551000"], { env: env() })).code).toBe(0)
    await page.locator("#journal-rows tr.entry").first().waitFor({ timeout: 20_000 })
    await page.click("#reset")
    await textBecomes(page, "#last-action", "reset: {\"reset\":true}")
    await textBecomes(page, counter("contacts_checked"), "0")
    await textBecomes(page, "#journal-info", /^0 in the journal/)
    expect(await page.locator("#journal-rows tr.entry").count()).toBe(0)

    // Two requests, a reset behind the page's back, then one: the page shows only that one.
    expect((await waBin(["check", "+16315551001"], { env: env() })).code).toBe(0)
    await page.locator("#journal-rows tr.entry").first().waitFor({ timeout: 20_000 })
    await server.control("reset", {})
    expect((await waBin(["block", "+16315551004"], { env: env() })).code).toBe(3)
    await textBecomes(page, "#journal-rows tr.entry td.path", "/v1/contacts/%2B16315551004/block")
    await textBecomes(page, "#journal-info", /^1 in the journal/)
    expect(await page.locator("#journal-rows tr.entry").count()).toBe(1)
  })

  it("what a request carried is shown as text, never run as markup", async () => {
    const hostile = ["<img src=x onerror=\"window.__pwned=1\">", "<script>window.__pwned=2</script>", "\"><svg onload=window.__pwned=3>"]
    const response = await fetch(`${server.url}/v1/contacts?<b>q</b>=<i>v</i>`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ contacts: hostile })
    })
    expect(response.status).toBe(200)
    const entry = page.locator("#journal-rows tr.entry").first()
    await entry.waitFor({ timeout: 20_000 })
    expect(await entry.locator("td.path").textContent()).toContain("<b>q</b>")
    await entry.click()
    const details = await page.locator("#journal-rows tr.details pre").textContent()
    for (const h of hostile) expect(details).toContain(JSON.stringify(h))
    expect(await page.locator("#journal img, #journal script, #journal svg, #journal b, #journal i").count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
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
    await page.locator("#status.offline").waitFor({ timeout: 20_000 })
  })
})

describe("the simulator's live page and mock serve --no-control", () => {
  it("is not served when the control surface is off: 404, and no HTML", async () => {
    const off = await startServer(["--token", TOKEN, "--no-control"])
    try {
      const response = await fetch(`${off.url}/_simulator/`)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain("<html")
    } finally {
      await off.stop()
    }
  })
})
