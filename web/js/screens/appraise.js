/* The appraisal workbench. Without an argument: the agencies in the appraiser's scope (the
 * province admin sees all, for N/A decisions); an appraiser's own agency is simply absent.
 * With an agency: per leaf the self score, note and evidence beside rounds 1 and 2 (entry in
 * the open round), the explanation, N/A proposal and decision, specialist opinions. */
import { AG, P, api } from "../api.js";
import { numIn, parseNum, pts, t, tmap, when } from "../i18n.js";
import { S, agencyName, groupName, has, period, phaseInfo } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, select, tag, uid } from "../ui.js";
import { appealAnswers } from "./appeals.js";
import { evidenceList } from "./evidence.js";
import { opinionFiles } from "./opinions.js";

async function myScopes(p) {
  if (!has("appraiser")) return null;   // the admin: everything
  const council = await api("GET", P(p.id) + "/council");
  const me = (council.members || []).find((m) => m.user_id === S.user.id);
  return me ? me.scopes || [] : [];
}

/* A prefix covers itself and what lies under it ("2" covers "2.1", not "20.1"); the server decides anyway. */
const covers = (prefix, code) => !prefix || code === prefix || code.startsWith(prefix + ".");
const inScope = (scopes, group, code) => !scopes || scopes.some((s) => s.group_code === group && (code === undefined || covers(s.prefix, code)));

export default async function appraise(ctx) {
  const p = period();
  if (!p) return [heading(t("appraise_title")), h("p", {}, t("no_period"))];
  const scopes = await myScopes(p);
  if (ctx.args[0]) return agencyView(ctx, p, Number(ctx.args[0]), scopes);
  const out = [heading(t("appraise_title"))];
  if (scopes && !scopes.length) return out.concat(h("p", {}, t("no_scope")));
  if (scopes) out.push(h("p", { id: "my-scopes" }, t("my_scopes", { scopes: scopes.map((s) => t("scope_item", { prefix: s.prefix || "", group: s.group_code })).join("; ") })));
  out.push(h("p", {}, t("appraise_pick")));
  for (const ph of ["appraisal_1", "appraisal_2"]) {
    const i = phaseInfo(ph);
    if (i.opens_at) out.push(h("p", { class: i.open ? "ok" : "muted" }, tmap("phases", ph) + ": " + when(i.opens_at) + " – " + when(i.closes_at) + (i.open ? " · " + t("open_now") : "")));
  }
  const byGroup = new Map();
  for (const a of S.agencies.values()) {
    if (!a.active && a.active !== undefined) continue;
    if (!inScope(scopes, a.group_code) || (scopes && a.id === S.user.agency_id)) continue;
    if (!byGroup.has(a.group_code)) byGroup.set(a.group_code, []);
    byGroup.get(a.group_code).push(a);
  }
  for (const [g, list] of [...byGroup].sort()) {
    out.push(h("h2", {}, t("group_of", { code: g, name: groupName(g) })),
      h("ul", { class: "agency-list", "data-group": g }, ...list.map((a) => h("li", {}, h("a", { href: "#/appraise/" + a.id + "?period=" + p.id, "data-agency-link": a.code }, a.name)))));
  }
  return out;
}

