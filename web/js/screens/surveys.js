/* The survey unit: questionnaires (questions mapped to content-3 leaves, respondent group,
 * method, minimum and quota), invitations (single-use links, shown once, printable), import
 * of responses collected elsewhere, and the content-3 points (compute, list, imports). */
import { P, api } from "../api.js";
import { pts, t, tmap, when } from "../i18n.js";
import { S, agencyName, period, phaseInfo } from "../state.js";
import { invitationSheet } from "./invitation_sheet.js";
import { busy, button, csvImport, errorBox, field, flash, h, heading, input, select, table, td } from "../ui.js";

const GROUPS = ["citizen", "business", "hdnd_province", "hdnd_commune"];

export default async function surveys(ctx) {
  const out = [heading(t("surveys_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  const ph = phaseInfo("survey");
  out.push(h("p", { class: ph.open ? "ok" : "muted" }, tmap("phases", "survey") + ": " + (ph.opens_at ? when(ph.opens_at) + " – " + when(ph.closes_at) : t("not_scheduled"))));
  const qs = (await api("GET", P(p.id) + "/questionnaires")).items || [];

  out.push(h("h2", { id: "q-h" }, t("questionnaires")));
  if (!qs.length) out.push(h("p", {}, t("none")));
  else out.push(table([t("code"), t("q_title"), t("q_group"), t("q_method"), [t("q_min"), "num"], [t("q_quota"), "num"], t("q_questions")],
    qs.map((q) => h("tr", { "data-q": q.code }, td(t("code"), q.code), td(t("q_title"), q.title), td(t("q_group"), tmap("groups_resp", q.respondent_group)),
      td(t("q_method"), tmap("methods", q.method || "mean")), td(t("q_min"), { class: "num" }, String(q.min_responses || 1)), td(t("q_quota"), { class: "num" }, String(q.quota || 0)),
      td(t("q_questions"), h("ol", { class: "small" }, ...(q.questions || []).map((x) => h("li", {}, x.leaf_code + ": " + x.text)))))), { stack: true, id: "questionnaires" }));
  out.push(newQuestionnaire(ctx, p));
  if (qs.length) {
    out.push(invitations(p, qs));
    const qsel = select({ id: "resp-q" }, qs.map((q) => [q.id, q.code + " — " + q.title]));
    const imp = csvImport({ id: "resp-import", title: t("responses_import"), send: async (csv) => {
      const r = await api("POST", "/api/v1/questionnaires/" + qsel.value + "/responses/csv", null, { raw: csv });
      flash("responses_imported", { n: r.row_count || 0 });
    } });
    imp.insertBefore(field(t("questionnaire"), qsel), imp.children[1]);
    out.push(imp);
  }
  out.push(...(await points(ctx, p)));
  return out;
}

function newQuestionnaire(ctx, p) {
  const code = input({ id: "q-code" }), title = input({ id: "q-title" });
  const grp = select({ id: "q-group" }, GROUPS.map((g) => [g, tmap("groups_resp", g)]));
  const method = select({ id: "q-method" }, [["mean", tmap("methods", "mean")], ["share", tmap("methods", "share")]]);
  const min = input({ id: "q-min", type: "number", min: 1, value: "1" }), quota = input({ id: "q-quota", type: "number", min: 0, value: "0" });
  const qtext = h("textarea", { id: "q-questions", rows: 4, placeholder: "3.1 | …" });
  const err = errorBox("q-error");
  const b = button(t("create"), { id: "q-create", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    const questions = qtext.value.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
      const i = l.indexOf("|");
      return i < 0 ? { leaf_code: l, text: "" } : { leaf_code: l.slice(0, i).trim(), text: l.slice(i + 1).trim() };
    });
    await api("POST", P(p.id) + "/questionnaires", { code: code.value.trim(), title: title.value.trim(), respondent_group: grp.value,
      method: method.value, min_responses: Number(min.value) || undefined, quota: Number(quota.value) || 0, questions });
    await ctx.refresh();
    flash("q_created", { code: code.value.trim() });
  }, err));
  return h("details", { class: "box", id: "q-new" }, h("summary", {}, t("q_new")),
    h("div", { class: "row" }, field(t("code"), code), field(t("q_title"), title)),
    h("div", { class: "row" }, field(t("q_group"), grp), field(t("q_method"), method), field(t("q_min"), min), field(t("q_quota"), quota)),
    field(t("q_questions"), qtext), h("div", { class: "actions" }, b), err);
}

function invitations(p, qs) {
  const qsel = select({ id: "inv-q" }, qs.map((q) => [q.id, q.code + " — " + q.title]));
  const agencies = [...S.agencies.values()].filter((a) => a.active !== false).map((a) => [a.id, a.name]);
  const ag = select({ id: "inv-agency" }, agencies, "", true);
  const count = input({ id: "inv-count", type: "number", min: 1, max: 1000, value: "5" });
  const err = errorBox("inv-error");
  const sheet = h("div", { id: "inv-sheet", "aria-live": "polite" });
  const b = button(t("inv_create"), { id: "inv-create", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    const r = await api("POST", "/api/v1/questionnaires/" + qsel.value + "/invitations", { agency_id: Number(ag.value) || undefined,
      count: Number(count.value), link_base: location.origin + "/survey.html#t=" });
    const q = qs.find((x) => String(x.id) === qsel.value);
    const name = agencyName(r.agency_id);
    flash("inv_created", { n: (r.tokens || []).length, agency: name });
    sheet.replaceChildren(...invitationSheet(name, q ? q.title : "", r.links || []));
  }, err));
  return h("section", { class: "box", id: "invitations", "aria-labelledby": "inv-h" }, h("h2", { id: "inv-h" }, t("invitations")),
    h("div", { class: "row" }, field(t("questionnaire"), qsel), field(t("agency"), ag), field(t("inv_count"), count)),
    h("div", { class: "actions" }, b), err, sheet);
}

async function points(ctx, p) {
  const out = [h("h2", { id: "pts-h" }, t("points"))];
  const err = errorBox("pts-error");
  const b = button(t("compute_points"), { id: "pts-compute", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    const r = await api("POST", P(p.id) + "/survey-points/compute", {});
    await ctx.refresh();
    flash("points_computed", { n: (r.items || []).length, f: (r.flagged || []).length });
  }, err));
  out.push(h("div", { class: "actions" }, b), err);
  const list = await api("GET", P(p.id) + "/survey-points");
  const items = list.items || [];
  if (!items.length) out.push(h("p", {}, t("none")));
  else out.push(table([t("agency"), t("leaf"), [t("points_value"), "num"], t("at")], items.map((x) => h("tr", {},
    td(t("agency"), x.agency_id ? agencyName(x.agency_id) : x.agency_code), td(t("leaf"), x.leaf_code), td(t("points_value"), { class: "num" }, pts(x.points)), td(t("at"), when(x.updated_at)))), { stack: true, id: "survey-points" }));
  if ((list.batches || []).length) {
    out.push(h("h3", {}, t("batches")), table([t("at"), "source", ["n", "num"]], list.batches.map((b2) =>
      h("tr", {}, td(t("at"), when(b2.imported_at)), td("source", b2.source), td("n", { class: "num" }, String(b2.row_count || 0)))), { stack: true }));
  }
  return out;
}
