/* Editing an index set node by node before use (the province admin): a node's form (code,
 * parent, content, titles, maximum, step, evidence required, guidance, required_min, the
 * automatic source with its bands), changes kept in a list until "Lưu" sends them together
 * (PATCH /api/v1/index-sets/{id}: the server validates the edited set exactly as an import,
 * so moving points between two leaves is one save), and the tree shown as it will be. */
import { api } from "../api.js";
import { getLang, numIn, parseNum, pts, t } from "../i18n.js";
import { busy, button, errorBox, field, flash, h, input, select } from "../ui.js";

/* The set with the pending changes applied (the server decides whether it is valid). */
export function applyPending(set, pending) {
  const nodes = (set.nodes || []).filter((n) => !pending.some((p) => p.remove === n.code));
  for (const p of pending) {
    if (!p.node) continue;
    const at = nodes.findIndex((n) => n.code === p.node.code);
    if (at >= 0) nodes[at] = Object.assign({ changed: true }, p.node);
    else nodes.push(Object.assign({ added: true }, p.node));
  }
  const parents = new Set(nodes.map((n) => n.parent_code).filter(Boolean));
  for (const n of nodes) n.is_leaf = !parents.has(n.code);
  return Object.assign({}, set, { nodes });
}

/* The automatic source's bands as typed: one "min_pct | points" a line. */
const bandsText = (a) => ((a && a.bands) || []).map((b) => numIn(b.min_pct) + " | " + numIn(b.points)).join("\n");

function num(el, name) {
  const v = parseNum(el.value);
  if (Number.isNaN(v)) { el.setAttribute("aria-invalid", "true"); el.focus(); throw { key: "bad_number_field", vars: { name } }; }
  el.removeAttribute("aria-invalid");
  return v;
}

/* The form of one node; onStage(node) or onRemove(code) when its buttons are used. */
export function nodeForm(set, onStage, onRemove) {
  const code = input({ id: "nd-code", "data-node-field": "code" });
  const parent = select({ id: "nd-parent" }, [], "", t("node_no_parent"));
  const content = select({ id: "nd-content" }, [1, 2, 3, 4, 5, 6].map((k) => [k, t("content", { n: k })]), 1);
  const title = input({ id: "nd-title" });
  const titleEn = input({ id: "nd-title-en", lang: "en" });
  const max = input({ id: "nd-max", inputmode: "decimal" });
  const step = input({ id: "nd-step", inputmode: "decimal" });
  const ev = h("input", { type: "checkbox", id: "nd-evidence" });
  const guidance = h("textarea", { id: "nd-guidance", rows: 3 });
  const reqMin = input({ id: "nd-required-min", inputmode: "decimal" });
  const metric = input({ id: "nd-auto-metric" });
  const formula = select({ id: "nd-auto-formula" }, [["ratio", t("formula_ratio")], ["score", t("formula_score")], ["bands", t("formula_bands")]], "", t("node_manual"));
  const bands = h("textarea", { id: "nd-auto-bands", rows: 3 });
  const err = errorBox("nd-error");
  const legend = h("legend", { id: "nd-legend" }, t("node_new"));
  const fillParents = (sel) => {
    parent.replaceChildren(h("option", { value: "" }, t("node_no_parent")),
      ...(set().nodes || []).filter((n) => n.code !== code.value.trim()).map((n) => h("option", { value: n.code, selected: n.code === sel }, n.code + " — " + n.title)));
  };
  const fill = (n) => {
    n = n || {};
    legend.textContent = n.code ? t("node_edit_of", { code: n.code }) : t("node_new");
    code.value = n.code || "";
    fillParents(n.parent_code || "");
    content.value = String(n.content || 1);
    title.value = n.title || "";
    titleEn.value = n.title_en || "";
    max.value = numIn(n.max_points);
    step.value = numIn(n.step);
    ev.checked = !!n.evidence_required;
    guidance.value = n.guidance || "";
    reqMin.value = numIn(n.required_min);
    metric.value = (n.auto && n.auto.metric) || "";
    formula.value = (n.auto && n.auto.formula) || "";
    bands.value = bandsText(n.auto);
    err.clear();
  };
  const read = () => {
    const n = { code: code.value.trim(), content: Number(content.value), title: title.value.trim(),
      evidence_required: ev.checked, guidance: guidance.value.trim() };
    if (!n.code) { code.focus(); throw { key: "node_code_needed" }; }
    if (parent.value) n.parent_code = parent.value;
    if (titleEn.value.trim()) n.title_en = titleEn.value.trim();
    const m = num(max, t("max_points")), s = num(step, t("node_step")), r = num(reqMin, t("required_min"));
    if (m !== null) n.max_points = m;
    if (s !== null) n.step = s;
    if (r !== null) n.required_min = r;
    if (metric.value.trim() || formula.value) {
      n.auto = { metric: metric.value.trim(), formula: formula.value };
      const lines = bands.value.split("\n").map((l) => l.trim()).filter(Boolean);
      if (lines.length) n.auto.bands = lines.map((l) => {
        const [a, b] = l.split("|");
        const min = parseNum(a || ""), pt = parseNum(b || "");
        if (min === null || pt === null || Number.isNaN(min) || Number.isNaN(pt)) { bands.focus(); throw { key: "bad_band", vars: { line: l } }; }
        return { min_pct: min, points: pt };
      });
    }
    return n;
  };
  const stage = button(t("node_stage"), { id: "nd-stage", class: "primary" });
  stage.addEventListener("click", () => busy(stage, async () => { onStage(read()); fill(null); }, err));
  const remove = button(t("node_remove"), { id: "nd-remove" });
  remove.addEventListener("click", () => busy(remove, async () => {
    const c = code.value.trim();
    if (!(set().nodes || []).some((n) => n.code === c)) { code.focus(); throw { key: "node_unknown", vars: { code: c } }; }
    onRemove(c);
    fill(null);
  }, err));
  const clear = button(t("node_clear"), { id: "nd-clear" }, () => { fill(null); code.focus(); });
  const box = h("fieldset", { class: "box", id: "node-form" }, legend,
    h("div", { class: "row" }, field(t("code"), code), field(t("node_parent"), parent), field(t("content_label"), content)),
    h("div", { class: "row" }, field(t("node_title"), title), field(t("node_title_en"), titleEn)),
    h("div", { class: "row" }, field(t("max_points"), max), field(t("node_step"), step, t("node_step_hint")),
      field(t("required_min"), reqMin, t("required_min_hint"))),
    h("div", { class: "checks" }, h("label", { for: ev.id }, ev, t("evidence_required"))),
    field(t("guidance"), guidance),
    h("fieldset", { class: "box" }, h("legend", {}, t("auto_legend")),
      h("div", { class: "row" }, field(t("auto_metric"), metric, t("auto_metric_hint")), field(t("auto_formula"), formula)),
      field(t("auto_bands"), bands, t("auto_bands_hint"))),
    h("div", { class: "actions" }, stage, remove, clear), err);
  fill(null);
  return { box, fill, focus: () => { box.scrollIntoView({ block: "start" }); code.focus(); } };
}

