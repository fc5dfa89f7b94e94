/* Index sets: the list, one set as a tree (maximum, step, evidence required, automatic
 * source and bands, required_min, guidance), export as JSON or CSV, import JSON (replaces a
 * set of the same code while it may change), copy under a new code (a new year's set), and
 * node-by-node editing until a period using the set has started (index_edit.js). */
import { api } from "../api.js";
import { numIn, pts, t, tmap } from "../i18n.js";
import { groupName, has } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, readText, saveAs, table, tag, td } from "../ui.js";
import { applyPending, nodeFacts, nodeForm, nodeTitle, pendingPanel } from "./index_edit.js";

export default async function indexSets(ctx) {
  if (ctx.args[0]) return setView(ctx, Number(ctx.args[0]));
  const out = [heading(t("index_sets_title"))];
  const list = (await api("GET", "/api/v1/index-sets")).items || [];
  out.push(table([t("code"), t("name"), t("group"), [t("year"), "num"], t("status")], list.map((s) => h("tr", { "data-set": s.code },
    td(t("code"), s.code), td(t("name"), h("a", { href: "#/index-sets/" + s.id }, s.name)), td(t("group"), s.group_code + " — " + groupName(s.group_code)),
    td(t("year"), { class: "num" }, String(s.year || "")), td(t("status"), s.frozen ? tag(t("frozen")) : tag(t("editable"), "ok")))), { stack: true, id: "index-sets" }));
  if (has("province_admin")) {
    const file = input({ id: "is-file", type: "file", accept: ".json,application/json" });
    const err = errorBox("is-error");
    const b = button(t("import_button"), { id: "is-import", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      const text = await readText(file);
      let body;
      try { body = JSON.parse(text); } catch (e) { throw { key: "bad_json" }; }
      const r = await api("POST", "/api/v1/index-sets", body);
      await ctx.refresh();
      flash("set_imported", { code: r.code });
    }, err));
    out.push(h("fieldset", { class: "box" }, h("legend", {}, t("import_json")), field(t("json_file"), file), h("div", { class: "actions" }, b), err));
  }
  return out;
}

/* nodes -> nested lists under their contents; onEdit(node): the node's "Sửa" button */
function tree(set, onEdit) {
  const kids = new Map();
  for (const n of set.nodes || []) {
    const k = n.parent_code || "c" + n.content;
    if (!kids.has(k)) kids.set(k, []);
    kids.get(k).push(n);
  }
  const item = (n) => h("li", { "data-node": n.code },
    h("span", { class: "code" }, n.code), " ", nodeTitle(n),
    nodeFacts(n),
    n.evidence_required ? h("span", {}, " ", tag(t("evidence_required"), "warn")) : null,
    n.auto_source ? h("span", {}, " ", tag(t("auto_source", { s: n.auto_source }))) : null,
    n.added ? h("span", {}, " ", tag(t("node_added"), "ok")) : n.changed ? h("span", {}, " ", tag(t("node_changed"), "ok")) : null,
    onEdit ? h("span", {}, " ", button(t("edit"), { class: "small", "data-edit-node": n.code, "aria-label": t("node_edit_of", { code: n.code }) }, () => onEdit(n))) : null,
    n.guidance ? h("div", { class: "muted small guidance" }, n.guidance) : null,
    kids.has(n.code) ? h("ul", {}, ...kids.get(n.code).map(item)) : null);
  const contents = [1, 2, 3, 4, 5, 6];
  const cinfo = new Map((set.contents || []).map((c) => [c.content, c]));
  return h("div", { class: "tree", id: "index-tree" }, h("ul", {}, ...contents.filter((c) => kids.has("c" + c)).map((c) => h("li", {},
    h("strong", {}, t("content", { n: c }) + ". " + ((cinfo.get(c) || {}).title || tmap("contents", c))),
    cinfo.get(c) && cinfo.get(c).max_points !== undefined ? h("span", { class: "muted small" }, " (" + t("content_max", { m: pts(cinfo.get(c).max_points) }) + ")") : null,
    h("ul", {}, ...kids.get("c" + c).map(item))))));
}

