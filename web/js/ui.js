/* The components every screen shares: DOM building (data only ever as text, never as HTML),
 * labelled fields with unique ids, tables, errors, the flash line, a confirmation dialog. */
import { errText } from "./api.js";
import { t } from "./i18n.js";

export const $ = (sel, root) => (root || document).querySelector(sel);
export const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

/* h("td", {class: "num", on: {click}}, "text", node...): attributes, then text or nodes. */
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === "text") el.textContent = v;
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.appendChild(typeof kid === "string" || typeof kid === "number" ? document.createTextNode(String(kid)) : kid);
  }
  return el;
}

let seq = 0;
/* A page-unique id: ids are built from what they name ("leaf-1-2-score") plus a counter
 * when a name repeats. */
export function uid(base) {
  const clean = String(base).toLowerCase().replace(/[^a-z0-9_-]+/g, "-");
  if (!uid.used.has(clean)) { uid.used.add(clean); return clean; }
  return clean + "-" + (++seq);
}
uid.used = new Set();
export function resetIds() { uid.used = new Set(); }

/* A label and its control, tied by id. control: an element (its id is set if missing). */
export function field(label, control, hint) {
  if (!control.id) control.id = uid("f-" + label);
  const kids = [h("label", { for: control.id }, label), control];
  if (hint) {
    const hid = control.id + "-hint";
    kids.push(h("span", { class: "hint", id: hid }, hint));
    control.setAttribute("aria-describedby", ((control.getAttribute("aria-describedby") || "") + " " + hid).trim());
  }
  return h("div", { class: "field" }, ...kids);
}

export function input(attrs) { return h("input", Object.assign({ autocomplete: "off" }, attrs)); }

/* <select> from [[value, text], ...]; `blank` adds a first empty choice. */
export function select(attrs, options, selected, blank) {
  const s = h("select", attrs);
  if (blank) s.appendChild(h("option", { value: "" }, typeof blank === "string" ? blank : t("choose")));
  for (const [v, text] of options) s.appendChild(h("option", { value: v, selected: String(v) === String(selected) }, text));
  return s;
}

export function table(headers, rows, opts) {
  opts = opts || {};
  return h("div", { class: "table-wrap" + (opts.stack ? " stack" : "") },
    h("table", { id: opts.id, class: opts.class },
      opts.caption ? h("caption", {}, opts.caption) : null,
      h("thead", {}, h("tr", {}, ...headers.map((x) => {
        const [text, cls] = Array.isArray(x) ? x : [x];
        return h("th", { scope: "col", class: cls }, text);
      }))),
      h("tbody", {}, ...rows)));
}

/* A table cell that, in the stacked phone layout, shows its column name first. */
export function td(label, ...kids) {
  let attrs = { "data-label": label };
  if (kids.length && kids[0] && typeof kids[0] === "object" && !(kids[0] instanceof Node) && !Array.isArray(kids[0]))
    attrs = Object.assign(attrs, kids.shift());
  return h("td", attrs, ...kids);
}

export function heading(text, level) {
  return h(level || "h1", { tabindex: "-1" }, text);
}

/* An element showing an error (role=alert), with .show(err) / .clear(); it remembers the
 * error so a language switch can redraw the text. */
export function errorBox(id) {
  const el = h("p", { class: "error", role: "alert", id: id ? uid(id) : undefined });
  el.show = (err) => { el.chisoErr = err || null; el.textContent = err ? errText(err) : ""; };
  el.clear = () => el.show(null);
  return el;
}

export function flash(key, vars) {
  const f = $("#flash");
  f.chisoKey = key ? [key, vars] : null;
  f.textContent = key ? t(key, vars) : "";
}
export function flashText(text) {
  const f = $("#flash");
  f.chisoKey = null;
  f.textContent = text || "";
}

/* Run fn while btn is disabled; an error goes to errEl (or is rethrown). */
export async function busy(btn, fn, errEl) {
  if (errEl) errEl.clear();
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    return await fn();
  } catch (e) {
    if (errEl) errEl.show(e); else throw e;
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}

export function button(text, attrs, onclick) {
  return h("button", Object.assign({ type: "button" }, attrs || {}, onclick ? { on: { click: onclick } } : {}), text);
}

export function tag(text, cls) { return h("span", { class: "tag" + (cls ? " " + cls : "") }, text); }

/* A modal confirmation: resolves true on "yes". body: nodes. */
export function confirmDialog(title, body, yesText) {
  return new Promise((resolve) => {
    const tid = uid("dlg-title");
    const yes = h("button", { type: "button", class: "primary", id: "dlg-yes" }, yesText || t("yes"));
    const no = h("button", { type: "button", id: "dlg-no" }, t("cancel"));
    const dlg = h("dialog", { class: "dialog", "aria-labelledby": tid, id: "dlg" },
      h("h2", { id: tid }, title), h("div", { class: "dialog-body" }, ...body), h("div", { class: "actions" }, yes, no));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dlg.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
    no.focus();
  });
}

/* Read a chosen file as text (CSV, JSON). */
export function readText(fileInput) {
  const f = fileInput.files && fileInput.files[0];
  return f ? f.text() : Promise.resolve("");
}

/* Offer text as a download. */
export function saveAs(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type: type || "text/plain" }));
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/* The CSV-import widget: a file or pasted text, posted to path; line errors shown. */
export function csvImport(opts) {
  const file = h("input", { type: "file", accept: ".csv,text/csv", id: uid(opts.id + "-file") });
  const text = h("textarea", { rows: 4, id: uid(opts.id + "-text"), spellcheck: "false" });
  const err = errorBox(opts.id + "-error");
  const detail = h("ul", { class: "error-lines", id: uid(opts.id + "-lines") });
  const btn = button(t("import_button"), { id: uid(opts.id + "-go") });
  btn.addEventListener("click", () => busy(btn, async () => {
    detail.replaceChildren();
    let csv = await readText(file);
    if (!csv) csv = text.value;
    try {
      await opts.send(csv);
    } catch (e) {
      /* the detail names lines ("line 3: ...") when the API gives them */
      const d = e.api && e.api.detail;
      if (d) for (const line of String(d).split(/\n|;\s*/).filter(Boolean)) detail.appendChild(h("li", {}, line));
      throw e;
    }
  }, err));
  return h("fieldset", { class: "box", id: uid(opts.id) },
    h("legend", {}, opts.title),
    opts.help ? h("p", { class: "muted small" }, opts.help) : null,
    field(t("csv_file"), file), field(t("csv_text"), text), h("div", { class: "actions" }, btn), err, detail);
}