async function agencyView(ctx, p, agencyId, scopes) {
  const base = AG(p.id, agencyId);
  const agency = S.agencies.get(agencyId) || { name: agencyName(agencyId), group_code: "" };
  const out = [heading(t("appraise_title") + ": " + agency.name),
    h("p", {}, h("a", { href: "#/appraise?period=" + p.id, id: "back-list" }, "← " + t("back")))];
  const [ap, sa] = await Promise.all([api("GET", base + "/appraisal"), api("GET", base + "/self-assessment").catch(() => null)]);
  const selfLeaf = new Map(((sa && sa.leaves) || []).map((l) => [l.leaf_code, l]));
  const leaves = (ap.leaves || []).filter((l) => inScope(scopes, agency.group_code, l.leaf_code));
  const openRound = phaseInfo("appraisal_2").open ? 2 : phaseInfo("appraisal_1").open ? 1 : 0;
  const canAppraise = has("appraiser") && openRound > 0;
  const scoredLeaves = leaves.filter((l) => ![3, 4].includes(l.content) && !l.not_applicable);
  const done = (n) => scoredLeaves.filter((l) => (n === 1 ? l.r1_score : l.r2_score) !== undefined).length;
  out.push(h("p", { id: "apr-progress" }, t("appraised", { done: done(1), total: scoredLeaves.length, n: 1 }) + " · " +
    t("appraised", { done: done(2), total: scoredLeaves.length, n: 2 })));
  if (sa) out.push(h("p", {}, t("state") + ": " + (sa.state === "submitted" ? t("state_submitted", { t: when(sa.submitted_at) }) : t("state_draft"))));

  const formErr = errorBox("apr-error");
  const rows = [];
  const specialists = [...S.agencies.values()].filter((a) => a.id !== agencyId).map((a) => [a.id, a.name]);
  const list = h("div", { id: "apr-leaves" });
  for (const l of leaves) {
    const slug = l.leaf_code.replace(/[^0-9a-zA-Z]+/g, "-");
    const sl = selfLeaf.get(l.leaf_code) || {};
    const title = sl.title || "";
    const err = h("p", { class: "error leaf-error", "data-err-leaf": l.leaf_code, role: "alert", id: "apr-" + slug + "-err" });
    const roundCell = (n) => {
      const sc = n === 1 ? l.r1_score : l.r2_score, cm = n === 1 ? l.r1_comment : l.r2_comment;
      if (canAppraise && n === openRound && ![3, 4].includes(l.content) && !l.not_applicable) {
        const s = input({ id: "apr-" + slug + "-r" + n, class: "score", inputmode: "decimal", "data-round-leaf": l.leaf_code, "aria-describedby": "apr-" + slug + "-err" });
        s.value = numIn(sc);
        const c = input({ id: "apr-" + slug + "-c" + n, "data-comment-leaf": l.leaf_code });
        c.value = cm || "";
        rows.push({ l, s, c, old: sc, oldC: cm || "" });
        return h("div", { class: "side" }, h("div", { class: "h4" }, t("round_n", { n })),
          field(t("round_score_of", { n, code: l.leaf_code }), s), field(t("round_comment_of", { n, code: l.leaf_code }), c));
      }
      return h("div", { class: "side" }, h("div", { class: "h4" }, t("round_n", { n })),
        h("p", {}, pts(sc)), cm ? h("p", { class: "small" }, cm) : null);
    };
    const kids = [
      h("div", { class: "leaf-head" }, h("span", { class: "code" }, l.leaf_code), h("span", { class: "leaf-title" }, title),
        h("span", { class: "muted small" }, t("max_points") + " " + pts(l.max_points)),
        l.not_applicable ? tag(t("not_applicable")) : null),
      h("div", { class: "split three" },
        h("div", { class: "side" }, h("div", { class: "h4" }, t("self_short")), h("p", {}, pts(l.self_score)),
          sl.note ? h("p", { class: "small" }, sl.note) : null, evidenceList(sl.evidence)),
        roundCell(1), roundCell(2)),
      err];
    if (l.explanation) kids.push(h("p", {}, h("strong", {}, t("explanation") + ": "), l.explanation));
    if (l.na_proposal) kids.push(h("p", { class: "warn" }, t("na_proposal_by_agency", { reason: l.na_proposal })));
    if (l.not_applicable && l.na_reason) kids.push(h("p", { class: "small" }, t("reason") + ": " + l.na_reason));
    for (const o of l.opinions || []) kids.push(h("div", { class: "opinion", "data-opinion": o.id },
      h("p", { class: "small" }, h("strong", {}, t("opinions") + " (" + agencyName(o.specialist_agency_id) + "): "),
        o.question, " → ", o.answer ? o.answer : h("em", {}, t("waiting"))),
      opinionFiles(o, false)));
    kids.push(h("details", { class: "leaf-more", id: "apr-" + slug + "-more" }, h("summary", {}, t("na_decide") + " · " + t("opinion_ask")),
      naDecision(ctx, base, l, slug), has("appraiser") ? opinionForm(ctx, base, l, slug, specialists) : null));
    list.appendChild(h("div", { class: "leaf", "data-apr-leaf": l.leaf_code, role: "group", "aria-label": t("leaf") + " " + l.leaf_code }, ...kids));
  }
  out.push(list);
  /* after publication: the agency's appeals, answered here leaf by leaf */
  out.push(...(await appealAnswers(ctx, p, agencyId, (code) => inScope(scopes, agency.group_code, code))));
  const changed = () => rows.filter((r) => {
    const v = parseNum(r.s.value);
    return !(v === (r.old ?? null) || (v !== null && r.old !== undefined && Math.abs(v - r.old) < 1e-9)) || r.c.value !== r.oldC;
  });
  ctx.dirty = () => changed().length > 0;
  if (canAppraise) {
    const save = button(t("save_round", { n: openRound }), { id: "save-round", class: "primary" });
    save.addEventListener("click", () => busy(save, async () => {
      for (const el of list.querySelectorAll("[data-err-leaf]")) el.textContent = "";
      const items = [];
      for (const r of changed()) {
        const v = parseNum(r.s.value);
        if (Number.isNaN(v)) { list.querySelector('[data-err-leaf="' + CSS.escape(r.l.leaf_code) + '"]').textContent = t("bad_number"); throw { key: "fix_errors" }; }
        const it = { leaf_code: r.l.leaf_code, comment: r.c.value };
        if (v !== null) it.score = v;
        items.push(it);
      }
      if (!items.length) { flash("nothing_changed"); return; }
      try {
        await api("PUT", base + "/appraisal/" + openRound, { items });
      } catch (e) {
        const m = e.api && e.api.field && /^items\[(\d+)\]/.exec(e.api.field);
        if (m && items[Number(m[1])]) {
          const el = list.querySelector('[data-err-leaf="' + CSS.escape(items[Number(m[1])].leaf_code) + '"]');
          if (el) el.textContent = document.documentElement.lang === "en" ? e.api.message_en : e.api.message_vi;
        }
        throw e;
      }
      await ctx.refresh();
      flash("saved", { n: items.length });
    }, formErr));
    out.push(formErr, h("div", { class: "actions sticky" }, save));
  } else out.push(formErr);
  return out;
}

