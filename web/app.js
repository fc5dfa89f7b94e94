/* chiso web UI: one page, plain DOM, talking to the JSON API under /api/v1.
 * Data is only ever put in the page as text (textContent), never as HTML. The session token
 * lives in sessionStorage (gone with the tab); the language choice in localStorage. */
"use strict";

const S = {
  lang: localStorage.getItem("chiso_lang") === "en" ? "en" : "vi",
  token: sessionStorage.getItem("chiso_token") || "",
  user: null,
  periods: [],
  periodId: 0,
  view: "",
  groups: {},          // group code -> name
  scorecardAgency: 0,  // set when an admin opens one agency's scorecard from the results
  /* Unsaved self-assessment edits and their errors, kept across redraws (a language switch
   * redraws the view): key "period/agency" -> {values: {leaf: {score, note}}, errors: {leaf: err}, formErr}. */
  draft: null,
};

const $ = (sel, root) => (root || document).querySelector(sel);

/* ---- texts ---------------------------------------------------------------------------- */

function t(key, vars) {
  let s = I18N[S.lang][key];
  if (s === undefined) s = I18N.vi[key] !== undefined ? I18N.vi[key] : key;
  if (vars) for (const k of Object.keys(vars)) s = s.split("{" + k + "}").join(String(vars[k]));
  return s;
}

function tmap(table, code) {
  const m = I18N[S.lang][table];
  return (m && m[code]) || code || "";
}

const locale = () => (S.lang === "vi" ? "vi-VN" : "en-GB");

