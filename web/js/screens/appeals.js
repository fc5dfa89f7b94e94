/* Appeals (khiếu nại, SPEC §9, §12) after publication. An agency's users read their appeals
 * and the council's answers; the head lodges one on named leaves, a reason each, while the
 * `appeal` phase is open, then attaches files to each appealed leaf. The province's
 * overseers and the council see every appeal; the province admin publishes the next version
 * once every leaf is answered. The council answers in the appraisal workbench
 * (appealAnswers, used by appraise.js). The server checks every rule again. */
import { AG, P, api, getOrNull } from "../api.js";
import { numIn, parseNum, pts, t, tmap, when } from "../i18n.js";
import { S, agencyName, has, period, phaseInfo } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, select, table, tag, td, uid } from "../ui.js";
import { evidenceList, fileUpload } from "./evidence.js";

const slugOf = (code) => code.replace(/[^0-9a-zA-Z]+/g, "-");
const overseer = () => has("province_admin") || has("viewer") || has("leader") || has("appraiser");

/* The appeal's files in the shape evidenceList draws. */
const files = (item) => (item.evidence || []).map((e) => Object.assign({ kind: "file" }, e));

function decisionCell(item) {
  if (!item.decision) return tag(t("decision_waiting"), "warn");
  return h("span", {}, tag(tmap("decisions", item.decision), item.decision === "upheld" ? "ok" : ""),
    item.decision === "upheld" ? " " + t("new_value") + ": " + pts(item.new_value) : "",
    item.answered_at ? h("span", { class: "muted small" }, " · " + when(item.answered_at)) : null);
}

/* One appeal's items as a table; extra(item) adds the agency's upload under an open item. */
function itemsTable(a, extra) {
  return table([t("leaf"), t("reason"), t("evidence"), t("decision"), t("answer")],
    (a.items || []).map((i) => h("tr", { "data-appeal-item": i.leaf_code },
      td(t("leaf"), { class: "code" }, i.leaf_code),
      td(t("reason"), i.reason || ""),
      td(t("evidence"), evidenceList(files(i)), extra ? extra(i) : null),
      td(t("decision"), decisionCell(i)),
      td(t("answer"), i.answer || ""))), { stack: true, id: uid("appeal-" + a.id) });
}

function windowLine() {
  const w = phaseInfo("appeal");
  if (!w.opens_at) return h("p", { class: "muted", id: "appeal-window" }, tmap("phases", "appeal") + ": " + t("not_scheduled"));
  const state = w.open ? t("open_now") : w.state === "upcoming" ? t("upcoming") : t("closed");
  return h("p", { class: w.open ? "ok" : "muted", id: "appeal-window" }, t("appeal_window", { from: when(w.opens_at), to: when(w.closes_at), state }));
}

