/* chiso web UI: the frame (sign-in, menu, period choice) and the router. Each screen is an ES
 * module under screens/ whose default export draws it: async (ctx) -> nodes. URLs are
 * "#/screen/arg?period=N", so deep links, reloads and Back/Forward all work. */
import { api, errText, hasToken, setToken, whenExpired } from "./api.js";
import { getLang, setLang, setTimeZone, t } from "./i18n.js";
import { S, has, loadAgencies, loadPhases } from "./state.js";
import { $, $$, confirmDialog, flash, h, resetIds } from "./ui.js";
import { refreshBell } from "./bell.js";
import { compactNav } from "./navmenu.js";

/* Screens in menu order; roles that may open them (the server checks every call anyway). */
const ADMIN = "province_admin";
const ROUTES = [
  { id: "home", nav: "nav_home", roles: null, mod: "home" },
  { id: "provinces", nav: "nav_provinces", roles: ["sysadmin"], mod: "provinces" },
  { id: "self", nav: "nav_self", roles: ["agency_editor", "agency_head"], mod: "self" },
  { id: "appraise", nav: "nav_appraise", roles: ["appraiser", ADMIN], mod: "appraise" },
  { id: "opinions", nav: "nav_opinions", roles: ["specialist", "appraiser"], mod: "opinions" },
  { id: "leader", nav: "nav_leader", roles: ["leader"], mod: "leader" },
  { id: "surveys", nav: "nav_surveys", roles: ["surveyor", ADMIN], mod: "surveys" },
  { id: "agencies", nav: "nav_agencies", roles: [ADMIN, "viewer"], mod: "agencies" },
  { id: "users", nav: "nav_users", roles: [ADMIN], mod: "users" },
  { id: "index-sets", nav: "nav_index_sets", roles: [ADMIN, "viewer"], mod: "index_sets" },
  { id: "periods", nav: "nav_periods", roles: [ADMIN, "viewer"], mod: "periods" },
  { id: "council", nav: "nav_council", roles: [ADMIN], mod: "council" },
  { id: "leaders", nav: "nav_leaders", roles: [ADMIN], mod: "leaders" },
  { id: "results", nav: "nav_results", roles: [ADMIN, "viewer", "leader"], mod: "results" },
  { id: "scorecard", nav: "nav_scorecard", roles: ["agency_editor", "agency_head", ADMIN, "viewer", "leader"], mod: "scorecard",
    navRoles: ["agency_editor", "agency_head"] },
  { id: "appeals", nav: "nav_appeals", roles: ["agency_head", "agency_editor", ADMIN, "viewer", "leader", "appraiser"], mod: "appeals" },
  { id: "audit", nav: "nav_audit", roles: [ADMIN, "viewer"], mod: "audit" },
  { id: "notifications", nav: "nav_notifications", roles: null, mod: "notifications", navRoles: [] },   /* the bell opens it */
];

const allowed = (r) => !r.roles || r.roles.some(has);
const inNav = (r) => allowed(r) && (!r.navRoles || r.navRoles.some(has)) && !(r.id === "home" && has("sysadmin"));

/* ---- language ------------------------------------------------------------------------- */

function applyTexts() {
  document.documentElement.lang = getLang();
  document.title = "chiso — " + t("app_title");
  for (const el of $$("[data-t]")) el.textContent = t(el.dataset.t);
  const b = $("#lang");
  b.textContent = t("lang_toggle");
  b.lang = getLang() === "vi" ? "en" : "vi";
  $("#nav").setAttribute("aria-label", t("nav_label"));
  for (const el of $$(".error")) if (el.chisoErr) el.textContent = errText(el.chisoErr);
  const f = $("#flash");
  if (f.chisoKey) f.textContent = t(f.chisoKey[0], f.chisoKey[1]);
}

$("#lang").addEventListener("click", async () => {
  setLang(getLang() === "vi" ? "en" : "vi");
  applyTexts();
  if (!S.user) return;
  $("#view").setAttribute("aria-busy", "true");   // the view is drawn again: busy until then
  renderWho(); renderNav(); renderPeriods();
  if (!$("#bell").hidden) await refreshBell();
  await render(true);
});