function naDecision(ctx, base, l, slug) {
  const box = h("input", { type: "checkbox", id: uid("na-" + slug + "-dec"), checked: !!l.not_applicable });
  const reason = input({ id: uid("na-" + slug + "-why"), value: l.na_reason || "" });
  const err = errorBox("na-" + slug + "-err");
  const b = button(t("save"), { id: uid("na-" + slug + "-save") });
  b.addEventListener("click", () => busy(b, async () => {
    await api("PUT", base + "/na-decisions", { leaf_code: l.leaf_code, not_applicable: box.checked, reason: reason.value.trim() });
    await ctx.refresh();
    flash("na_decided", { code: l.leaf_code });
  }, err));
  return h("fieldset", { class: "box" }, h("legend", {}, t("na_decide")),
    h("div", { class: "checks" }, h("label", { for: box.id }, box, t("na_decide_of", { code: l.leaf_code }))),
    h("div", { class: "row" }, field(t("na_decision_reason", { code: l.leaf_code }), reason), h("div", { class: "field end" }, b)), err);
}

function opinionForm(ctx, base, l, slug, specialists) {
  const ag = select({ id: uid("op-" + slug + "-agency") }, specialists, "", true);
  const q = h("textarea", { id: uid("op-" + slug + "-q"), rows: 2 });
  const err = errorBox("op-" + slug + "-err");
  const b = button(t("opinion_ask"), { id: uid("op-" + slug + "-send") });
  b.addEventListener("click", () => busy(b, async () => {
    await api("POST", base + "/opinions", { leaf_code: l.leaf_code, specialist_agency_id: Number(ag.value) || undefined, question: q.value.trim() });
    await ctx.refresh();
    flash("opinion_sent");
  }, err));
  return h("fieldset", { class: "box" }, h("legend", {}, t("opinion_ask")),
    field(t("opinion_agency", { code: l.leaf_code }), ag), field(t("opinion_question", { code: l.leaf_code }), q),
    h("div", { class: "actions" }, b), err);
}
