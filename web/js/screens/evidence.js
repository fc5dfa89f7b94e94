/* Evidence of one leaf: the list (files open in a new tab; PDFs and images also shown in place
 * on demand; documents by number), an upload
 * and a document reference. Shared by the self-assessment and the appraisal workbench. */
import { AG, api } from "../api.js";
import { t, when } from "../i18n.js";
import { busy, button, confirmDialog, errorBox, field, flash, h, input, tag, uid } from "../ui.js";

/* The types the gateway's preview route sends inline (GW_INLINE); anything else downloads. */
const PREVIEW = { "application/pdf": "pdf", "image/png": "image", "image/jpeg": "image" };

/* A file shown in place, loaded only when opened: an image as <img>, a PDF in an <iframe>
 * (object-src is 'none'; the preview route lets this origin frame it, nothing else).
 * base: the file's collection ("/api/v1/evidence/", or "/api/v1/opinion-files/" for the
 * files of a specialist's answer: the same preview route, GW_INLINE). */
export function preview(e, base) {
  const kind = PREVIEW[e.file_type];
  if (!kind) return null;
  const src = (base || "/api/v1/evidence/") + e.id + "/preview";
  const box = h("details", { class: "preview", "data-preview": e.id },
    h("summary", {}, t("preview_named", { name: e.file_name })));
  box.addEventListener("toggle", () => {
    if (!box.open || box.children.length > 1) return;
    box.appendChild(kind === "image"
      ? h("img", { src, alt: e.file_name, class: "preview-img" })
      : h("iframe", { src, title: t("preview_named", { name: e.file_name }), class: "preview-pdf" }));
  });
  return box;
}

/* canRemove(e): whether the record gets a "Xoá" button; after(): redraw once removed. */
export function evidenceList(list, canRemove, after) {
  if (!list || !list.length) return h("p", { class: "muted small" }, t("evidence_none"));
  const err = errorBox("ev-remove-error");
  const removeButton = (e) => {
    const name = e.kind === "file" ? e.file_name : e.number;
    const b = button(t("remove"), { class: "small", id: uid("ev-remove-" + e.id), "aria-label": t("remove_named", { name }) });
    b.addEventListener("click", async () => {
      if (!(await confirmDialog(t("remove_confirm", { name }), []))) return;
      await busy(b, async () => {
        await api("DELETE", "/api/v1/evidence/" + e.id);
        await after();
        flash("evidence_removed", { name });   // once the screen shows it
      }, err);
    });
    return h("span", {}, " ", b);
  };
  return h("div", {}, h("ul", { class: "evidence" }, ...list.map((e) => h("li", { "data-evidence": e.id },
    e.kind === "file"
      ? h("a", { href: "/api/v1/evidence/" + e.id + "/download", target: "_blank", rel: "noopener" }, e.file_name)
      : h("span", {}, t("doc_ref") + " " + (e.number || "") + (e.issued_on ? " (" + e.issued_on + ")" : "") +
        (e.issuer ? ", " + e.issuer : "") + (e.title ? ": " + e.title : "")),
    e.kind === "file" && e.file_size ? h("span", { class: "muted small" }, " " + Math.ceil(e.file_size / 1024) + " KB") : null,
    e.supplementary ? h("span", {}, " ", tag(t("supplementary"))) : null,
    e.created_at ? h("span", { class: "muted small" }, " · " + when(e.created_at)) : null,
    canRemove && canRemove(e) ? removeButton(e) : null,
    e.kind === "file" ? preview(e) : null))), err);
}

/* A file upload for a leaf's evidence (ids "<prefix>-<leaf>-file" and "-upload"): the
 * self-assessment's evidence and an appeal's files go the same way. after() redraws. */
export const FILE_ACCEPT = ".pdf,.docx,.xlsx,.odt,.ods,.jpg,.jpeg,.png";

export function fileUpload(periodId, agencyId, code, after, err, prefix) {
  const slug = (prefix || "ev") + "-" + code.replace(/[^0-9a-zA-Z]+/g, "-");
  const file = input({ type: "file", id: uid(slug + "-file"), "data-file-leaf": code,
    accept: FILE_ACCEPT });
  const up = button(t("upload"), { id: uid(slug + "-upload"), "data-upload-leaf": code });
  up.addEventListener("click", () => busy(up, async () => {
    const f = file.files[0];
    if (!f) { file.focus(); return; }
    await api("POST", AG(periodId, agencyId) + "/evidence/files?leaf_code=" + encodeURIComponent(code) + "&file_name=" + encodeURIComponent(f.name),
      null, { raw: f, type: "application/octet-stream" });
    await after();
    flash("evidence_uploaded", { name: f.name });
  }, err));
  return h("div", { class: "row" }, field(t("evidence_file_of", { code }), file), h("div", { class: "field end" }, up));
}

/* Upload and document forms for a leaf; after() redraws. */
export function evidenceForms(periodId, agencyId, leaf, after) {
  const base = AG(periodId, agencyId);
  const code = leaf.leaf_code;
  const slug = code.replace(/[^0-9a-zA-Z]+/g, "-");
  const err = errorBox("ev-" + slug + "-error");
  const num = input({ id: uid("doc-" + slug + "-number"), "data-doc-leaf": code });
  const date = input({ id: uid("doc-" + slug + "-date"), type: "date" });
  const issuer = input({ id: uid("doc-" + slug + "-issuer") });
  const title = input({ id: uid("doc-" + slug + "-title") });
  const add = button(t("doc_add"), { id: uid("doc-" + slug + "-add") });
  add.addEventListener("click", () => busy(add, async () => {
    await api("POST", base + "/evidence/documents", { leaf_code: code, number: num.value.trim(),
      issued_on: date.value || undefined, issuer: issuer.value.trim() || undefined, title: title.value.trim() || undefined });
    const number = num.value.trim();
    await after();
    flash("doc_added", { number });
  }, err));
  return h("div", { class: "evidence-forms" },
    fileUpload(periodId, agencyId, code, after, err),
    h("fieldset", { class: "box" }, h("legend", {}, t("doc_add")),
      h("div", { class: "row" }, field(t("doc_number"), num), field(t("doc_date"), date)),
      h("div", { class: "row" }, field(t("doc_issuer"), issuer), field(t("doc_title"), title)),
      h("div", { class: "actions" }, add)),
    err);
}
