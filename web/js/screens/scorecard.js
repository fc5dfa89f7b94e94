/* One agency's scorecard: every leaf's values by source, the counted value, totals, bands,
 * and the leaves that lost points. Agency users see their own; admins, viewers and leaders
 * open any from the results (#/scorecard/<agency id>). */
import { AG, api } from "../api.js";
import { numIn, pts, t, tmap, when } from "../i18n.js";
import { S, groupName, has, period } from "../state.js";
import { h, heading, table, tag, td } from "../ui.js";
import { resultsTable } from "./results.js";

const overseer = () => has("province_admin") || has("viewer") || has("leader");

function summary(sc, r, id) {
  return h("div", { id },
    h("p", {}, t("result_summary", { rank: r.rank, group: sc.group_code, t: pts(r.total), m: pts(r.max), q: pts(r.quality_pct), r: pts(r.cchc_pct) })),
    h("p", {}, h("strong", {}, t("band") + ": "), h("span", { class: "band band-" + r.band }, tmap("bands", r.band)),
      " · ", h("strong", {}, t("cchc_band") + ": "), tmap("cchc_bands", r.cchc_band),
      r.head_rating ? h("span", {}, " · ", h("strong", {}, t("head_rating") + ": "), tmap("head_ratings", r.head_rating)) : null,
      r.tie_pending ? h("span", {}, " ", tag(t("tie_pending"), "warn")) : null));
}

/* The published version: which one, its SHA-256, every version (the public page and the
 * raw bytes), and whether the working values moved since. */
function publishedBox(sc, pub, p) {
  const code = S.province && S.province.code;
  const page = (v) => "/public.html?p=" + encodeURIComponent(code || "") + "&k=" + p.id + "&v=" + v;
  const differs = pub.working_differs;
  return h("section", { class: "box", id: "sc-version", "aria-labelledby": "sc-version-h", "data-version": pub.version, "data-differs": differs ? "yes" : "no" },
    h("h2", { id: "sc-version-h" }, t("pub_version", { v: pub.version, t: when(pub.published_at) })),
    h("p", {}, h("strong", {}, t("pub_sha") + ": "), h("code", { id: "sc-sha", class: "hash" }, pub.sha256)),
    overseer() ? h("p", { id: "sc-differs", class: differs ? "warn" : "ok" }, t(differs ? "pub_differs_admin" : "pub_same_admin", { v: pub.version }))
      : h("p", {}, t("pub_official", { v: pub.version })),
    !overseer() && differs ? h("p", { id: "sc-differs", class: "warn" }, t("pub_differs_agency", { v: pub.version })) : null,
    h("p", {}, h("strong", {}, t("pub_versions") + ": ")),
    h("ul", { id: "sc-versions" }, ...(pub.versions || []).map((v) => h("li", { "data-version": v.version },
      code ? h("a", { href: page(v.version) }, t("pub_version_link", { v: v.version, t: when(v.published_at) })) : t("pub_version_link", { v: v.version, t: when(v.published_at) }),
      " · ", h("a", { href: v.url, "aria-label": t("pub_version_json") + " " + v.version }, t("pub_version_json")),
      " · ", h("code", { class: "small" }, (v.sha256 || "").slice(0, 12) + "…")))));
}

/* What an agency may see of the ranking: its group as published. */
function publishedGroup(sc, pub, p) {
  const g = { agencies: pub.group, good_or_better: pub.good_or_better, excellent_quota: pub.excellent_quota };
  return h("section", { id: "sc-group", "aria-labelledby": "sc-group-h" },
    h("h2", { id: "sc-group-h" }, t("pub_group_title", { code: sc.group_code, v: pub.version })),
    resultsTable(g, p, { links: false, mark: sc.agency_code }));
}

/* What stands behind an automatic leaf's value (SPEC §12): the metric and its figures, the
 * formula, the feed batch and the periods it was made of (a year, or the months or quarters
 * summed into it); or why there is none. */
