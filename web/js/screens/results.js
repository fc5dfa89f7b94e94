/* Results per group (province admin computes; viewers and leaders read), with links to each
 * agency's scorecard and to the published results page. */
import { P, api, getOrNull } from "../api.js";
import { pts, t, tmap, when } from "../i18n.js";
import { groupName, has, period } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, table, tag, td } from "../ui.js";

/* opts.links: false draws names without links to scorecards (an agency's view of its
 * published group); opts.mark: the code of the row to mark as the reader's own. */
export function resultsTable(g, p, opts) {
  opts = opts || {};
  const rows = (g.agencies || []).map((a) => {
    const marks = [];
    if (a.tie_pending) marks.push(tag(t("tie_pending"), "warn"));
    if (a.tie_resolved) marks.push(tag(t("tie_resolved")));
    if (a.disciplined) marks.push(tag(t("disciplined")));
    if (a.differs_from_published) marks.push(tag(t("pub_differs_tag"), "warn"));
    const name = opts.links === false ? (a.code === opts.mark ? h("strong", {}, a.name) : a.name)
      : h("a", { href: "#/scorecard/" + a.agency_id + "?period=" + p.id, title: t("view_scorecard", { name: a.name }) }, a.name);
    return h("tr", { "data-agency": a.code, class: a.tie_pending ? "tie" : a.code === opts.mark ? "own" : false,
      "data-differs": a.differs_from_published ? "yes" : false },
      td(t("rank"), { class: "num" }, String(a.rank), a.tie_pending ? " *" : ""),
      td(t("code"), a.code),
      td(t("name"), name, ...marks.map((m) => h("span", {}, " ", m))),
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
  const pub = res.published;
  if (pub) out.push(h("p", { id: "results-published", class: pub.working_differs ? "warn" : "ok", "data-version": pub.version },
    t("pub_version", { v: pub.version, t: when(pub.published_at) }) + " " +
    t(pub.working_differs ? "pub_differs_admin" : "pub_same_admin", { v: pub.version }) + " SHA-256: " + (pub.sha256 || "").slice(0, 16) + "…"));
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

export default async function results(ctx) {
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
  if (has("province_admin") || has("leader") || has("viewer")) out.push(...(await publication(ctx, p)));
  return out;
}

/* Approval (a leader, with a note) and publication (the province admin; pending heads only
 * on an explicit word with a reason), with the published versions. */
async function publication(ctx, p) {
  const out = [h("h2", { id: "publication-h" }, t("publication_title"))];
  const snaps = await getOrNull(P(p.id) + "/snapshots");
  if (!snaps) return out.concat(h("p", {}, t("none")));
  const approvals = snaps.approvals || [];
  const cur = approvals.filter((a) => a.current).pop();
  out.push(h("p", { id: "approval-state" }, cur ? t("approved_by", { t: when(cur.approved_at), note: cur.note || "" }) : t("not_approved")));
  if (has("leader")) {
    const note = h("textarea", { id: "approve-note", rows: 2 });
    const err = errorBox("approve-err");
    const b = button(t("approve"), { id: "approve", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      await api("POST", P(p.id) + "/approve", { note: note.value.trim() });
      await ctx.refresh();
      flash("approved_ok");
    }, err));
    out.push(field(t("approve_note"), note), h("div", { class: "actions" }, b), err);
  }
  if (has("province_admin")) {
    const reason = input({ id: "publish-reason" });
    const pending = h("input", { type: "checkbox", id: "publish-pending" });
    const err = errorBox("publish-err");
    const b = button(t("publish"), { id: "publish", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      const body = { reason: reason.value.trim() || undefined };
      if (pending.checked) body.confirm_pending_heads = true;
      const r = await api("POST", P(p.id) + "/publish", body);
      await ctx.refresh();
      flash("published_ok", { v: r.version });
    }, err));
    out.push(h("div", { class: "row" }, field(t("publish_reason"), reason)),
      h("div", { class: "checks" }, h("label", { for: pending.id }, pending, t("publish_pending"))),
      h("div", { class: "actions" }, b), err);
  }
  const list = snaps.snapshots || [];
  if (list.length) out.push(table([t("version"), t("published_at"), "SHA-256", t("reason")], list.map((s) => h("tr", { "data-version": s.version },
    td(t("version"), String(s.version)), td(t("published_at"), when(s.published_at)),
    td("SHA-256", h("code", { class: "small" }, (s.sha256 || "").slice(0, 16) + "…")), td(t("reason"), s.reason || ""))), { stack: true, id: "snapshots" }));
  return out;
}