/* ---- session -------------------------------------------------------------------------- */

$("#login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const errEl = $("#login-error");
  errEl.chisoErr = null;
  errEl.textContent = "";
  try {
    const s = await api("POST", "/api/v1/auth/login", { login: $("#login-name").value.trim(), password: $("#login-password").value });
    setToken(s.token);
    $("#login-password").value = "";
    await signedIn(s.user);
  } catch (e) {
    errEl.chisoErr = e;
    errEl.textContent = errText(e);
    $("#login-password").focus();
  }
});

$("#logout").addEventListener("click", async () => {
  if (!(await leaveOk())) return;
  try { await api("POST", "/api/v1/auth/logout", {}); } catch (e) { /* dropped here anyway */ }
  signedOut();
});

whenExpired(() => signedOut("session_expired"));

function signedOut(key) {
  setToken("");
  S.user = null; S.periods = []; S.periodId = 0; S.agencies = new Map();
  ctx.dirty = null;
  sessionStorage.removeItem("chiso_period");
  $("#app-view").hidden = true;
  $("#login-view").hidden = false;
  $("#logout").hidden = true;
  $("#who").hidden = true;
  $("#bell").hidden = true;
  $("#view").replaceChildren();
  $("#nav").replaceChildren();
  flash(key || null);
  if (location.hash) history.replaceState(null, "", location.pathname);
  $("#login-name").focus();
}

function renderWho() {
  const u = S.user;
  $("#who").textContent = t("signed_in_as") + ": " + (u.full_name || u.login);
}

async function signedIn(user) {
  S.user = user;
  $("#view").setAttribute("aria-busy", "true");
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#logout").hidden = false;
  $("#who").hidden = false;
  flash(null);
  renderWho();
  if (user.province_id) {
    try {
      const [prov, periods, groups] = await Promise.all([
        api("GET", "/api/v1/provinces/" + user.province_id), api("GET", "/api/v1/periods"), api("GET", "/api/v1/agency-groups")]);
      S.province = prov;
      setTimeZone(prov.time_zone);
      S.periods = periods.items || [];
      S.groups = new Map((groups.items || []).map((g) => [g.code, g.name]));
    } catch (e) {
      showAppError(e);
    }
    await loadAgencies();
  }
  const kept = Number(sessionStorage.getItem("chiso_period") || 0);
  S.periodId = S.periods.some((p) => p.id === kept) ? kept : (S.periods.length ? S.periods[S.periods.length - 1].id : 0);
  await loadPhases();
  renderPeriods();
  if (!parseHash().id) history.replaceState(null, "", "#/" + (has("sysadmin") ? "provinces" : "home"));
  if (user.province_id) await refreshBell();
  await render();
  $("#main").focus();
}

/* ---- frame ---------------------------------------------------------------------------- */

function renderNav() {
  const cur = parseHash().id;
  const routes = ROUTES.filter(inNav);
  $("#nav").replaceChildren(...routes.map((r) =>
    h("a", { href: "#/" + r.id, id: "nav-" + r.id, class: "navlink", "data-view": r.id, "aria-current": cur === r.id ? "page" : false }, t(r.nav))),
    compactNav(routes.map((r) => [r.id, t(r.nav)]), cur));
}

function renderPeriods() {
  const sel = $("#period");
  $(".period-pick").hidden = S.periods.length === 0;
  sel.replaceChildren(...S.periods.map((p) => h("option", { value: p.id, selected: p.id === S.periodId }, p.name)));
}

/* Periods created on a screen appear in the choice too. */
export async function reloadPeriods() {
  S.periods = (await api("GET", "/api/v1/periods")).items || [];
  if (!S.periods.some((p) => p.id === S.periodId) && S.periods.length) S.periodId = S.periods[S.periods.length - 1].id;
  renderPeriods();
}

$("#period").addEventListener("change", async () => {
  if (!(await leaveOk())) { renderPeriods(); return; }
  S.periodId = Number($("#period").value);
  sessionStorage.setItem("chiso_period", String(S.periodId));
  await loadPhases();
  const { id, args } = parseHash();
  setHash(id, args);
});

