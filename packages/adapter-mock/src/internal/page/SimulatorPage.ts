/**
 * The simulator's live page at `/_simulator/`: one self-contained HTML document (inline CSS and
 * vanilla JS, no framework, nothing fetched from elsewhere) that polls the JSON control surface
 * and shows the request journal as it grows, the state counters and the fault switches, with
 * buttons for the scenarios, an inbound message, an identity change and a clock advance.
 *
 * It is served only where the control surface is (`control: true`). Everything it renders from
 * the server is set as text (journal bodies are user data), and its Content-Security-Policy lets
 * no script run but its own, by hash.
 *
 * @internal
 */
import { Transport } from "@wa-contacts/core"
import { createHash } from "node:crypto"
import { script } from "./script.ts"
import { style } from "./style.ts"

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

/** The page's HTML. */
export const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>wa-contacts simulator</title>
<style>${style}</style>
</head>
<body>
<header>
  <h1>wa-contacts simulator</h1>
  <span>version <b id="version">…</b> <span id="semantics" class="muted"></span></span>
  <span id="status" role="status">connecting…</span>
</header>
<main>
<div>
  <section id="state">
    <h2>State</h2>
    <table><tbody id="counters"></tbody></table>
    <h3>Requests by route</h3>
    <table><tbody id="by-route"></tbody></table>
    <h3>Responses by status</h3>
    <table><tbody id="by-status"></tbody></table>
  </section>
  <section id="faults">
    <h2>Fault switches</h2>
    <div id="fault-rows"></div>
    <div class="row"><button id="faults-clear" type="button">Clear all faults</button></div>
  </section>
  <section id="actions">
    <h2>Actions</h2>
    <div class="row" id="scenario-row"><label for="scenario">Scenario</label><select id="scenario"></select><button id="scenario-run" type="button">Run</button></div>
    <div class="row muted" id="scenario-description"></div>
    <div class="row" id="version-row"><label for="version-input">Switch version to</label><input id="version-input" type="text" value="2.45.1">
      <label for="version-after" class="muted">after</label><input id="version-after" type="number" min="0" step="1" value="0" title="after this many more check requests (0: now)"><span class="muted">checks</span>
      <button id="version-switch" type="button">Switch</button></div>
    <div class="row"><label for="inbound-from">Inbound message from</label><input id="inbound-from" type="text" value="+16315551000"><button id="inbound-send" type="button">Send</button></div>
    <div class="row"><label for="identity-wa-id">Identity change, wa_id</label><input id="identity-wa-id" type="text" value="16315551000"><button id="identity-change" type="button">Change</button></div>
    <div class="row"><label for="clock-seconds">Advance clock (s)</label><input id="clock-seconds" type="number" min="0" value="86400"><button id="clock-advance" type="button">Advance</button></div>
    <div class="row" id="reset-row"><button id="reset" type="button">Reset everything</button></div>
    <div id="last-action" role="status" aria-live="polite"></div>
  </section>
</div>
<section id="journal">
  <h2>Request journal</h2>
  <div class="row">
    <input id="journal-filter" type="text" placeholder="filter: method, path, number…">
    <label><input id="journal-pause" type="checkbox"> pause</label>
    <span id="journal-info" class="muted"></span>
  </div>
  <table id="journal-table">
    <thead><tr><th>#</th><th>time</th><th>method</th><th>path</th><th>status</th><th>error</th><th>numbers</th><th title="lookups started">lookups</th><th>fault</th><th>ms</th></tr></thead>
    <tbody id="journal-rows"></tbody>
  </table>
</section>
</main>
<script>${script}</script>
</body>
</html>
`

/** The page's Content-Security-Policy: its own inline script and style only, requests to itself only. */
export const contentSecurityPolicy = [
  "default-src 'none'",
  `script-src ${sha256(script)}`,
  `style-src ${sha256(style)}`,
  "connect-src 'self'",
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ")

/** The headers the page is served with. */
export const headers: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": contentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
}

/** The answer to `GET /_simulator/`. */
export const response: Transport.TransportResponse = { status: 200, headers, body: Transport.textBody(html) }