/* Points and percentages: always two decimals, in the language's notation. */
function pts(v) {
  if (v === undefined || v === null) return "—";
  return Number(v).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/* A value as typed in an input: no forced decimals, the language's decimal mark. */
function numIn(v) {
  if (v === undefined || v === null) return "";
  return Number(v).toLocaleString(locale(), { maximumFractionDigits: 2, useGrouping: false });
}

function when(unix) {
  if (!unix) return "—";
  return new Date(unix * 1000).toLocaleString(locale(), {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
}

/* An API error in the chosen language; network failures get our own text. */
function errText(err) {
  if (err && err.api) {
    const e = err.api;
    return (S.lang === "en" ? e.message_en : e.message_vi) || e.message || e.code;
  }
  if (err && err.key) return t(err.key);
  return t("network_error");
}

/* Show an error in el and remember it, so a language switch can re-render it. */
function showError(el, err) {
  el.chisoErr = err || null;
  el.textContent = err ? errText(err) : "";
}

function flash(key, vars) {
  const f = $("#flash");
  f.chisoKey = key ? [key, vars] : null;
  f.textContent = key ? t(key, vars) : "";
}

/* ---- DOM helper ----------------------------------------------------------------------- */

/* h("td", {class: "num"}, "text", childNode...): attributes, then text or nodes. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.appendChild(typeof kid === "string" || typeof kid === "number"
      ? document.createTextNode(String(kid)) : kid);
  }
  return el;
}

function table(headers, rows, caption) {
  return h("table", {},
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, ...headers.map(([text, cls]) => h("th", { scope: "col", class: cls }, text)))),
    h("tbody", {}, ...rows));
}

/* ---- API ------------------------------------------------------------------------------ */

async function api(method, path, body) {
  const headers = { "Accept": "application/json", "Accept-Language": S.lang === "en" ? "en" : "vi" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (S.token) headers["Authorization"] = "Bearer " + S.token;
  /* A write carries a fresh key, so the gateway may retry it (a service restarting)
   * without applying it twice. Sign-in and sign-out are left alone. */
  if (method !== "GET" && !path.startsWith("/api/v1/auth/")) {
    const b = crypto.getRandomValues(new Uint8Array(16));
    headers["Idempotency-Key"] = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw { key: "network_error" };
  }
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    if (r.status === 401 && S.user && !path.endsWith("/auth/login")) {
      signedOut("session_expired");
    }
    throw { status: r.status, api: (data && data.error) || { code: "http_" + r.status, message_vi: "Lỗi HTTP " + r.status, message_en: "HTTP error " + r.status } };
  }
  return data;
}

/* ---- language ------------------------------------------------------------------------- */

function applyLang() {
  document.documentElement.lang = S.lang;
  document.title = "chiso — " + t("app_title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  const b = $("#lang");
  b.textContent = t("lang_toggle");
  b.lang = S.lang === "vi" ? "en" : "vi";
  $("#nav").setAttribute("aria-label", t("nav_label"));
  for (const el of document.querySelectorAll(".error")) if (el.chisoErr) el.textContent = errText(el.chisoErr);
  const f = $("#flash");
  if (f.chisoKey) f.textContent = t(f.chisoKey[0], f.chisoKey[1]);
  if (S.user) { renderWho(); renderNav(); renderPeriods(); render(); }
}

$("#lang").addEventListener("click", () => {
  S.lang = S.lang === "vi" ? "en" : "vi";
  localStorage.setItem("chiso_lang", S.lang);
  applyLang();
});

/* ---- session -------------------------------------------------------------------------- */

const has = (role) => !!(S.user && S.user.roles && S.user.roles.includes(role));
const isAgencyUser = () => has("agency_editor") || has("agency_head");

$("#login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const errEl = $("#login-error");
  showError(errEl, null);
  const login = $("#login-name").value.trim(), password = $("#login-password").value;
  try {
    const s = await api("POST", "/api/v1/auth/login", { login, password });
    S.token = s.token;
    sessionStorage.setItem("chiso_token", s.token);
    $("#login-password").value = "";
    await signedIn(s.user);
  } catch (e) {
    showError(errEl, e);
    $("#login-password").focus();
  }
});

$("#logout").addEventListener("click", async () => {
  try { await api("POST", "/api/v1/auth/logout", {}); } catch (e) { /* the session is dropped here anyway */ }
  signedOut();
});

function signedOut(key) {
  S.token = ""; S.user = null; S.view = ""; S.periods = []; S.periodId = 0; S.draft = null;
  sessionStorage.removeItem("chiso_token");
  sessionStorage.removeItem("chiso_period");
  $("#app-view").hidden = true;
  $("#login-view").hidden = false;
  $("#logout").hidden = true;
  $("#who").hidden = true;
  $("#view").replaceChildren();
  $("#nav").replaceChildren();
  flash(key || null);
  $("#login-name").focus();
}

function renderWho() {
  const u = S.user;
  $("#who").textContent = t("signed_in_as") + ": " + (u.full_name || u.login);
}

/* The views a user may open, in menu order. */
function views() {
  const v = [];
  if (has("sysadmin")) v.push(["provinces", "nav_provinces"]);
  if (has("province_admin") || has("viewer")) v.push(["agencies", "nav_agencies"], ["periods", "nav_periods"]);
  if (has("province_admin") || has("viewer") || has("leader")) v.push(["results", "nav_results"]);
  if (isAgencyUser()) v.push(["self", "nav_self"]);
  if (S.user && S.user.agency_id) v.push(["scorecard", "nav_scorecard"]);
  return v;
}

async function signedIn(user) {
  S.user = user;
  /* Busy until the first view is drawn (tests and screen readers wait on aria-busy). */
  $("#view").replaceChildren();
  $("#view").setAttribute("aria-busy", "true");
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#logout").hidden = false;
  $("#who").hidden = false;
  flash(null);
  showError($("#app-error"), null);
  renderWho();
  const vs = views();
  S.view = vs.length ? vs[0][0] : "";
  S.periods = [];
  let failed = null;
  if (user.province_id) {
    try {
      const [p, g] = await Promise.all([api("GET", "/api/v1/periods"), api("GET", "/api/v1/agency-groups")]);
      S.periods = p.items || [];
      S.groups = {};
      for (const it of g.items || []) S.groups[it.code] = it.name;
    } catch (e) {
      failed = e;
    }
  }
  const kept = Number(sessionStorage.getItem("chiso_period") || 0);
  S.periodId = S.periods.some((p) => p.id === kept) ? kept : (S.periods[0] ? S.periods[0].id : 0);
  renderNav();
  renderPeriods();
  await render();
  if (failed && !$("#app-error").chisoErr) showError($("#app-error"), failed);
  $("#main").focus();
}

/* ---- frame: menu and period choice ---------------------------------------------------- */

function renderNav() {
  const nav = $("#nav");
  nav.replaceChildren(...views().map(([id, key]) =>
    h("button", { type: "button", "data-view": id, "aria-current": S.view === id ? "page" : false,
                  on: { click: () => go(id) } }, t(key))));
}

function renderPeriods() {
  const sel = $("#period");
  const needed = S.periods.length > 0;
  $(".period-pick").hidden = !needed;
  sel.replaceChildren(...S.periods.map((p) =>
    h("option", { value: p.id, selected: p.id === S.periodId }, p.name + " (" + p.code + ")")));
}

$("#period").addEventListener("change", () => {
  S.periodId = Number($("#period").value);
  sessionStorage.setItem("chiso_period", String(S.periodId));
  S.scorecardAgency = 0;
  render();
});

async function go(id) {
  S.view = id;
  S.scorecardAgency = 0;
  renderNav();
  await render();
  const hd = $("#view h2");
  if (hd) hd.focus();
}

const period = () => S.periods.find((p) => p.id === S.periodId) || null;

/* Draw the current view; a failing request shows its error above the view. */
async function render() {
  const view = $("#view");
  const errEl = $("#app-error");
  showError(errEl, null);
  const fn = {
    provinces: viewProvinces, agencies: viewAgencies, periods: viewPeriods, results: viewResults,
    self: viewSelf, scorecard: viewScorecard,
  }[S.view];
  if (!fn) {
    view.replaceChildren(h("p", {}, t("no_view")));
    view.removeAttribute("aria-busy");
    return;
  }
  const token = (render.seq = (render.seq || 0) + 1);
  view.setAttribute("aria-busy", "true");
  try {
    const nodes = await fn();
    if (token !== render.seq) return;   // a newer render started meanwhile
    view.replaceChildren(...nodes);
  } catch (e) {
    if (token !== render.seq) return;
    view.replaceChildren();
    showError(errEl, e);
  } finally {
    if (token === render.seq) view.removeAttribute("aria-busy");
  }
}

function heading(text) {
  return h("h2", { tabindex: "-1" }, text);
}

function needPeriod() {
  if (!period()) return [h("p", {}, t("no_period"))];
  return null;
}

/* ---- views: province -------------------------------------------------------------------- */

async function viewProvinces() {
  const list = await api("GET", "/api/v1/provinces");
  return [heading(t("provinces_title")),
    table([[t("code")], [t("name")]], (list.items || []).map((p) => h("tr", {}, h("td", {}, p.code), h("td", {}, p.name))))];
}

async function viewAgencies() {
  const list = await api("GET", "/api/v1/agencies");
  const items = list.items || [];
  const byGroup = new Map();
  for (const a of items) {
    if (!byGroup.has(a.group_code)) byGroup.set(a.group_code, []);
    byGroup.get(a.group_code).push(a);
  }
  const out = [heading(t("agencies_title")), h("p", {}, t("agencies_count", { n: items.length }))];
  for (const [g, list2] of byGroup) {
    out.push(h("h3", {}, t("group") + " " + g + (S.groups[g] ? " — " + S.groups[g] : "")));
    out.push(table([[t("code")], [t("name")], [t("status")]], list2.map((a) =>
      h("tr", {}, h("td", {}, a.code), h("td", {}, a.name), h("td", {}, t(a.active === false ? "inactive" : "active"))))));
  }
  return out;
}

async function viewPeriods() {
  const out = [heading(t("periods_title"))];
  /* Read the list again here: periods created since sign-in appear in the choice too. */
  S.periods = (await api("GET", "/api/v1/periods")).items || [];
  if (!period() && S.periods.length) S.periodId = S.periods[0].id;
  renderPeriods();
  if (!S.periods.length) return out.concat(h("p", {}, t("no_period")));
  out.push(table([[t("code")], [t("name")], [t("year"), "num"]], S.periods.map((p) =>
    h("tr", { "aria-current": p.id === S.periodId ? "true" : false },
      h("td", {}, p.code), h("td", {}, p.name), h("td", { class: "num" }, p.year)))));
  const p = period();
  const ph = await api("GET", "/api/v1/periods/" + p.id + "/phases");
  const now = Date.now() / 1000;
  out.push(h("h3", {}, t("phases_of", { name: p.name })));
  const items = ph.items || [];
  if (!items.length) out.push(h("p", {}, t("no_phases")));
  else {
    items.sort((a, b) => a.opens_at - b.opens_at);
    out.push(table([[t("phase")], [t("opens_at")], [t("closes_at")], [t("status")]], items.map((x) => {
      const open = x.opens_at <= now && now < x.closes_at;
      return h("tr", {}, h("td", {}, tmap("phases", x.phase)), h("td", {}, when(x.opens_at)),
        h("td", {}, when(x.closes_at)), h("td", { class: open ? "ok" : "muted" }, t(open ? "open_now" : "not_open")));
    })));
  }
  if ((ph.extensions || []).length) {
    out.push(h("h3", {}, t("extensions")));
    out.push(table([[t("phase")], ["ID"], [t("closes_at")], [t("note")]], ph.extensions.map((x) =>
      h("tr", {}, h("td", {}, tmap("phases", x.phase)), h("td", {}, x.agency_id), h("td", {}, when(x.closes_at)), h("td", {}, x.reason || "")))));
  }
  return out;
}

/* ---- results ---------------------------------------------------------------------------- */

function bandText(a) {
  return tmap("bands", a.band);
}

function resultsTable(g) {
  const rows = (g.agencies || []).map((a) => {
    const marks = [];
    if (a.tie_pending) marks.push(h("span", { class: "tag warn" }, t("tie_pending")));
    if (a.tie_resolved) marks.push(h("span", { class: "tag" }, t("tie_resolved")));
    if (a.disciplined) marks.push(h("span", { class: "tag" }, t("disciplined")));
    const code = has("province_admin")
      ? h("button", { type: "button", class: "link", title: t("view_scorecard", { code: a.code }),
                      on: { click: () => { S.scorecardAgency = a.agency_id; S.view = "scorecard"; renderNav(); render(); } } }, a.code)
      : a.code;
    return h("tr", { "data-agency": a.code, class: a.tie_pending ? "tie" : false },
      h("td", { class: "num" }, a.rank, a.tie_pending ? " *" : ""),
      h("td", {}, code),
      h("td", {}, a.name, ...marks.map((m) => h("span", {}, " ", m))),
      h("td", { class: "num" }, pts(a.total)),
      h("td", { class: "num" }, pts(a.max)),
      h("td", { class: "num" }, pts(a.quality_pct)),
      h("td", { class: "num" }, pts(a.cchc_pct)),
      h("td", { class: "band band-" + a.band }, bandText(a)),
      h("td", {}, tmap("cchc_bands", a.cchc_band)));
  });
  return table([[t("rank"), "num"], [t("code")], [t("name")], [t("total"), "num"], [t("max"), "num"],
    [t("quality"), "num"], [t("cchc"), "num"], [t("band")], [t("cchc_band")]], rows);
}

function renderResults(res) {
  const out = [];
  if (res.computed_at) out.push(h("p", { class: "muted" }, t("computed_at", { t: when(res.computed_at) })));
  const groups = res.groups || [];
  if (!groups.length) out.push(h("p", {}, t(has("province_admin") ? "not_computed" : "no_results")));
  for (const g of groups) {
    out.push(h("section", { class: "group", "data-group": g.group_code },
      h("h3", {}, t("group") + " " + g.group_code + (S.groups[g.group_code] ? " — " + S.groups[g.group_code] : "")),
      h("p", { class: "muted" }, t("good_or_better", { g: g.good_or_better || 0, q: g.excellent_quota || 0 })),
      g.publication_blocked_by_tie ? h("p", { class: "warn" }, t("blocked")) : null,
      resultsTable(g)));
  }
  return out;
}

async function viewResults() {
  const none = needPeriod();
  if (none) return [heading(t("results_title"))].concat(none);
  const p = period();
  const out = [heading(t("results_title"))];
  const holder = h("div", { id: "results" });
  if (has("province_admin")) {
    const err = h("p", { class: "error", role: "alert" });
    const btn = h("button", { type: "button", id: "compute", class: "primary", on: { click: async () => {
      btn.disabled = true;
      btn.textContent = t("computing");
      showError(err, null);
      try {
        const res = await api("POST", "/api/v1/periods/" + p.id + "/compute", {});
        holder.replaceChildren(...renderResults(res));
      } catch (e) {
        showError(err, e);
      } finally {
        btn.disabled = false;
        btn.textContent = t("compute");
      }
    } } }, t("compute"));
    out.push(h("div", { class: "actions" }, btn), err);
  }
  let res;
  try {
    res = await api("GET", "/api/v1/periods/" + p.id + "/results");
  } catch (e) {
    if (e.status !== 404) throw e;   // never computed: an empty table, not an error
    res = { groups: [] };
  }
  holder.replaceChildren(...renderResults(res));
  out.push(holder);
  return out;
}

/* ---- self-assessment -------------------------------------------------------------------- */

const SELF_SCORED = new Set([1, 2, 5, 6]);

/* "12,5" or "12.5" -> 12.5; "" -> null; anything else -> NaN. */
function parseScore(s) {
  s = s.trim().replace(/\s+/g, "").replace(",", ".");
  if (s === "") return null;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return NaN;
  return Number(s);
}

/* Content titles and maxima from the index set the period uses for the agency's group; the
 * standard titles when that cannot be read. */
async function contentInfo(p, agency) {
  const info = {};
  try {
    const full = await api("GET", "/api/v1/periods/" + p.id);
    const link = (full.index_sets || []).find((x) => x.group_code === agency.group_code);
    if (link) {
      const set = await api("GET", "/api/v1/index-sets/" + link.index_set_id);
      for (const c of set.contents || []) info[c.content] = c;
    }
  } catch (e) { /* standard titles below */ }
  return info;
}

function contentTitle(info, n) {
  const c = info[n];
  if (S.lang === "vi" && c && c.title) return c.title;
  return tmap("contents", n);
}

async function viewSelf() {
  const out = [heading(t("self_title"))];
  const none = needPeriod();
  if (none) return out.concat(none);
  if (!S.user.agency_id) return out.concat(h("p", {}, t("no_agency")));
  const p = period();
  const base = "/api/v1/periods/" + p.id + "/agencies/" + S.user.agency_id;
  const [sa, agency] = await Promise.all([api("GET", base + "/self-assessment"), api("GET", "/api/v1/agencies/" + S.user.agency_id)]);
  const info = await contentInfo(p, agency);
  const submitted = sa.state === "submitted";
  const draftKey = p.id + "/" + S.user.agency_id;
  if (!S.draft || S.draft.key !== draftKey || submitted) S.draft = { key: draftKey, values: {}, errors: {}, formErr: null };
  const draft = S.draft;
  out.push(h("p", {}, t("self_of", { agency: agency.name, period: p.name })));
  out.push(h("p", {}, h("strong", {}, t("state") + ": "),
    h("span", { id: "sa-state", "data-state": sa.state || "draft" }, submitted ? t("state_submitted", { t: when(sa.submitted_at) }) : t("state_draft"))));

  const form = h("form", { id: "self-form", novalidate: true });
  const formErr = h("p", { class: "error", role: "alert", id: "self-error" });
  const rows = [];       // {leaf, score input, note input, err element}
  const byContent = new Map();
  for (const l of sa.leaves || []) {
    if (!byContent.has(l.content)) byContent.set(l.content, []);
    byContent.get(l.content).push(l);
  }
  for (const n of [...byContent.keys()].sort((a, b) => a - b)) {
    const c = info[n];
    const fs = h("fieldset", { class: "content" },
      h("legend", {}, t("content", { n }) + ". " + contentTitle(info, n) +
        (c && c.max_points !== undefined ? " (" + t("content_max", { m: pts(c.max_points) }) + ")" : "")));
    const tb = h("tbody");
    for (const l of byContent.get(n)) {
      const id = "leaf-" + rows.length;
      const editable = SELF_SCORED.has(l.content) && !l.not_applicable && !submitted;
      const errEl = h("span", { class: "error leaf-error", id: id + "-err", "data-err-leaf": l.leaf_code, role: "alert" });
      const score = h("input", { id: id + "-score", class: "score", inputmode: "decimal", autocomplete: "off",
        "data-leaf": l.leaf_code, "aria-describedby": id + "-err " + id + "-max", disabled: !editable,
        size: 6 });
      score.value = numIn(l.score);
      const note = h("input", { id: id + "-note", class: "note", "data-note-leaf": l.leaf_code, disabled: !editable, autocomplete: "off" });
      note.value = l.note || "";
      const maxText = (l.content === 6 ? "−" : "") + pts(l.max_points);
      let status = null;
      if (l.not_applicable) status = h("span", { class: "tag" }, t("not_applicable"));
      else if (!SELF_SCORED.has(l.content)) status = h("span", { class: "tag muted" }, t("not_self_scored"));
      tb.appendChild(h("tr", { "data-row-leaf": l.leaf_code },
        h("td", { class: "code" }, l.leaf_code),
        h("td", {}, l.title, status ? h("span", {}, " ", status) : null),
        h("td", { class: "num", id: id + "-max" }, maxText,
          l.step ? h("span", { class: "muted small" }, " (" + t("step_hint", { s: numIn(l.step) }) + ")") : null),
        h("td", {}, h("label", { for: id + "-score", class: "sr-only" }, t("score_of", { code: l.leaf_code })), score, errEl),
        h("td", {}, h("label", { for: id + "-note", class: "sr-only" }, t("note_of", { code: l.leaf_code })), note)));
      if (editable) {
        const d = draft.values[l.leaf_code];
        if (d) { score.value = d.score; note.value = d.note; }
        const keep = () => { draft.values[l.leaf_code] = { score: score.value, note: note.value }; };
        for (const ev of ["input", "change"]) { score.addEventListener(ev, keep); note.addEventListener(ev, keep); }
        rows.push({ leaf: l, score, note, errEl });
      }
    }
    fs.appendChild(h("table", { class: "leaves" },
      h("thead", {}, h("tr", {}, ...[["leaf"], ["name"], ["max_points", "num"], ["score"], ["note"]].map(([k, cls]) =>
        h("th", { scope: "col", class: cls }, t(k))))),
      tb));
    form.appendChild(fs);
  }

  const changed = () => rows.filter((r) => {
    const v = parseScore(r.score.value);
    const old = r.leaf.score === undefined ? null : r.leaf.score;
    return !(v === old || (v !== null && old !== null && Math.abs(v - old) < 1e-9)) || r.note.value !== (r.leaf.note || "");
  });
  const clearErrors = () => {
    for (const r of rows) { showError(r.errEl, null); r.score.removeAttribute("aria-invalid"); }
    showError(formErr, null);
    draft.errors = {};
    draft.formErr = null;
  };
  const markLeaf = (r, err) => {
    showError(r.errEl, err);
    r.score.setAttribute("aria-invalid", "true");
    draft.errors[r.leaf.leaf_code] = err;
  };
  const formError = (err) => {
    showError(formErr, err);
    draft.formErr = err;
  };

  const buttons = h("div", { class: "actions" });
  if (!submitted) {
    buttons.appendChild(h("button", { type: "submit", class: "primary", id: "save" }, t("save")));
  }
  if (has("agency_head")) {
    const action = submitted ? "withdraw" : "submit";
    buttons.appendChild(h("button", { type: "button", id: action, on: { click: async () => {
      clearErrors();
      if (!submitted && changed().length) { formError({ key: "unsaved" }); return; }
      try {
        await api("POST", base + "/" + action, {});
        await render();
        flash(submitted ? "withdrawn_ok" : "submitted_ok");
      } catch (e) {
        formError(e);
      }
    } } }, t(action)));
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors();
    flash(null);
    const todo = changed();
    if (!todo.length) { flash("nothing_changed"); return; }
    const items = [];
    let bad = false;
    for (const r of todo) {
      const v = parseScore(r.score.value);
      if (Number.isNaN(v)) { markLeaf(r, { key: "bad_number" }); bad = true; continue; }
      const it = { leaf_code: r.leaf.leaf_code };
      if (v !== null) it.score = v;
      if (r.note.value !== "") it.note = r.note.value;
      items.push(it);
    }
    if (bad) { formError({ key: "fix_errors" }); return; }
    try {
      const rep = await api("PUT", base + "/scores", { items });
      draft.values = {};
      await render();
      flash("saved", { n: rep.saved !== undefined ? rep.saved : items.length });
    } catch (e) {
      /* The API names the item ("items[2].score"): put the message next to that leaf. */
      const m = e.api && e.api.field && /^items\[(\d+)\]/.exec(e.api.field);
      const r = m && items[Number(m[1])] && rows.find((x) => x.leaf.leaf_code === items[Number(m[1])].leaf_code);
      if (r) {
        markLeaf(r, e);
        r.score.focus();
        formError({ key: "fix_errors" });
      } else {
        formError(e);
      }
    }
  });
  for (const r of rows) if (draft.errors[r.leaf.leaf_code]) markLeaf(r, draft.errors[r.leaf.leaf_code]);
  if (draft.formErr) formError(draft.formErr);
  form.appendChild(formErr);
  form.appendChild(buttons);
  out.push(form);
  return out;
}

/* ---- scorecard -------------------------------------------------------------------------- */

async function viewScorecard() {
  const out = [heading(t("scorecard_title"))];
  const none = needPeriod();
  if (none) return out.concat(none);
  const agencyId = S.scorecardAgency || S.user.agency_id;
  if (!agencyId) return out.concat(h("p", {}, t("no_agency")));
  const p = period();
  const sc = await api("GET", "/api/v1/periods/" + p.id + "/agencies/" + agencyId + "/scorecard");
  if (S.scorecardAgency) {
    out.push(h("p", {}, h("button", { type: "button", class: "link", on: { click: () => go("results") } }, "← " + t("back_results"))));
  }
  out.push(h("p", {}, h("strong", {}, sc.agency_code + " — " + sc.agency_name), " · " + p.name));
  const r = sc.result;
  if (r) {
    out.push(h("p", { id: "sc-summary" }, t("result_summary", {
      rank: r.rank, group: sc.group_code, t: pts(r.total), m: pts(r.max), q: pts(r.quality_pct), r: pts(r.cchc_pct) })));
    out.push(h("p", {}, h("strong", {}, t("band") + ": "), h("span", { class: "band band-" + r.band }, bandText(r)),
      " · ", h("strong", {}, t("cchc_band") + ": "), tmap("cchc_bands", r.cchc_band),
      r.tie_pending ? h("span", {}, " ", h("span", { class: "tag warn" }, t("tie_pending"))) : null));
  }
  const rows = (sc.leaves || []).map((l) => h("tr", {},
    h("td", { class: "code" }, l.leaf_code),
    h("td", {}, l.title, l.not_applicable ? h("span", {}, " ", h("span", { class: "tag", title: l.na_reason || "" }, t("not_applicable"))) : null),
    h("td", { class: "num" }, pts(l.max_points)),
    h("td", { class: "num" }, pts(l.self)),
    h("td", { class: "num" }, pts(l.round1)),
    h("td", { class: "num" }, pts(l.round2)),
    h("td", { class: "num" }, pts(l.survey)),
    h("td", { class: "num" }, (l.leader_scores || []).length ? l.leader_scores.map(pts).join("; ") : "—"),
    h("td", { class: "num strong" }, pts(l.effective))));
  out.push(table([[t("leaf")], [t("name")], [t("max_points"), "num"], [t("self"), "num"], [t("round1"), "num"],
    [t("round2"), "num"], [t("survey"), "num"], [t("leaders"), "num"], [t("effective"), "num"]], rows));
  out.push(h("h3", {}, t("shortcomings")));
  const sh = sc.shortcomings || [];
  if (!sh.length) out.push(h("p", {}, t("no_shortcomings")));
  else out.push(table([[t("leaf")], [t("name")], [t("max_points"), "num"], [t("effective"), "num"], [t("lost"), "num"], [t("comment")]],
    sh.map((s) => h("tr", {}, h("td", { class: "code" }, s.leaf_code), h("td", {}, s.title), h("td", { class: "num" }, pts(s.max_points)),
      h("td", { class: "num" }, pts(s.effective)), h("td", { class: "num" }, pts(s.lost)), h("td", {}, s.comment || "")))));
  return out;
}

/* ---- start ---------------------------------------------------------------------------- */

(async function start() {
  applyLang();
  if (!S.token) { $("#login-name").focus(); return; }
  try {
    const me = await api("GET", "/api/v1/auth/me");
    await signedIn(me);
  } catch (e) {
    signedOut(e && e.status === 401 ? "session_expired" : null);
  }
})();
