/* Index sets: the list, one set as a tree (maximum, step, evidence required, automatic
 * source and bands, required_min, guidance), export as JSON or CSV, import JSON (replaces a
 * set of the same code while it may change), copy under a new code (a new year's set), and
 * node-by-node editing until a period using the set has started (index_edit.js). */
import { api } from "../api.js";
import { numIn, parseNum, pts, t, tmap } from "../i18n.js";
import { S, groupName, has } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, readText, saveAs, select, table, tag, td } from "../ui.js";
import { applyPending, nodeFacts, nodeForm, nodeTitle, pendingPanel } from "./index_edit.js";

export default async function indexSets(ctx) {
  if (ctx.args[0]) return setView(ctx, Number(ctx.args[0]));
  const out = [heading(t("index_sets_title"))];
  const list = (await api("GET", "/api/v1/index-sets")).items || [];
  out.push(table([t("code"), t("name"), t("group"), [t("year"), "num"], t("status")], list.map((s) => h("tr", { "data-set": s.code },
    td(t("code"), s.code), td(t("name"), h("a", { href: "#/index-sets/" + s.id }, s.name)), td(t("group"), s.group_code + " — " + groupName(s.group_code)),
    td(t("year"), { class: "num" }, String(s.year || "")), td(t("status"), s.frozen ? tag(t("frozen")) : tag(t("editable"), "ok")))), { stack: true, id: "index-sets" }));
  if (has("province_admin")) out.push(importForm(ctx));
  return out;
}

/* RFC 4180 rows: quotes, doubled quotes, CRLF, a UTF-8 BOM. */
function csvRows(text) {
  const rows = [];
  let row = [], f = "", q = false;
  text = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") { row.push(f); f = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(f); f = "";
      if (row.some((x) => x !== "")) rows.push(row);
      row = [];
    } else f += ch;
  }
  row.push(f);
  if (row.some((x) => x !== "")) rows.push(row);
  return rows;
}

/* The CSV this screen exports, as the nodes of an import (the server validates them as
 * any import; a bad number is named by its line here). */
export function nodesFromCsv(text) {
  const rows = csvRows(text);
  if (!rows.length) throw { key: "csv_empty" };
  const head = rows[0].map((x) => x.trim());
  const col = (r, name) => { const i = head.indexOf(name); return i >= 0 && r[i] !== undefined ? r[i].trim() : ""; };
  if (head.indexOf("code") < 0 || head.indexOf("title") < 0) throw { key: "csv_index_head" };
  return rows.slice(1).map((r, k) => {
    const line = k + 2;
    const numOf = (name) => {
      const v = parseNum(col(r, name));
      if (Number.isNaN(v)) throw { key: "csv_bad_number", vars: { line, name } };
      return v;
    };
    const n = { code: col(r, "code"), title: col(r, "title"), content: numOf("content") || undefined,
      evidence_required: ["1", "true", "x", "có"].includes(col(r, "evidence_required").toLowerCase()) };
    for (const k2 of ["parent_code", "guidance", "auto_source", "title_en"]) if (col(r, k2)) n[k2] = col(r, k2);
    for (const k2 of ["max_points", "step", "required_min"]) { const v = numOf(k2); if (v !== null) n[k2] = v; }
    if (col(r, "auto_metric") || col(r, "auto_formula")) {
      n.auto = { metric: col(r, "auto_metric"), formula: col(r, "auto_formula") };
      const bands = col(r, "auto_bands").split(";").map((x) => x.trim()).filter(Boolean);
      if (bands.length) n.auto.bands = bands.map((b) => {
        const [a, p] = b.split(":").map(parseNum);
        if (a === null || p === null || Number.isNaN(a) || Number.isNaN(p) || a === undefined || p === undefined) throw { key: "csv_bad_number", vars: { line, name: "auto_bands" } };
        return { min_pct: a, points: p };
      });
    }
    return n;
  });
}

/* Import a set: its JSON export as it is, or its CSV export with the set's code, name, group
 * and year typed here (a CSV holds only the nodes). */
function importForm(ctx) {
  const file = input({ id: "is-file", type: "file", accept: ".json,.csv,application/json,text/csv" });
  const code = input({ id: "is-csv-code" }), name = input({ id: "is-csv-name" });
  const group = select({ id: "is-csv-group" }, [...S.groups].map(([c, n]) => [c, c + " — " + n]), "", true);
  const year = input({ id: "is-csv-year", type: "number", value: String(new Date().getFullYear() + 1) });
  const csvBox = h("fieldset", { class: "box", id: "is-csv-fields", hidden: true }, h("legend", {}, t("csv_set_fields")),
    h("div", { class: "row" }, field(t("code"), code), field(t("name"), name)),
    h("div", { class: "row" }, field(t("group"), group), field(t("year"), year)));
  const isCsv = () => !!(file.files[0] && /\.csv$/i.test(file.files[0].name));
  file.addEventListener("change", () => { csvBox.hidden = !isCsv(); });
  const err = errorBox("is-error");
  const b = button(t("import_button"), { id: "is-import", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    const text = await readText(file);
    let body;
    if (isCsv()) body = { code: code.value.trim(), name: name.value.trim(), group_code: group.value, year: Number(year.value) || undefined, contents: [], nodes: nodesFromCsv(text) };
    else try { body = JSON.parse(text); } catch (e) { throw { key: "bad_json" }; }
    const r = await api("POST", "/api/v1/index-sets", body);
    await ctx.refresh();
    flash("set_imported", { code: r.code });
  }, err));
  return h("fieldset", { class: "box" }, h("legend", {}, t("import_json")), field(t("json_file"), file, t("import_hint")), csvBox,
    h("div", { class: "actions" }, b), err);
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
