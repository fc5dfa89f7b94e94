/* The dashboard: what this user must do now, by when, and the period's schedule. */
import { AG, api } from "../api.js";
import { getTimeZone, t, tmap, when } from "../i18n.js";
import { PHASE_ORDER, S, has, indexNodes, period, phaseInfo } from "../state.js";
import { h, heading } from "../ui.js";
import { progress } from "./self.js";

function card(id, title, text, link, linkText) {
  return h("section", { class: "card", id: "task-" + id, "aria-labelledby": "task-" + id + "-h" },
    h("h2", { id: "task-" + id + "-h" }, title), h("p", {}, text),
    link ? h("p", {}, h("a", { href: link, id: "task-" + id + "-go" }, t("go_to", { what: linkText }))) : null);
}

export default async function home() {
  const u = S.user;
  const out = [heading(t("home_title")),
    h("p", {}, t("home_hello", { name: u.full_name || u.login, roles: (u.roles || []).map((r) => tmap("roles", r)).join(", ") }))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  const q = "?period=" + p.id;
  const cards = [];
  const closes = (ph) => when(phaseInfo(ph).closes_at);
  const open = (ph) => phaseInfo(ph).open;
  if ((has("agency_editor") || has("agency_head")) && u.agency_id) {
    const sa = await api("GET", AG(p.id, u.agency_id) + "/self-assessment");
    const ag = S.agencies.get(u.agency_id);
    const pr = progress(sa, ag ? await indexNodes(p.id, ag.group_code) : null);
    const text = sa.state === "submitted" ? t("task_self_done", { t: when(sa.submitted_at) })
      : t("task_self", { t: closes("self_assessment") }) + " " + t("progress_self", { done: pr.done, total: pr.total, missing: pr.noEvidence.length });
    cards.push(card("self", tmap("phases", "self_assessment"), text, "#/self" + q, t("nav_self")));
    if (open("explanation")) cards.push(card("explain", tmap("phases", "explanation"), t("task_explain", { t: closes("explanation") }), "#/self" + q, t("nav_self")));
    if (open("appeal")) cards.push(card("appeal", tmap("phases", "appeal"), t("task_appeal", { t: closes("appeal") }), "#/appeals" + q, t("nav_appeals")));
  }
  if ((has("province_admin") || has("appraiser")) && open("appeal"))
    cards.push(card("appeals", tmap("phases", "appeal"), t("task_appeals", { t: closes("appeal") }), "#/appeals" + q, t("nav_appeals")));
  if (has("appraiser")) {
    const ph = open("appraisal_2") ? "appraisal_2" : "appraisal_1";
    cards.push(card("appraise", tmap("phases", ph), t("task_appraise", { phase: tmap("phases", ph), t: closes(ph) }), "#/appraise" + q, t("nav_appraise")));
  }
  if (has("specialist") || has("appraiser")) {
    let n = 0;
    try { n = ((await api("GET", "/api/v1/opinions?period_id=" + p.id)).opinions || []).filter((o) => !o.answered_at).length; } catch (e) { /* none */ }
    if (has("specialist") || n) cards.push(card("opinions", t("opinions_title"), t("task_opinions", { n }), "#/opinions" + q, t("nav_opinions")));
  }
  if (has("leader")) cards.push(card("leader", tmap("phases", "leadership"), t("task_leader", { t: closes("leadership") }), "#/leader" + q, t("nav_leader")));
  if (has("surveyor")) cards.push(card("survey", tmap("phases", "survey"), t("task_survey", { t: closes("survey") }), "#/surveys" + q, t("nav_surveys")));
  if (has("province_admin")) cards.push(card("admin", t("nav_periods"), t("task_admin"), "#/periods" + q, t("nav_periods")));
  if (!cards.length) cards.push(card("none", t("home_title"), t("task_nothing")));
  out.push(h("div", { class: "cards" }, ...cards));

  out.push(h("h2", { id: "schedule-h" }, t("schedule")), h("p", { class: "muted small" }, t("time_zone_note", { tz: getTimeZone() })));
  out.push(h("ul", { class: "timeline", id: "schedule", "aria-labelledby": "schedule-h" }, ...PHASE_ORDER.map((ph) => {
    const i = phaseInfo(ph);
    const st = i.state === "none" ? t("not_scheduled") : i.state === "open" ? t("open_now") : i.state === "upcoming" ? t("upcoming") : t("closed");
    return h("li", { "data-phase": ph },
      h("span", { class: "what" }, tmap("phases", ph)),
      h("span", {}, i.opens_at ? when(i.opens_at) + " – " + when(i.closes_at) : ""),
      h("span", { class: i.state === "open" ? "tag ok" : "tag" }, st));
  })));
  return out;
}