function csvOf(set) {
  const q = (v) => (v === undefined || v === null ? "" : /[",\n]/.test(String(v)) ? '"' + String(v).replace(/"/g, '""') + '"' : String(v));
  const lines = ["code,parent_code,content,title,max_points,step,evidence_required,auto_source,guidance,required_min,auto_metric,auto_formula,auto_bands,title_en"];
  for (const n of set.nodes || []) {
    const a = n.auto || {};
    lines.push([n.code, n.parent_code, n.content, n.title, n.max_points, n.step, n.evidence_required ? 1 : 0, n.auto_source, n.guidance,
      n.required_min, a.metric, a.formula, (a.bands || []).map((b) => b.min_pct + ":" + b.points).join(";"), n.title_en].map(q).join(","));
  }
  return lines.join("\n") + "\n";
}

async function setView(ctx, id) {
  const set = await api("GET", "/api/v1/index-sets/" + id);
  const out = [heading(set.name), h("p", {}, h("a", { href: "#/index-sets", id: "back-list" }, "← " + t("back"))),
    h("p", {}, set.code + " · " + t("group_of", { code: set.group_code, name: groupName(set.group_code) }) + " · " + t("year") + " " + (set.year || "") + " · ",
      set.frozen ? tag(t("frozen")) : tag(t("editable"), "ok"))];
  const exportable = Object.assign({}, set);
  delete exportable.id; delete exportable.frozen; delete exportable.created_at;
  out.push(h("div", { class: "actions" },
    button(t("export_json"), { id: "is-export-json" }, () => saveAs(set.code + ".json", JSON.stringify(exportable, null, 2), "application/json")),
    button(t("export_csv"), { id: "is-export-csv" }, () => saveAs(set.code + ".csv", csvOf(set), "text/csv"))));
  if (has("province_admin")) {
    const code = input({ id: "is-copy-code" }), year = input({ id: "is-copy-year", type: "number", value: String((set.year || 2025) + 1) });
    const err = errorBox("is-copy-error");
    const b = button(t("copy_set"), { id: "is-copy" });
    b.addEventListener("click", () => busy(b, async () => {
      const r = await api("POST", "/api/v1/index-sets/" + id + "/copy", { code: code.value.trim(), year: Number(year.value) || undefined });
      flash("set_copied", { code: r.code });
      ctx.go("index-sets", [r.id]);
    }, err));
    out.push(h("details", { class: "box" }, h("summary", {}, t("copy_set")),
      h("div", { class: "row" }, field(t("new_code"), code), field(t("year"), year), h("div", { class: "field end" }, b)), err));
  }
  const editable = has("province_admin") && !set.frozen;
  if (!editable) {
    if (has("province_admin")) out.push(h("p", { class: "warn", id: "set-frozen-note" }, t("set_frozen_note")));
    out.push(h("h2", {}, t("tree")), tree(set));
    return out;
  }
  /* editing: the tree as it will be, the pending changes, one node's form */
  const pending = [];
  const draft = () => applyPending(set, pending);
  const treeBox = h("div", {}), panelBox = h("div", {}), saveErr = errorBox("nd-save-error");
  const form = nodeForm(draft, (node) => {
    const at = pending.findIndex((p) => (p.node && p.node.code === node.code) || p.remove === node.code);
    const entry = { node, isNew: !(set.nodes || []).some((n) => n.code === node.code) };
    if (at >= 0) pending[at] = entry; else pending.push(entry);
    flash("change_staged", { code: node.code });
    redraw();
  }, (code) => {
    const at = pending.findIndex((p) => p.node && p.node.code === code);
    if (at >= 0 && pending[at].isNew) pending.splice(at, 1);
    else {
      if (at >= 0) pending.splice(at, 1);
      pending.push({ remove: code });
    }
    flash("change_staged", { code });
    redraw();
  });
  function redraw() {
    treeBox.replaceChildren(tree(draft(), (n) => { form.fill(n); form.focus(); }));
    saveErr.clear();
    panelBox.replaceChildren(pendingPanel(id, pending, redraw, ctx.refresh, saveErr));
  }
  ctx.dirty = () => pending.length > 0;
  redraw();
  out.push(h("p", {}, t("set_edit_intro")), panelBox,
    h("div", { class: "actions" }, button(t("node_new"), { id: "nd-new" }, () => { form.fill(null); form.focus(); })),
    h("h2", {}, t("tree")), treeBox, h("h2", {}, t("node_form_h")), form.box);
  return out;
}