export default async function appeals(ctx) {
  const out = [heading(t("appeals_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  out.push(windowLine());
  if (overseer()) return out.concat(await overview(ctx, p));
  const agencyId = S.user.agency_id;
  if (!agencyId) return out.concat(h("p", {}, t("no_agency")));
  return out.concat(await agencyView(ctx, p, agencyId));
}

/* --- the agency ------------------------------------------------------------------------------ */

async function agencyView(ctx, p, agencyId) {
  const out = [];
  const [sc, list] = await Promise.all([api("GET", AG(p.id, agencyId) + "/scorecard"), api("GET", P(p.id) + "/appeals")]);
  const pub = sc.published;
  if (!pub) return [h("p", { id: "appeal-state" }, t("appeal_not_published"))];
  out.push(h("p", { id: "appeal-state" }, t("pub_version", { v: pub.version, t: when(pub.published_at) })));
  const canLodge = has("agency_head") && phaseInfo("appeal").open;
  const mine = list.appeals || [];
  const pending = new Set();
  for (const a of mine) for (const i of a.items || []) if (!i.decision) pending.add(i.leaf_code);
  /* files go to a leaf under an open appeal, during the window */
  const upload = canLodge ? (i) => {
    if (i.decision) return null;
    const err = errorBox("apf-" + slugOf(i.leaf_code) + "-err");
    return h("div", {}, fileUpload(p.id, agencyId, i.leaf_code, () => ctx.refresh(), err, "apf"), err);
  } : null;
  if (!mine.length) out.push(h("p", { id: "appeals-none" }, t("appeals_none")));
  for (const a of mine) {
    out.push(h("section", { class: "appeal", "data-appeal": a.id, "aria-labelledby": "appeal-h-" + a.id },
      h("h2", { id: "appeal-h-" + a.id }, t("appeal_of", { t: when(a.lodged_at), v: a.version })),
      itemsTable(a, upload)));
  }
  if (!has("agency_head")) out.push(h("p", { class: "muted" }, t("appeal_head_only")));
  else if (!canLodge) out.push(h("p", { class: "muted", id: "appeal-readonly" }, t("appeal_closed")));
  else out.push(lodgeForm(ctx, p, agencyId, sc, pending));
  return out;
}

function lodgeForm(ctx, p, agencyId, sc, pending) {
  /* contents 3 and 4 are the surveys' and the leaders': the council does not appraise them */
  const leaves = (sc.leaves || []).filter((l) => ![3, 4].includes(l.content) && !l.not_applicable);
  const rows = leaves.map((l) => {
    const slug = slugOf(l.leaf_code);
    const box = h("input", { type: "checkbox", id: "ap-leaf-" + slug, "data-appeal-leaf": l.leaf_code, disabled: pending.has(l.leaf_code) });
    const reason = h("textarea", { id: "ap-reason-" + slug, rows: 2, "data-reason-leaf": l.leaf_code });
    const err = h("p", { class: "error leaf-error", role: "alert", id: "ap-" + slug + "-err", "data-err-leaf": l.leaf_code });
    return { l, box, reason, err, node: h("div", { class: "leaf", role: "group", "aria-label": t("leaf") + " " + l.leaf_code },
      h("div", { class: "checks" }, h("label", { for: box.id }, box, t("appeal_leaf", { code: l.leaf_code }) + " — " + (l.title || "")),
        pending.has(l.leaf_code) ? h("span", {}, " ", tag(t("appeal_pending_leaf"), "warn")) : null),
      h("p", { class: "muted small" }, t("effective") + ": " + pts(l.effective) + " / " + pts(l.max_points)),
      field(t("appeal_reason_of", { code: l.leaf_code }), reason), err) };
  });
  const err = errorBox("ap-error");
  const go = button(t("appeal_lodge"), { id: "ap-lodge", class: "primary" });
  go.addEventListener("click", () => busy(go, async () => {
    for (const r of rows) r.err.textContent = "";
    const chosen = rows.filter((r) => r.box.checked);
    if (!chosen.length) throw { key: "appeal_none_chosen" };
    const items = chosen.map((r) => ({ leaf_code: r.l.leaf_code, reason: r.reason.value.trim() }));
    try {
      await api("POST", AG(p.id, agencyId) + "/appeals", { items });
    } catch (e) {
      /* the server names the item: its message beside that leaf */
      const m = e.api && e.api.field && /^items\[(\d+)\]/.exec(e.api.field);
      if (m && chosen[Number(m[1])]) chosen[Number(m[1])].err.textContent = document.documentElement.lang === "en" ? e.api.message_en : e.api.message_vi;
      throw e;
    }
    await ctx.refresh();
    flash("appeal_lodged", { n: items.length });
  }, err));
  ctx.dirty = () => rows.some((r) => r.box.checked || r.reason.value.trim());
  return h("section", { class: "box", id: "appeal-new", "aria-labelledby": "appeal-new-h" },
    h("h2", { id: "appeal-new-h" }, t("appeal_new")), h("p", { class: "muted small" }, t("appeal_help")),
    ...rows.map((r) => r.node), err, h("div", { class: "actions" }, go));
}

/* --- the province ---------------------------------------------------------------------------- */

async function overview(ctx, p) {
  const [list, snaps] = await Promise.all([api("GET", P(p.id) + "/appeals"), getOrNull(P(p.id) + "/snapshots")]);
  const all = list.appeals || [];
  const open = list.open_items || 0;
  const versions = (snaps && snaps.snapshots) || [];
  const out = [h("p", { id: "appeals-count" }, t("appeals_open", { n: all.length, open }))];
  if (!all.length) out.push(h("p", { id: "appeals-none" }, t("appeals_none")));
  for (const a of all) {
    const link = has("appraiser") || has("province_admin")
      ? h("a", { href: "#/appraise/" + a.agency_id + "?period=" + p.id, "data-answer-link": a.agency_code }, t("appeal_open_answer")) : null;
    out.push(h("section", { class: "appeal", "data-appeal": a.id, "aria-labelledby": "appeal-h-" + a.id },
      h("h2", { id: "appeal-h-" + a.id }, t("appeal_of_agency", { agency: agencyName(a.agency_id), t: when(a.lodged_at), v: a.version })),
      link ? h("p", {}, link) : null, itemsTable(a)));
  }
  if (has("province_admin") && versions.length) out.push(nextVersion(ctx, p, open, versions));
  return out;
}

/* The next version once every answer is in: compute again, then publish with a reason. */
function nextVersion(ctx, p, open, versions) {
  const next = versions[versions.length - 1].version + 1;
  const out = [h("h2", { id: "appeal-next-h" }, t("appeal_next_h"))];
  if (open > 0) return h("section", { class: "box", id: "appeal-next" }, ...out, h("p", { class: "warn" }, t("appeal_next_wait", { n: open })));
  const reason = input({ id: "ap-next-reason" });
  const pendingHeads = h("input", { type: "checkbox", id: "ap-next-pending" });
  const err = errorBox("ap-next-err");
  const go = button(t("appeal_next_go", { v: next }), { id: "ap-publish", class: "primary" });
  go.addEventListener("click", () => busy(go, async () => {
    await api("POST", P(p.id) + "/compute", {});
    const body = { reason: reason.value.trim() };
    if (pendingHeads.checked) body.confirm_pending_heads = true;
    const r = await api("POST", P(p.id) + "/publish", body);
    await ctx.refresh();
    flash("published_ok", { v: r.version });
  }, err));
  const code = S.province && S.province.code;
  out.push(h("p", {}, t("appeal_next_ready", { v: next })),
    field(t("appeal_next_reason"), reason),
    h("div", { class: "checks" }, h("label", { for: pendingHeads.id }, pendingHeads, t("publish_pending"))),
    h("div", { class: "actions" }, go), err);
  if (code && versions.length > 1) {
    const last = versions[versions.length - 1].version;
    out.push(h("p", {}, h("a", { id: "appeal-changes", href: "/public.html?p=" + encodeURIComponent(code) + "&k=" + p.id + "&v=" + last }, t("appeal_changes"))));
  }
  return h("section", { class: "box", id: "appeal-next" }, ...out);
}

/* --- the council, in the appraisal workbench --------------------------------------------------- */

/* The agency's appeals with an answer form per open leaf in the caller's scope (inScope(code));
 * nothing when there is none. */
export async function appealAnswers(ctx, p, agencyId, inScope) {
  const list = await getOrNull(P(p.id) + "/appeals?agency_id=" + agencyId);
  const all = (list && list.appeals) || [];
  if (!all.length) return [];
  const canAnswer = has("appraiser") || has("province_admin");
  const out = [h("h2", { id: "appeal-answers-h" }, t("appeal_answers_h"))];
  for (const a of all) {
    const answer = (i) => (canAnswer && !i.decision && inScope(i.leaf_code) ? answerForm(ctx, a, i) : null);
    out.push(h("section", { class: "appeal", "data-appeal": a.id, "aria-labelledby": "appeal-h-" + a.id },
      h("h3", { id: "appeal-h-" + a.id }, t("appeal_of", { t: when(a.lodged_at), v: a.version })), itemsTable(a, answer)));
  }
  return out;
}

function answerForm(ctx, a, item) {
  const slug = "aa-" + slugOf(item.leaf_code);
  const decision = select({ id: slug + "-decision" }, [["upheld", tmap("decisions", "upheld")], ["rejected", tmap("decisions", "rejected")]], "", true);
  const value = input({ id: slug + "-value", class: "score", inputmode: "decimal", value: numIn(undefined) });
  const text = h("textarea", { id: slug + "-answer", rows: 2 });
  const err = errorBox(slug + "-err");
  const go = button(t("appeal_answer_save"), { id: slug + "-save", class: "primary" });
  go.addEventListener("click", () => busy(go, async () => {
    const body = { decision: decision.value, answer: text.value.trim() || undefined };
    if (decision.value === "upheld") {
      const v = parseNum(value.value);
      if (Number.isNaN(v)) throw { key: "bad_number" };
      if (v !== null) body.new_value = v;
    }
    await api("PUT", "/api/v1/appeals/" + a.id + "/items/" + encodeURIComponent(item.leaf_code) + "/answer", body);
    await ctx.refresh();
    flash("appeal_answered", { code: item.leaf_code });
  }, err));
  return h("div", { class: "box appeal-answer" },
    field(t("appeal_decision_of", { code: item.leaf_code }), decision),
    field(t("appeal_value_of", { code: item.leaf_code }), value),
    field(t("appeal_answer_of", { code: item.leaf_code }), text),
    h("div", { class: "actions" }, go), err);
}
