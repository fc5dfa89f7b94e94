/* The agency's self-assessment: a card per leaf (score, note, guidance, evidence, N/A
 * proposal), progress, every error beside its leaf, save, the head's submit (confirmation
 * lists what is missing) and withdraw, read-only outside the phase with the reason and dates,
 * and the explanation of leaves lowered in round 1. */
import { AG, api } from "../api.js";
import { numIn, parseNum, pts, t, tmap, when } from "../i18n.js";
import { S, agencyName, has, indexNodes, period } from "../state.js";
import { busy, button, confirmDialog, errorBox, field, flash, h, heading, input, tag, uid } from "../ui.js";
import { evidenceForms, evidenceList } from "./evidence.js";

export const SELF_SCORED = new Set([1, 2, 5, 6]);

/* Unsaved edits survive redraws (an upload, a language switch): "period/agency" -> leaf -> {score, note}. */
const drafts = new Map();
/* Errors shown beside leaves, kept across redraws the same way: "period/agency" -> leaf -> error. */
const shownErrors = new Map();

/* Progress of the self-assessment: scored leaves, leaves missing required evidence. An
 * automatic leaf (nodes: the group's index nodes) is not the agency's to score: not counted. */
export function progress(sa, nodes) {
  const auto = (l) => !!(((nodes && nodes.get(l.leaf_code)) || {}).auto || {}).metric;
  const mine = (sa.leaves || []).filter((l) => SELF_SCORED.has(l.content) && !l.not_applicable && !auto(l));
  const done = mine.filter((l) => l.score !== undefined && l.score !== null);
  const noEvidence = mine.filter((l) => l.evidence_required && l.score && !(l.evidence || []).length);
  return { total: mine.length, done: done.length, missingScore: mine.filter((l) => !done.includes(l)), noEvidence };
}

function phaseWindow(phases, name, agencyId) {
  const p = (phases.items || []).find((x) => x.phase === name);
  if (!p) return { state: "none" };
  const ext = (phases.extensions || []).find((x) => x.phase === name && x.agency_id === agencyId);
  const closes = ext && ext.closes_at > p.closes_at ? ext.closes_at : p.closes_at;
  const now = Date.now() / 1000;
  return { state: now < p.opens_at ? "upcoming" : now < closes ? "open" : "closed", opens_at: p.opens_at, closes_at: closes, ext };
}