/* The pending changes: listed, each droppable; "Lưu" sends them in one PATCH. err: the
 * panel's error box, kept across redraws (errorBox("nd-save-error") made once). */
export function pendingPanel(id, pending, redraw, done, err) {
  const items = pending.map((p, i) => {
    const b = button(t("file_unpick"), { class: "small", "aria-label": t("change_drop", { what: p.remove || p.node.code }), "data-drop-change": i });
    b.addEventListener("click", () => { pending.splice(i, 1); redraw(); });
    const what = p.remove ? t("change_remove", { code: p.remove }) : t(p.isNew ? "change_add" : "change_edit", { code: p.node.code });
    return h("li", { "data-change": p.remove || p.node.code }, what, " ", b);
  });
  const save = button(t("changes_save", { n: pending.length }), { id: "nd-save", class: "primary", disabled: !pending.length });
  save.addEventListener("click", () => busy(save, async () => {
    const body = { remove: pending.filter((p) => p.remove).map((p) => p.remove), nodes: pending.filter((p) => p.node).map((p) => p.node) };
    await api("PATCH", "/api/v1/index-sets/" + id, body);
    const n = pending.length;
    pending.splice(0);
    await done();
    flash("changes_saved", { n });           // once the screen shows them
  }, err));
  return h("section", { class: "card", id: "pending-changes", "aria-labelledby": "pending-h" },
    h("h2", { class: "h4", id: "pending-h" }, t("changes_pending")),
    items.length ? h("ul", {}, ...items) : h("p", { class: "muted small" }, t("changes_none")),
    h("p", { class: "muted small" }, t("changes_hint")),
    h("div", { class: "actions" }, save), err);
}

/* A node's title in the chosen language (the Vietnamese one when there is no English one). */
export const nodeTitle = (n) => (getLang() === "en" && n.title_en ? n.title_en : n.title);

/* What a leaf shows besides its title: maximum, step, required_min, automatic source. */
export function nodeFacts(n) {
  const bits = [];
  if (n.is_leaf) bits.push(t("max_points") + " " + pts(n.max_points) + (n.step ? " · " + t("step_hint", { s: numIn(n.step) }) : ""));
  if (n.required_min !== undefined) bits.push(t("required_min_is", { v: pts(n.required_min) }));
  if (n.auto) bits.push(t("auto_rule", { m: n.auto.metric || "", f: n.auto.formula || "" }) +
    ((n.auto.bands || []).length ? ": " + n.auto.bands.map((b) => "≥ " + numIn(b.min_pct) + "% → " + pts(b.points)).join("; ") : ""));
  return bits.length ? h("span", { class: "muted small" }, " · " + bits.join(" · ")) : null;
}
