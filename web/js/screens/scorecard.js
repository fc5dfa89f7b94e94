/* One agency's scorecard: every leaf's values by source, the counted value, totals, bands,
 * and the leaves that lost points. Agency users see their own; admins, viewers and leaders
 * open any from the results (#/scorecard/<agency id>). */
import { AG, api } from "../api.js";
import { pts, t, tmap } from "../i18n.js";
import { S, groupName, period } from "../state.js";
import { h, heading, table, tag, td } from "../ui.js";

export default async function scorecard(ctx) {
  const out = [heading(t("scorecard_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  const agencyId = Number(ctx.args[0] || S.user.agency_id || 0);
  if (!agencyId) return out.concat(h("p", {}, t("no_agency")));
  const sc = await api("GET", AG(p.id, agencyId) + "/scorecard");
  if (ctx.args[0]) out.push(h("p", {}, h("a", { href: "#/results?period=" + p.id, id: "back-results" }, "← " + t("back") + ": " + t("results_title"))));
  out.push(h("p", {}, h("strong", {}, sc.agency_name), " · " + t("group_of", { code: sc.group_code, name: groupName(sc.group_code) }) + " · " + p.name));
  const r = sc.result;
  if (r) {
    out.push(h("p", { id: "sc-summary" }, t("result_summary", { rank: r.rank, group: sc.group_code, t: pts(r.total), m: pts(r.max), q: pts(r.quality_pct), r: pts(r.cchc_pct) })));
    out.push(h("p", {}, h("strong", {}, t("band") + ": "), h("span", { class: "band band-" + r.band }, tmap("bands", r.band)),
      " · ", h("strong", {}, t("cchc_band") + ": "), tmap("cchc_bands", r.cchc_band),
      r.tie_pending ? h("span", {}, " ", tag(t("tie_pending"), "warn")) : null));
  }
  const rows = (sc.leaves || []).map((l) => h("tr", {},
    td(t("leaf"), { class: "code" }, l.leaf_code),
    td(t("name"), l.title, l.not_applicable ? h("span", {}, " ", tag(t("not_applicable"))) : null),
    td(t("max_points"), { class: "num" }, pts(l.max_points)),
    td(t("self"), { class: "num" }, pts(l.self)),
    td(t("round1"), { class: "num" }, pts(l.round1)),
    td(t("round2"), { class: "num" }, pts(l.round2)),
    td(t("survey"), { class: "num" }, pts(l.survey)),
    td(t("leaders"), { class: "num" }, (l.leader_scores || []).length ? l.leader_scores.map(pts).join("; ") : "—"),
    td(t("effective"), { class: "num strong" }, pts(l.effective))));
  out.push(table([t("leaf"), t("name"), [t("max_points"), "num"], [t("self"), "num"], [t("round1"), "num"],
    [t("round2"), "num"], [t("survey"), "num"], [t("leaders"), "num"], [t("effective"), "num"]], rows, { stack: true, id: "scorecard" }));
  out.push(h("h2", {}, t("shortcomings")));
  const sh = sc.shortcomings || [];
  if (!sh.length) out.push(h("p", {}, t("no_shortcomings")));
  else out.push(table([t("leaf"), t("name"), [t("max_points"), "num"], [t("effective"), "num"], [t("lost"), "num"], t("comment")],
    sh.map((s) => h("tr", {}, td(t("leaf"), { class: "code" }, s.leaf_code), td(t("name"), s.title), td(t("max_points"), { class: "num" }, pts(s.max_points)),
      td(t("effective"), { class: "num" }, pts(s.effective)), td(t("lost"), { class: "num" }, pts(s.lost)), td(t("comment"), s.comment || ""))), { stack: true }));
  return out;
}
