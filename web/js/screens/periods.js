/* Periods and their schedule: create a period, the index set of each group, the eight
 * phases edited in the province's time zone (with the default schedule of Decision
 * 02050/QĐ-UBND, seed 002), per-agency extensions with a reason, reopening a submission. */
import { AG, P, api } from "../api.js";
import { fromLocalInput, getTimeZone, t, tmap, toLocalInput, when } from "../i18n.js";
import { PHASE_ORDER, S, agencyName, groupName, has, loadPhases, period } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, select, table, td } from "../ui.js";

/* The default schedule (the demo data uses the same): [phase, [month, day] opens, [month, day] closes, closes next year]. */
const DEFAULT = [
  ["self_assessment", [1, 1], [12, 15]], ["appraisal_1", [12, 15], [12, 19]], ["explanation", [12, 19], [12, 21]],
  ["appraisal_2", [12, 21], [12, 25]], ["survey", [1, 1], [12, 20]], ["leadership", [12, 15], [12, 27]],
  ["publication", [12, 27], [12, 31]], ["appeal", [12, 31], [1, 15], true],
];
const pad = (n) => String(n).padStart(2, "0");

export default async function periods(ctx) {
  const admin = has("province_admin");
  const out = [heading(t("periods_title"))];
  await ctx.reloadPeriods();
  if (admin) out.push(newPeriod(ctx));
  if (!S.periods.length) return out.concat(h("p", {}, t("no_period")));
  out.push(table([t("code"), t("name"), [t("year"), "num"]], S.periods.map((p) => h("tr", { "aria-current": p.id === S.periodId ? "true" : false },
    td(t("code"), p.code), td(t("name"), p.name), td(t("year"), { class: "num" }, String(p.year)))), { stack: true, id: "periods" }));
  const p = period();
  const [full, phases, sets] = await Promise.all([api("GET", P(p.id)), api("GET", P(p.id) + "/phases"), api("GET", "/api/v1/index-sets")]);

  /* index set per group */
  out.push(h("h2", {}, t("period_sets")));
  const linked = new Map((full.index_sets || []).map((x) => [x.group_code, x.index_set_id]));
  for (const [g] of S.groups) {
    const sel = select({ id: "ps-" + g, disabled: !admin }, (sets.items || []).filter((s) => s.group_code === g).map((s) => [s.id, s.code + " — " + s.name]), linked.get(g) || "", true);
    const err = errorBox("ps-" + g + "-err");
    const b = admin ? button(t("save"), { id: "ps-" + g + "-save" }, (ev) => busy(ev.target, async () => {
      await api("PUT", P(p.id) + "/index-sets/" + encodeURIComponent(g), { index_set_id: Number(sel.value) });
      flash("set_linked", { group: g });
    }, err)) : null;
    out.push(h("div", { class: "row" }, field(t("set_for_group", { group: g + " — " + groupName(g) }), sel), b ? h("div", { class: "field end" }, b) : null), err);
  }

  /* schedule */
  out.push(h("h2", { id: "schedule-h" }, t("schedule_editor", { name: p.name })), h("p", { class: "muted small" }, t("time_zone_note", { tz: getTimeZone() })));
  const byPhase = new Map((phases.items || []).map((x) => [x.phase, x]));
  const inputs = new Map();
  const rows = PHASE_ORDER.map((ph) => {
    const cur = byPhase.get(ph) || {};
    const o = input({ id: "ph-" + ph + "-opens", type: "datetime-local", value: toLocalInput(cur.opens_at), disabled: !admin });
    const c = input({ id: "ph-" + ph + "-closes", type: "datetime-local", value: toLocalInput(cur.closes_at), disabled: !admin });
    inputs.set(ph, [o, c]);
    const err = errorBox("ph-" + ph + "-err");
    const now = Date.now() / 1000;
    const st = !cur.opens_at ? t("not_scheduled") : now < cur.opens_at ? t("upcoming") : now < cur.closes_at ? t("open_now") : t("closed");
    return h("tr", { "data-phase": ph },
      td(t("phase"), tmap("phases", ph)),
      td(t("opens_at"), h("label", { for: o.id, class: "sr-only" }, t("opens_of", { phase: tmap("phases", ph) })), o),
      td(t("closes_at"), h("label", { for: c.id, class: "sr-only" }, t("closes_of", { phase: tmap("phases", ph) })), c),
      td(t("status"), st),
      td(t("actions"), admin ? button(t("save"), { id: "ph-" + ph + "-save", class: "small" }, (ev) => busy(ev.target, async () => {
        const opens = fromLocalInput(o.value), closes = fromLocalInput(c.value);
        if (Number.isNaN(opens) || Number.isNaN(closes)) throw { key: "bad_time" };
        await api("PUT", P(p.id) + "/phases/" + ph, { opens_at: opens, closes_at: closes });
        await loadPhases();
        flash("phase_saved", { phase: tmap("phases", ph) });
      }, err)) : "", err));
  });
  if (admin) out.push(h("div", { class: "actions" }, button(t("fill_default"), { id: "ph-default" }, () => {
    for (const [ph, [om, od], [cm, cd], next] of DEFAULT) {
      const [o, c] = inputs.get(ph);
      o.value = p.year + "-" + pad(om) + "-" + pad(od) + "T00:00";
      c.value = (next ? p.year + 1 : p.year) + "-" + pad(cm) + "-" + pad(cd) + "T00:00";
    }
    flash("fill_default_done");
  })));
  out.push(table([t("phase"), t("opens_at"), t("closes_at"), t("status"), t("actions")], rows, { stack: true, id: "schedule" }));

  /* extensions */
  out.push(h("h2", {}, t("extensions")));
  const ext = phases.extensions || [];
  if (ext.length) out.push(table([t("agency"), t("phase"), t("closes_at"), t("reason")], ext.map((x) => h("tr", {},
    td(t("agency"), agencyName(x.agency_id)), td(t("phase"), tmap("phases", x.phase)), td(t("closes_at"), when(x.closes_at)), td(t("reason"), x.reason || ""))), { stack: true, id: "extensions" }));
  else out.push(h("p", {}, t("none")));
  if (admin) {
    const agOpts = [...S.agencies.values()].map((a) => [a.id, a.name]);
    const ag = select({ id: "ext-agency" }, agOpts, "", true);
    const ph = select({ id: "ext-phase" }, PHASE_ORDER.map((x) => [x, tmap("phases", x)]));
    const until = input({ id: "ext-until", type: "datetime-local" });
    const reason = input({ id: "ext-reason" });
    const err = errorBox("ext-err");
    const b = button(t("extension_new"), { id: "ext-grant", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      await api("POST", P(p.id) + "/extensions", { agency_id: Number(ag.value) || undefined, phase: ph.value, closes_at: fromLocalInput(until.value) || undefined, reason: reason.value.trim() });
      await ctx.refresh();
      flash("extension_granted", { agency: agencyName(ag.value) });
    }, err));
    out.push(h("details", { class: "box", id: "ext-new" }, h("summary", {}, t("extension_new")),
      h("div", { class: "row" }, field(t("agency"), ag), field(t("phase"), ph), field(t("closes_at"), until), field(t("reason"), reason)), h("div", { class: "actions" }, b), err));

    const rag = select({ id: "reopen-agency" }, agOpts, "", true);
    const rreason = input({ id: "reopen-reason" });
    const rerr = errorBox("reopen-err");
    const rb = button(t("reopen"), { id: "reopen-go" });
    rb.addEventListener("click", () => busy(rb, async () => {
      await api("POST", AG(p.id, Number(rag.value) || 0) + "/reopen", { reason: rreason.value.trim() });
      flash("reopened", { agency: agencyName(rag.value) });
    }, rerr));
    out.push(h("details", { class: "box", id: "reopen" }, h("summary", {}, t("reopen")),
      h("div", { class: "row" }, field(t("agency"), rag), field(t("reason"), rreason), h("div", { class: "field end" }, rb)), rerr));
  }
  return out;
}

function newPeriod(ctx) {
  const code = input({ id: "pe-code" }), name = input({ id: "pe-name" }), year = input({ id: "pe-year", type: "number", value: String(new Date().getFullYear()) });
  const err = errorBox("pe-error");
  const b = button(t("create"), { id: "pe-create", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    const r = await api("POST", "/api/v1/periods", { code: code.value.trim(), name: name.value.trim(), year: Number(year.value), config: "{}" });
    S.periodId = r.id;
    sessionStorage.setItem("chiso_period", String(r.id));
    flash("period_created", { name: r.name });
    ctx.go("periods");
  }, err));
  return h("details", { class: "box", id: "pe-new" }, h("summary", {}, t("period_new")),
    h("div", { class: "row" }, field(t("code"), code), field(t("name"), name), field(t("year"), year), h("div", { class: "field end" }, b)), err);
}
