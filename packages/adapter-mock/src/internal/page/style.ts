/**
 * The stylesheet of the simulator's page (inline, so the page needs no other request and works
 * offline; its hash goes into the page's Content-Security-Policy).
 *
 * @internal
 */

/** The page's CSS. */
export const style = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; --bad: #c33; --good: #393; --warn: #c80; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; }
header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header h1 { font-size: 1.1em; margin: 0; }
main { display: grid; grid-template-columns: minmax(32em, 36em) 1fr; gap: 0 1em; padding: 0 1em 1em; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
section { padding: .4em 0; }
h2 { font-size: 1em; margin: .8em 0 .4em; border-bottom: 1px solid var(--line); }
h3 { font-size: .9em; margin: .6em 0 .2em; color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .15em .4em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.row { display: flex; gap: .4em; align-items: center; margin: .25em 0; flex-wrap: wrap; }
.row > label:first-child { min-width: 9.5em; }
.current { color: var(--muted); min-width: 6em; font-variant-numeric: tabular-nums; }
input[type=number] { width: 5.5em; }
input[type=text] { width: 10em; }
#fault-rate_limit-rps, #fault-rate_limit-burst, #version-after { width: 3.6em; }
#fault-rate_limit .current { min-width: 0; }
#version-input { width: 6em; }
button { cursor: pointer; }
#status { font-size: .9em; }
#status.offline { color: var(--bad); }
#status.live { color: var(--good); }
#last-action { font-size: .9em; white-space: pre-wrap; word-break: break-all; min-height: 1.4em; }
#last-action.error { color: var(--bad); }
#journal-table tbody tr.entry { cursor: pointer; }
#journal-table tbody tr.entry:hover { background: #8881; }
#journal-table td { font-family: ui-monospace, monospace; font-size: .85em; }
tr.s4xx td.status, tr.s5xx td.status, tr.sdropped td.status { color: var(--bad); font-weight: 600; }
tr.s2xx td.status { color: var(--good); }
td.fault { color: var(--warn); }
tr.details pre { margin: 0; white-space: pre-wrap; word-break: break-all; max-height: 24em; overflow: auto; }
.muted { color: var(--muted); }
`