export default async function selfScreen(ctx) {
  const out = [heading(t("self_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  const agencyId = S.user.agency_id;
  if (!agencyId) return out.concat(h("p", {}, t("no_agency")));
  const base = AG(p.id, agencyId);
  const [sa, phases] = await Promise.all([api("GET", base + "/self-assessment"), api("GET", "/api/v1/periods/" + p.id + "/phases")]);
  // Round 1 is shown to the agency from the explanation phase's opening on (the service
  // answers 409 before that): ask only then, so the console stays clean. A clock ahead of
  // the server's may still ask early; that answer is ignored.
  const nowS = Date.now() / 1000;
  const shown = (phases.items || []).some((x) => x.phase === "explanation" && x.opens_at <= nowS);
  let appraisal = null;
  if (shown) {
    try { appraisal = await api("GET", base + "/appraisal"); } catch (e) { /* not shown yet */ }
  }

  const ag = S.agencies.get(agencyId);
  const nodes = ag ? await indexNodes(p.id, ag.group_code) : new Map();
  const win = phaseWindow(phases, "self_assessment", agencyId);
  const expl = phaseWindow(phases, "explanation", agencyId);
  const submitted = sa.state === "submitted";
  const editable = win.state === "open" && !submitted;
  const key = p.id + "/" + agencyId;
  if (!drafts.has(key) || submitted) drafts.set(key, {});
  const draft = drafts.get(key);
  if (!shownErrors.has(key)) shownErrors.set(key, {});
  const errs = shownErrors.get(key);

  out.push(h("p", {}, t("self_of", { agency: agencyName(agencyId), period: p.name })));
  const prog = progress(sa, nodes);
  out.push(h("p", { class: "status-line" },
    h("strong", {}, t("state") + ": "),
    h("span", { id: "sa-state", "data-state": sa.state || "draft" }, submitted ? t("state_submitted", { t: when(sa.submitted_at) }) : t("state_draft")),
    " · ", h("span", { id: "sa-progress" }, t("progress_self", { done: prog.done, total: prog.total, missing: prog.noEvidence.length }))));
  if (!editable) {
    let note;
    if (submitted) note = t("submitted_note");
    else if (win.state === "none") note = t("phase_none_note");
    else note = t("phase_closed_note", { state: t(win.state === "upcoming" ? "phase_state_upcoming" : "phase_state_closed"), from: when(win.opens_at), to: when(win.closes_at) });
    out.push(h("p", { class: "notice", id: "sa-readonly" }, note));
  } else {
    out.push(h("p", { class: "muted" }, tmap("phases", "self_assessment") + ": " + when(win.opens_at) + " – " + when(win.closes_at)));
  }

  const form = h("form", { id: "self-form", novalidate: true });
  const formErr = errorBox("self-error");
  const unsavedEl = h("p", { class: "warn", id: "sa-unsaved", "aria-live": "polite" });
  const rows = [];   // {leaf, score, note, err}
  const byContent = new Map();
  for (const l of sa.leaves || []) {
    if (!byContent.has(l.content)) byContent.set(l.content, []);
    byContent.get(l.content).push(l);
  }
  const redraw = () => ctx.refresh();
  const changed = () => rows.filter((r) => {
    const v = parseNum(r.score.value);
    const old = r.leaf.score === undefined ? null : r.leaf.score;
    const same = v === old || (v !== null && old !== null && Math.abs(v - old) < 1e-9);
    return !same || r.note.value !== (r.leaf.note || "");
  });
  const showUnsaved = () => { const n = changed().length; unsavedEl.textContent = n ? t("unsaved_count", { n }) : ""; };
  ctx.dirty = () => changed().length > 0;

  for (const n of [...byContent.keys()].sort((a, b) => a - b)) {
    const fs = h("fieldset", { class: "content", id: "content-" + n },
      h("legend", {}, t("content", { n }) + ". " + tmap("contents", n)));
    for (const l of byContent.get(n)) {
      const slug = l.leaf_code.replace(/[^0-9a-zA-Z]+/g, "-");
      const id = "leaf-" + slug;
      /* an automatic leaf (SPEC §12) scores itself from the portal feed: the server refuses
       * the agency's value there, so the grid does not offer it */
      const rule = (nodes.get(l.leaf_code) || {}).auto;
      const automatic = !!(rule && rule.metric);
      const canScore = editable && SELF_SCORED.has(l.content) && !l.not_applicable && !automatic;
      const err = h("p", { class: "error leaf-error", id: id + "-err", "data-err-leaf": l.leaf_code, role: "alert" });
      const score = input({ id: id + "-score", class: "score", inputmode: "decimal", "data-leaf": l.leaf_code,
        "aria-describedby": id + "-max " + id + "-err" + (automatic && !l.not_applicable ? " " + id + "-auto" : ""), disabled: !canScore, size: 6 });
      score.value = numIn(l.score);
      const note = input({ id: id + "-note", class: "note", "data-note-leaf": l.leaf_code, disabled: !canScore });
      note.value = l.note || "";
      const d = draft[l.leaf_code];
      if (canScore && d) { score.value = d.score; note.value = d.note; }
      const keep = () => { draft[l.leaf_code] = { score: score.value, note: note.value }; showUnsaved(); };
      score.addEventListener("input", keep);
      note.addEventListener("input", keep);
      const tags = [];
      if (l.not_applicable) tags.push(tag(t("not_applicable")));
      else if (automatic) {
        const rt = tag(t("auto_rule", { m: rule.metric, f: tmap("auto_formulas", rule.formula) }), "muted");
        rt.id = id + "-auto";       /* read out with the disabled score: why it cannot be entered */
        tags.push(rt);
      }
      else if (!SELF_SCORED.has(l.content)) tags.push(tag(t("not_self_scored"), "muted"));
      if (l.evidence_required) tags.push(tag(t("evidence_required"), (l.evidence || []).length ? "" : "warn"));
      if (l.na_proposal) tags.push(tag(t("na_proposed", { reason: l.na_proposal })));
      const nEv = (l.evidence || []).length;
      const detailKids = [];
      const lg = (nodes.get(l.leaf_code) || {}).guidance;
      if (lg) detailKids.push(h("p", { class: "guidance" }, h("strong", {}, t("guidance") + ": "), lg));
      const explaining = expl.state === "open" && lowered(appraisal, l);
      /* the server's rule: removable while it could be added (explanation: only what was added then) */
      const canRemove = (e) => canScore || (explaining && e.supplementary);
      detailKids.push(h("h3", { class: "h4" }, t("evidence")), evidenceList(l.evidence, canRemove, redraw));
      if (canScore || explaining) detailKids.push(evidenceForms(p.id, agencyId, l, redraw));
      if (canScore && !l.na_proposal) detailKids.push(naForm(base, l, slug, redraw));
      fs.appendChild(h("div", { class: "leaf" + (l.not_applicable ? " na" : ""), "data-row-leaf": l.leaf_code, role: "group", "aria-labelledby": id + "-title" },
        h("div", { class: "leaf-head" },
          h("span", { class: "code" }, l.leaf_code),
          h("span", { id: id + "-title", class: "leaf-title" }, l.title),
          h("span", { class: "muted small", id: id + "-max" }, t("max_points") + " " + (l.content === 6 ? "−" : "") + pts(l.max_points) +
            (l.step ? " · " + t("step_hint", { s: numIn(l.step) }) : "")),
          ...tags.map((x) => h("span", {}, " ", x))),
        h("div", { class: "leaf-inputs" },
          h("div", { class: "field" }, h("label", { for: score.id }, t("score")), score),
          h("div", { class: "field grow" }, h("label", { for: note.id }, t("note")), note)),
        err,
        h("details", { class: "leaf-more", id: id + "-more" }, h("summary", {}, t("details") + " (" + t("evidence") + ": " + nEv + ")"), ...detailKids)));
      if (canScore) rows.push({ leaf: l, score, note, err });
    }
    form.appendChild(fs);
  }

  const clearErrors = () => {
    for (const el of form.querySelectorAll("[data-err-leaf]")) { el.textContent = ""; el.chisoErr = null; }
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    formErr.clear();
    for (const k of Object.keys(errs)) delete errs[k];
  };
  const markLeaf = (code, e) => {
    const el = form.querySelector('[data-err-leaf="' + CSS.escape(code) + '"]');
    if (!el) return false;
    errs[code] = e;
    el.chisoErr = e;
    el.textContent = e.api ? (document.documentElement.lang === "en" ? e.api.message_en : e.api.message_vi) : t(e.key);
    const inp = form.querySelector('[data-leaf="' + CSS.escape(code) + '"]');
    if (inp) inp.setAttribute("aria-invalid", "true");
    return true;
  };

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors();
    flash(null);
    const todo = changed();
    if (!todo.length) { flash("nothing_changed"); return; }
    const items = [];
    let bad = false;
    for (const r of todo) {
      const v = parseNum(r.score.value);
      if (Number.isNaN(v)) { markLeaf(r.leaf.leaf_code, { key: "bad_number" }); bad = true; continue; }
      const it = { leaf_code: r.leaf.leaf_code };
      if (v !== null) it.score = v;
      if (r.note.value !== "") it.note = r.note.value;
      items.push(it);
    }
    if (bad) { formErr.show({ key: "fix_errors" }); return; }
    try {
      const rep = await api("PUT", base + "/scores", { items });
      for (const it of items) delete draft[it.leaf_code];
      await ctx.refresh();
      flash("saved", { n: rep.saved !== undefined ? rep.saved : items.length });
    } catch (e) {
      /* The API names the item ("items[2].score"): the message goes beside that leaf. */
      const m = e.api && e.api.field && /^items\[(\d+)\]/.exec(e.api.field);
      if (m && items[Number(m[1])] && markLeaf(items[Number(m[1])].leaf_code, e)) {
        form.querySelector('[aria-invalid="true"]').focus();
        formErr.show({ key: "fix_errors" });
      } else formErr.show(e);
    }
  });

  const buttons = h("div", { class: "actions sticky" });
  if (editable) buttons.appendChild(h("button", { type: "submit", class: "primary", id: "save" }, t("save")));
  if (has("agency_head") && win.state === "open") {
    if (!submitted) buttons.appendChild(button(t("submit"), { id: "submit" }, async (ev) => {
      clearErrors();
      if (changed().length) { formErr.show({ key: "unsaved" }); return; }
      const missing = [...prog.missingScore.map((l) => t("missing_score", { code: l.leaf_code })),
        ...prog.noEvidence.map((l) => t("missing_evidence", { code: l.leaf_code }))];
      const body = [h("p", {}, t("confirm_submit_body")), h("p", { class: "strong" }, t("progress_self", { done: prog.done, total: prog.total, missing: prog.noEvidence.length }))];
      if (missing.length) body.push(h("p", {}, t("missing_list")), h("ul", { id: "missing-list", class: "missing" }, ...missing.slice(0, 40).map((x) => h("li", {}, x)),
        missing.length > 40 ? h("li", {}, "…") : null));
      else body.push(h("p", { class: "ok" }, t("nothing_missing")));
      if (!(await confirmDialog(t("confirm_submit"), body, t("submit")))) return;
      await busy(ev.target, async () => {
        try {
          await api("POST", base + "/submit", {});
        } catch (e) {
          /* evidence_missing names the leaves: each gets the message beside it */
          if (e.api && e.api.code === "evidence_missing" && e.api.detail) {
            for (const code of e.api.detail.split(/,\s*/)) markLeaf(code, e);
          }
          throw e;
        }
        await ctx.refresh();
        flash("submitted_ok");
      }, formErr);
    }));
    else buttons.appendChild(button(t("withdraw"), { id: "withdraw" }, (ev) => busy(ev.target, async () => {
      await api("POST", base + "/withdraw", {});
      await ctx.refresh();
      flash("withdrawn_ok");
    }, formErr)));
  }
  form.appendChild(formErr);
  form.appendChild(unsavedEl);
  form.appendChild(buttons);
  out.push(form);
  showUnsaved();
  for (const [code, e] of Object.entries(errs)) markLeaf(code, e);

  if (appraisal) out.push(...explanations(ctx, p, base, sa, appraisal, expl));
  return out;
}

function lowered(appraisal, l) {
  const a = appraisal && (appraisal.leaves || []).find((x) => x.leaf_code === l.leaf_code);
  return !!(a && a.r1_score !== undefined && a.self_score !== undefined && a.r1_score < a.self_score);
}

function naForm(base, l, slug, after) {
  const reason = input({ id: uid("na-" + slug + "-reason") });
  const err = errorBox("na-" + slug + "-error");
  const b = button(t("na_propose"), { id: uid("na-" + slug + "-go") });
  b.addEventListener("click", () => busy(b, async () => {
    await api("POST", base + "/na-proposals", { leaf_code: l.leaf_code, reason: reason.value.trim() });
    await after();
  }, err));
  return h("div", { class: "row na-form" }, field(t("na_reason", { code: l.leaf_code }), reason), h("div", { class: "field end" }, b), err);
}

/* Leaves whose round-1 score is below the self score: the round-1 comment and, while the
 * explanation phase is open, the agency's explanation (evidence is added in the leaf's card). */
function explanations(ctx, p, base, sa, appraisal, expl) {
  const low = (appraisal.leaves || []).filter((a) => a.r1_score !== undefined && a.self_score !== undefined && a.r1_score < a.self_score);
  const out = [h("h2", { id: "explain-h" }, t("explanations"))];
  if (!low.length) return out.concat(h("p", {}, t("no_lowered")));
  out.push(h("p", { class: "muted" }, t("explain_intro") + " " + tmap("phases", "explanation") + ": " +
    (expl.opens_at ? when(expl.opens_at) + " – " + when(expl.closes_at) : t("not_scheduled"))));
  const titles = new Map((sa.leaves || []).map((l) => [l.leaf_code, l.title]));
  for (const a of low) {
    const slug = a.leaf_code.replace(/[^0-9a-zA-Z]+/g, "-");
    const text = h("textarea", { id: uid("expl-" + slug), rows: 3, "data-expl-leaf": a.leaf_code, disabled: expl.state !== "open" });
    text.value = a.explanation || "";
    const err = errorBox("expl-" + slug + "-error");
    const b = button(t("save"), { id: uid("expl-" + slug + "-save") });
    b.addEventListener("click", () => busy(b, async () => {
      await api("PUT", base + "/explanations", { leaf_code: a.leaf_code, text: text.value });
      flash("explanation_saved", { code: a.leaf_code });
    }, err));
    out.push(h("div", { class: "leaf", "data-expl-row": a.leaf_code },
      h("div", { class: "leaf-head" }, h("span", { class: "code" }, a.leaf_code), h("span", { class: "leaf-title" }, titles.get(a.leaf_code) || ""),
        h("span", { class: "muted small" }, t("self_short") + " " + pts(a.self_score) + " → " + t("round1") + " " + pts(a.r1_score))),
      a.r1_comment ? h("p", {}, h("strong", {}, t("round1_comment") + ": "), a.r1_comment) : null,
      field(t("explanation_of", { code: a.leaf_code }), text),
      expl.state === "open" ? h("div", { class: "actions" }, b) : null, err));
  }
  return out;
}