function autoLine(l) {
  if (!l.auto_metric) return null;
  const m = l.auto_metric;
  let text;
  if (l.auto_status === "no_portal_data") text = t("sc_auto_missing", { m });
  else if (l.auto_status === "not_applicable") text = t("sc_auto_na", { m, b: l.auto_batch_id || "—" });
  else {
    const v = l.auto_numerator !== undefined && l.auto_denominator !== undefined
      ? numIn(l.auto_numerator) + "/" + numIn(l.auto_denominator)
      : t("sc_auto_score", { s: numIn(l.auto_score) || "—", x: numIn(l.auto_max_score) || "—" });
    text = t("sc_auto_computed", { m, v, f: tmap("auto_formulas", l.auto_formula), b: l.auto_batch_id || "—",
      per: (l.auto_periods || "—").split(",").join(", ") });
  }
  return h("p", { class: "small " + (l.auto_status === "no_portal_data" ? "warn" : "muted"), "data-auto-leaf": l.leaf_code }, text);
}

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
  const pub = sc.published;
  /* the agency's own users read the published values as the result; overseers the working
   * ones, with the published version beside them when they differ */
  if (pub) out.push(publishedBox(sc, pub, p));
  if (r) {
    const official = pub && !overseer();
    out.push(h("section", { id: "sc-result", "aria-labelledby": "sc-result-h" },
      h("h2", { id: "sc-result-h" }, official ? t("pub_published", { v: pub.version }) : pub ? t("pub_working") : t("result")),
      summary(sc, r, "sc-summary")));
    if (pub && overseer() && pub.working_differs && pub.result)
      out.push(h("section", { id: "sc-published", "aria-labelledby": "sc-published-h" },
        h("h2", { id: "sc-published-h" }, t("pub_published", { v: pub.version })), summary(sc, pub.result, "sc-published-summary")));
  }
  /* an automatic leaf the portal says does not apply is out of the maximum, like an N/A leaf */
  const na = (l) => l.not_applicable || l.auto_status === "not_applicable";
  const rows = (sc.leaves || []).map((l) => h("tr", {},
    td(t("leaf"), { class: "code" }, l.leaf_code),
    td(t("name"), l.title, na(l) ? h("span", {}, " ", tag(t("not_applicable"))) : null, autoLine(l)),
    td(t("max_points"), { class: "num" }, pts(l.max_points)),
    td(t("self"), { class: "num" }, pts(l.self)),
    td(t("round1"), { class: "num" }, pts(l.round1)),
    td(t("round2"), { class: "num" }, pts(l.round2)),
    td(t("survey"), { class: "num" }, pts(l.survey)),
    td(t("leaders"), { class: "num" }, (l.leader_scores || []).length ? l.leader_scores.map(pts).join("; ") : "—"),
    td(t("effective"), { class: "num strong" }, pts(na(l) ? null : l.effective))));
  out.push(table([t("leaf"), t("name"), [t("max_points"), "num"], [t("self"), "num"], [t("round1"), "num"],
    [t("round2"), "num"], [t("survey"), "num"], [t("leaders"), "num"], [t("effective"), "num"]], rows, { stack: true, id: "scorecard" }));
  if (pub && !overseer() && (pub.group || []).length) out.push(publishedGroup(sc, pub, p));
  out.push(h("h2", {}, t("shortcomings")));
  const sh = sc.shortcomings || [];
  if (!sh.length) out.push(h("p", {}, t("no_shortcomings")));
  else out.push(table([t("leaf"), t("name"), [t("max_points"), "num"], [t("effective"), "num"], [t("lost"), "num"], t("comment")],
    sh.map((s) => h("tr", {}, td(t("leaf"), { class: "code" }, s.leaf_code), td(t("name"), s.title), td(t("max_points"), { class: "num" }, pts(s.max_points)),
      td(t("effective"), { class: "num" }, pts(s.effective)), td(t("lost"), { class: "num" }, pts(s.lost)), td(t("comment"), s.comment || ""))), { stack: true }));
  return out;
}