function showAppError(e) {
  const el = $("#app-error");
  el.chisoErr = e || null;
  el.textContent = e ? errText(e) : "";
}

/* ---- router --------------------------------------------------------------------------- */

function parseHash() {
  const m = /^#\/([^?]*)(?:\?(.*))?$/.exec(location.hash);
  if (!m) return { id: "", args: [], query: new URLSearchParams() };
  const parts = m[1].split("/").filter(Boolean).map(decodeURIComponent);
  return { id: parts[0] || "", args: parts.slice(1), query: new URLSearchParams(m[2] || "") };
}

function setHash(id, args, extra) {
  const q = new URLSearchParams(extra || {});
  if (S.periodId) q.set("period", S.periodId);
  location.hash = "#/" + [id, ...(args || [])].map(encodeURIComponent).join("/") + "?" + q.toString();
}

/* What screens get: their arguments, navigation, and a way to say they hold unsaved edits. */
const ctx = {
  args: [], query: null, dirty: null,
  go: (id, args, extra) => setHash(id, args, extra),
  refresh: () => render(true),
  reloadPeriods,
};

async function leaveOk() {
  if (!ctx.dirty || !ctx.dirty()) return true;
  const ok = await confirmDialog(t("unsaved_leave"), [], t("yes"));
  if (ok) ctx.dirty = null;
  return ok;
}

let current = location.hash;
window.addEventListener("hashchange", async () => {
  if (!S.user) return;
  if (ctx.dirty && ctx.dirty()) {
    const target = location.hash;
    history.replaceState(null, "", current);   // stay until the user agrees
    if (!(await leaveOk())) return;
    history.replaceState(null, "", target);
  }
  await render();
});
window.addEventListener("beforeunload", (e) => {
  if (ctx.dirty && ctx.dirty()) { e.preventDefault(); e.returnValue = ""; }
});

let renderSeq = 0;
async function render(keepScroll) {
  const view = $("#view");
  const { id, args, query } = parseHash();
  current = location.hash;
  const qp = Number(query.get("period") || 0);
  if (qp && qp !== S.periodId && S.periods.some((p) => p.id === qp)) {
    S.periodId = qp;
    sessionStorage.setItem("chiso_period", String(qp));
    await loadPhases();
    renderPeriods();
  }
  renderNav();
  showAppError(null);
  const route = ROUTES.find((r) => r.id === id);
  const seq = ++renderSeq;
  view.setAttribute("aria-busy", "true");
  ctx.args = args; ctx.query = query; ctx.dirty = null;
  const y = window.scrollY;
  /* a redraw of the same screen keeps the sections the user opened */
  const opened = keepScroll ? $$("#view details[open]").map((d) => d.id).filter(Boolean) : [];
  resetIds();
  try {
    let nodes;
    if (!route || !allowed(route)) nodes = [h("h1", { tabindex: "-1" }, t("not_found_view"))];
    else {
      const mod = await import("./screens/" + route.mod + ".js");
      nodes = await mod.default(ctx);
    }
    if (seq !== renderSeq) return;
    view.replaceChildren(...nodes);
    for (const id of opened) { const d = document.getElementById(id); if (d) d.open = true; }
    if (keepScroll) window.scrollTo(0, y);
    else { const hd = view.querySelector("h1"); if (hd) hd.focus({ preventScroll: true }); window.scrollTo(0, 0); }
  } catch (e) {
    if (seq !== renderSeq) return;
    view.replaceChildren();
    showAppError(e);
  } finally {
    if (seq === renderSeq) view.removeAttribute("aria-busy");
  }
}

/* ---- start ---------------------------------------------------------------------------- */

(async function start() {
  applyTexts();
  if (!hasToken()) { $("#login-view").hidden = false; $("#login-name").focus(); return; }
  try {
    await signedIn(await api("GET", "/api/v1/auth/me"));
  } catch (e) {
    signedOut(e && e.status === 401 ? "session_expired" : null);
  }
})();
