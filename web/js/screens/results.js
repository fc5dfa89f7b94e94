/* Results per group (province admin computes; viewers and leaders read), with links to each
 * agency's scorecard and to the published results page. */
import { P, api, getOrNull } from "../api.js";
import { pts, t, tmap, when } from "../i18n.js";
import { groupName, has, period } from "../state.js";
import { busy, button, errorBox, h, heading, table, tag, td } from "../ui.js";

export function resultsTable(g, p) {
  const rows = (g.agencies || []).map((a) => {
    const marks = [];
    if (a.tie_pending) marks.push(tag(t("tie_pending"), "warn"));
    if (a.tie_resolved) marks.push(tag(t("tie_resolved")));
    if (a.disciplined) marks.push(tag(t("disciplined")));
    return h("tr", { "data-agency": a.code, class: a.tie_pending ? "tie" : false },
      td(t("rank"), { class: "num" }, String(a.rank), a.tie_pending ? " *" : ""),
      td(t("code"), a.code),
      td(t("name"), h("a", { href: "#/scorecard/" + a.agency_id + "?period=" + p.id, title: t("view_scorecard", { name: a.name }) }, a.name),
        ...marks.map((m) => h("span", {}, " ", m))),
      td(t("total"), { class: "num" }, pts(a.total)),
      td(t("max"), { class: "num" }, pts(a.max)),
      td(t("quality"), { class: "num" }, pts(a.quality_pct)),
      td(t("cchc"), { class: "num" }, pts(a.cchc_pct)),
      td(t("band"), { class: "band band-" + a.band }, tmap("bands", a.band)),
      td(t("cchc_band"), tmap("cchc_bands", a.cchc_band)));
  });
  return table([[t("rank"), "num"], t("code"), t("name"), [t("total"), "num"], [t("max"), "num"],
    [t("quality"), "num"], [t("cchc"), "num"], t("band"), t("cchc_band")], rows, { stack: true });
}

function renderResults(res, p) {
  const out = [];
  if (res.computed_at) out.push(h("p", { class: "muted" }, t("computed_at", { t: when(res.computed_at) })));
  const groups = res.groups || [];
  if (!groups.length) out.push(h("p", {}, t(has("province_admin") ? "not_computed" : "no_results")));
  for (const g of groups) {
    out.push(h("section", { class: "group", "data-group": g.group_code, "aria-labelledby": "grp-" + g.group_code },
      h("h2", { id: "grp-" + g.group_code }, t("group_of", { code: g.group_code, name: groupName(g.group_code) })),
      h("p", { class: "muted" }, t("good_or_better", { g: g.good_or_better || 0, q: g.excellent_quota || 0 })),
      g.publication_blocked_by_tie ? h("p", { class: "warn" }, t("blocked")) : null,
      resultsTable(g, p)));
  }
  return out;
}

export default async function results() {
  const out = [heading(t("results_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  out.push(h("p", {}, h("a", { href: "/public.html", id: "public-results-link" }, t("public_results"))));
  const holder = h("div", { id: "results" });
  if (has("province_admin")) {
    const err = errorBox("compute-error");
    const btn = button(t("compute"), { id: "compute", class: "primary" });
    btn.addEventListener("click", () => busy(btn, async () => {
      btn.textContent = t("computing");
      try {
        holder.replaceChildren(...renderResults(await api("POST", P(p.id) + "/compute", {}), p));
      } finally { btn.textContent = t("compute"); }
    }, err));
    out.push(h("div", { class: "actions" }, btn), err);
  }
  holder.replaceChildren(...renderResults((await getOrNull(P(p.id) + "/results")) || { groups: [] }, p));
  out.push(holder);
  return out;
}
