/**
 * The script of the simulator's page: vanilla JS, run as is by the browser (no build step). It
 * polls the JSON control surface and builds the DOM with `createElement` and `textContent` only:
 * what the journal holds is user data, and none of it is ever parsed as HTML.
 *
 * Kept as a plain string (no template literal placeholders inside), so that its hash in the
 * page's Content-Security-Policy is the hash of exactly what is served.
 *
 * @internal
 */

import { Version } from "@wa-contacts/core"

/** The page's JS (the first repurposed version comes from the core: one source for that fact). */
export const script = String.raw`
"use strict";
(() => {
  const POLL_MS = 700;
  const REPURPOSED_SINCE = __REPURPOSED_SINCE__;
  const MAX_ROWS = 500;
  const byId = (id) => document.getElementById(id);

  // Every element is built here; text goes in as text nodes, never as markup.
  const el = (tag, props, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null) continue;
      if (k === "text") e.textContent = String(v);
      else if (k === "class") e.className = String(v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children) e.append(c);
    return e;
  };

  const api = async (method, route, body) => {
    const init = { method, cache: "no-store", headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch("/_simulator/" + route, init);
    const text = await res.text();
    let json;
    try { json = text === "" ? undefined : JSON.parse(text); } catch (_) { json = undefined; }
    if (!res.ok) {
      const first = json && Array.isArray(json.errors) ? json.errors[0] : undefined;
      const error = new Error(res.status + ": " + (first && first.details ? first.details : text.slice(0, 200)));
      error.status = res.status;
      throw error;
    }
    return json;
  };

  // ---------------------------------------------------------------- messages and status
  const lastAction = byId("last-action");
  const say = (what, answer) => {
    lastAction.className = "";
    lastAction.textContent = what + (answer === undefined ? "" : ": " + JSON.stringify(answer));
  };
  const sayError = (what, error) => {
    lastAction.className = "error";
    lastAction.textContent = what + " failed: " + (error && error.message ? error.message : String(error));
  };
  const statusEl = byId("status");
  const setStatus = (error) => {
    statusEl.className = error === undefined ? "live" : "offline";
    statusEl.textContent = error === undefined
      ? "live · updated " + new Date().toLocaleTimeString()
      : "offline: " + (error && error.message ? error.message : String(error));
  };

  // ---------------------------------------------------------------- state counters
  const labelOf = (key) => key.replace(/_/g, " ");
  const rows = (tbody, list) => {
    tbody.replaceChildren(...list.map(([key, label, value]) =>
      el("tr", { "data-key": key }, el("th", { text: label }), el("td", { class: "num", text: value }))
    ));
  };
  const renderState = (state) => {
    const scalars = [];
    for (const [key, value] of Object.entries(state)) {
      if (key === "now" || key === "version") continue;
      if (value === null || typeof value !== "object") scalars.push([key, labelOf(key), value]);
    }
    if (typeof state.now === "number") scalars.push(["now", "simulator time", new Date(state.now).toISOString()]);
    rows(byId("counters"), scalars);
    const table = (obj) => Object.entries(obj || {}).sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => [k, k, v]);
    rows(byId("by-route"), table(state.requests));
    rows(byId("by-status"), table(state.responses));
    if (typeof state.version === "string") showVersion(state.version);
  };
  const showVersion = (version) => {
    byId("version").textContent = version;
    // The server only takes versions the core can read, so their form is known: [v]major.minor[.patch].
    const m = /^\s*[vV]?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
    if (m === null) { byId("semantics").textContent = ""; return; }
    const parts = [m[1], m[2], m[3]].map((p) => Number(p || 0));
    const since = [REPURPOSED_SINCE.major, REPURPOSED_SINCE.minor, REPURPOSED_SINCE.patch];
    const order = parts[0] - since[0] || parts[1] - since[1] || parts[2] - since[2];
    byId("semantics").textContent = order < 0 ? "(legacy)" : "(repurposed)";
  };

  // ---------------------------------------------------------------- fault switches
  const COUNTS = [
    ["overloaded_next", "the next N requests get 503 / 1016", 1],
    ["malformed_next", "the next N get an HTML 502, truncated JSON, an empty 502, in turn", 1],
    ["dropped_next", "the next N lose their connection without a response", 1],
    ["slow_next", "the next N are answered after slow ms", 1],
    ["slow_ms", "the delay of a slow answer", 100],
    ["lookup_failure_rate", "0..1: share of new lookups that end failed", 0.05],
    ["lookup_latency_ms", "latency of new lookups", 100]
  ];
  const faultRows = byId("fault-rows");
  const current = {};
  const inputs = {};
  const applyFaults = async (what, patch) => {
    try {
      const answer = await api("POST", "faults", patch);
      renderFaults(answer.faults);
      say(what, patch);
    } catch (error) {
      sayError(what, error);
    }
  };
  for (const [key, title, step] of COUNTS) {
    const id = "fault-" + key;
    current[key] = el("span", { class: "current", title: "in effect" });
    inputs[key] = el("input", { id: id + "-input", type: "number", min: 0, step, max: key === "lookup_failure_rate" ? 1 : undefined });
    const button = el("button", { type: "button", text: "Apply" });
    button.addEventListener("click", () => {
      const value = Number(inputs[key].value);
      if (inputs[key].value === "" || !Number.isFinite(value)) return sayError("set " + key, new Error("enter a number"));
      applyFaults("set " + key, { [key]: value });
    });
    faultRows.append(el("div", { class: "row", id }, el("label", { for: id + "-input", title, text: labelOf(key) }), current[key], inputs[key], button));
  }
  const rateOn = el("input", { id: "fault-rate_limit-on", type: "checkbox" });
  const rps = el("input", { id: "fault-rate_limit-rps", type: "number", min: 0, step: 1, title: "requests per second" });
  const burst = el("input", { id: "fault-rate_limit-burst", type: "number", min: 1, step: 1, title: "burst" });
  current.rate_limit = el("span", { class: "current", title: "in effect" });
  const setRateLimit = () => applyFaults(
    rateOn.checked ? "rate limit on" : "rate limit off",
    { rate_limit: rateOn.checked ? { rps: Number(rps.value) || 20, burst: Number(burst.value) || 60 } : false }
  );
  rateOn.addEventListener("change", setRateLimit);
  const rateApply = el("button", { type: "button", text: "Apply" });
  rateApply.addEventListener("click", setRateLimit);
  faultRows.prepend(el("div", { class: "row", id: "fault-rate_limit" },
    el("label", { for: "fault-rate_limit-on", title: "token bucket of /v1/contacts…", text: "rate limit" }),
    current.rate_limit, rateOn, rps, el("span", { class: "muted", text: "/s, burst" }), burst, rateApply));
  byId("faults-clear").addEventListener("click", () =>
    applyFaults("clear faults", { overloaded_next: 0, malformed_next: 0, dropped_next: 0, slow_next: 0, lookup_failure_rate: 0 })
  );
  // An input the user is typing in keeps what they typed.
  const fill = (input, value) => { if (document.activeElement !== input && input.dataset.touched !== "1") input.value = value; };
  for (const input of [...Object.values(inputs), rps, burst]) input.addEventListener("input", () => { input.dataset.touched = "1"; });
  const renderFaults = (faults) => {
    if (!faults) return;
    for (const [key] of COUNTS) {
      current[key].textContent = String(faults[key]);
      fill(inputs[key], faults[key]);
    }
    const limit = faults.rate_limit;
    current.rate_limit.textContent = limit === false ? "off" : limit.rps + " rps, burst " + limit.burst;
    if (document.activeElement !== rateOn) rateOn.checked = limit !== false;
    if (limit !== false) { fill(rps, limit.rps); fill(burst, limit.burst); }
  };
  // Reading the switches: GET where the server has it, else an empty patch (which changes nothing).
  let faultsByGet = true;
  const readFaults = async () => {
    if (faultsByGet) {
      try { return await api("GET", "faults"); } catch (error) {
        if (error.status !== 404 && error.status !== 405) throw error;
        faultsByGet = false;
      }
    }
    return api("POST", "faults", {});
  };

  // ---------------------------------------------------------------- the journal
  const journalRows = byId("journal-rows");
  const journalInfo = byId("journal-info");
  const filterInput = byId("journal-filter");
  const pause = byId("journal-pause");
  // Ids count 1, 2, 3… from the start or the last reset; an id with another arrival time than
  // the one shown means the journal was reset in between.
  const seen = new Map();
  let newestId = 0;

  const timeOf = (ms) => {
    const d = new Date(ms);
    return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().slice(11, 23);
  };
  const statusClass = (status) => typeof status === "number" ? "s" + String(status)[0] + "xx" : "s" + String(status);
  // Decoded, as the journal holds it: readable, and shown as text anyway.
  const queryText = (q) => {
    const pairs = Object.entries(q || {}).map(([k, v]) => k + "=" + v);
    return pairs.length === 0 ? "" : "?" + pairs.join("&");
  };
  const listText = (list, most) => {
    const shown = list.slice(0, most).join(" ");
    return list.length > most ? shown + " …+" + (list.length - most) : shown;
  };
  const matchesFilter = (tr) => {
    const f = filterInput.value.trim().toLowerCase();
    return f === "" || tr.dataset.search.includes(f);
  };
  const entryRow = (e) => {
    const numbers = e.numbers || [];
    const resent = e.resent || [];
    const tr = el("tr", { class: "entry " + statusClass(e.status), "data-id": e.id },
      el("td", { class: "id num", text: e.id }),
      el("td", { class: "time", text: timeOf(e.at) }),
      el("td", { class: "method", text: e.method }),
      el("td", { class: "path", text: e.path + queryText(e.query) }),
      el("td", { class: "status", text: e.status }),
      el("td", { class: "error", text: e.error_code === null || e.error_code === undefined ? "" : e.error_code }),
      el("td", { class: "numbers", text: listText(numbers, 4) + (resent.length > 0 ? " (re-sent: " + resent.length + ")" : "") }),
      el("td", { class: "lookups num", text: (e.lookups_started || []).length }),
      el("td", { class: "fault", text: e.fault === null || e.fault === undefined ? "" : e.fault }),
      el("td", { class: "latency num", text: e.latency_ms })
    );
    tr.dataset.search = JSON.stringify(e).toLowerCase();
    tr.addEventListener("click", () => {
      const next = tr.nextElementSibling;
      if (next && next.classList.contains("details")) return next.remove();
      const details = { query: e.query, body: e.body, numbers, lookups_started: e.lookups_started, resent };
      tr.after(el("tr", { class: "details" }, el("td", { colspan: 10 }, el("pre", { text: JSON.stringify(details, null, 2) }))));
    });
    if (!matchesFilter(tr)) tr.hidden = true;
    return tr;
  };
  filterInput.addEventListener("input", () => {
    for (const tr of journalRows.querySelectorAll("tr.entry")) {
      tr.hidden = !matchesFilter(tr);
      const next = tr.nextElementSibling;
      if (next && next.classList.contains("details")) next.hidden = tr.hidden;
    }
  });
  const clearJournal = () => { seen.clear(); newestId = 0; journalRows.replaceChildren(); };
  const trim = () => {
    const entries = journalRows.querySelectorAll("tr.entry");
    for (let i = MAX_ROWS; i < entries.length; i++) {
      const next = entries[i].nextElementSibling;
      if (next && next.classList.contains("details")) next.remove();
      seen.delete(Number(entries[i].dataset.id));
      entries[i].remove();
    }
  };

  // Each poll asks for the newest entry first: an id lower than the newest shown, or the same id
  // with another arrival time, means the journal was reset. Then only what is new is asked for
  // (after the newest shown but one, which must still be the one shown, else a reset happened).
  const newestPage = async () => (await api("GET", "requests?order=newest&limit=" + MAX_ROWS)).entries.reverse();
  const pollJournal = async () => {
    if (pause.checked) return;
    const head = await api("GET", "requests?order=newest&limit=1");
    const top = head.entries[0];
    const newest = top === undefined ? 0 : top.id;
    if (newest < newestId || (newest === newestId && newest > 0 && seen.get(top.id) !== top.at)) clearJournal();
    if (newest > newestId) {
      let entries;
      if (newestId === 0 || newest - newestId >= MAX_ROWS) {
        clearJournal();
        entries = await newestPage();
      } else {
        entries = (await api("GET", "requests?order=oldest&after=" + (newestId - 1) + "&limit=" + MAX_ROWS)).entries;
        const known = entries[0];
        if (known === undefined || known.id !== newestId || seen.get(known.id) !== known.at) {
          clearJournal();
          entries = await newestPage();
        }
      }
      // Oldest first, each at the top.
      for (const e of entries) {
        if (seen.get(e.id) === e.at) continue;
        seen.set(e.id, e.at);
        if (e.id > newestId) newestId = e.id;
        journalRows.prepend(entryRow(e));
      }
      trim();
    }
    journalInfo.textContent = (head.matched + " in the journal (capacity " + head.capacity + ")") +
      (head.dropped > 0 ? " · " + head.dropped + " dropped (the oldest)" : "");
  };

  // ---------------------------------------------------------------- polling
  let running = false;
  let again = false;
  let timer = 0;
  const poll = async () => {
    if (running) { again = true; return; }
    running = true;
    clearTimeout(timer);
    try {
      const [state, faults] = await Promise.all([api("GET", "state"), readFaults(), pollJournal()]);
      renderState(state);
      renderFaults(faults && faults.faults);
      setStatus(undefined);
    } catch (error) {
      setStatus(error);
    } finally {
      running = false;
      if (again) { again = false; poll(); } else timer = setTimeout(poll, POLL_MS);
    }
  };

  // ---------------------------------------------------------------- actions
  const action = (id, what, run) => {
    const button = byId(id);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        say(what, await run());
      } catch (error) {
        sayError(what, error);
      } finally {
        button.disabled = false;
        poll();
      }
    });
  };
  action("inbound-send", "inbound message", () => api("POST", "inbound", { from: byId("inbound-from").value.trim() }));
  action("identity-change", "identity change", () => api("POST", "identity-change", { wa_id: byId("identity-wa-id").value.trim() }));
  action("clock-advance", "clock advance", () => api("POST", "clock", { advance_seconds: Number(byId("clock-seconds").value) }));
  action("version-switch", "version switch", async () => {
    const after = byId("version-after").value.trim();
    const body = { version: byId("version-input").value.trim() };
    if (after !== "" && Number(after) > 0) body.after_checks = Number(after);
    return api("POST", "version", body);
  });
  action("reset", "reset", async () => {
    const answer = await api("POST", "reset");
    clearJournal();
    return answer;
  });
  action("scenario-run", "scenario", () => api("POST", "scenario", { name: byId("scenario").value }));

  const loadScenarios = async () => {
    let answer;
    try { answer = await api("GET", "scenarios"); } catch (_) { byId("scenario-row").hidden = true; return; }
    const list = answer.scenarios || [];
    const select = byId("scenario");
    select.replaceChildren(...list.map((s) => el("option", { value: s.name, title: s.description, text: s.name })));
    const describe = () => {
      const chosen = list.find((s) => s.name === select.value);
      byId("scenario-description").textContent = chosen ? chosen.description : "";
    };
    select.addEventListener("change", describe);
    describe();
    byId("scenario-row").hidden = list.length === 0;
  };

  loadScenarios();
  poll();
})();
`.replace("__REPURPOSED_SINCE__", JSON.stringify(Version.REPURPOSED_SINCE))
