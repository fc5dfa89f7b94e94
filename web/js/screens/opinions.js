/* Opinion requests: a specialist agency's inbox (answer with text and files), and the
 * appraisers' view of what they asked. The files of an answer go up through the same upload
 * path as evidence (POST /api/v1/opinions/{id}/files) and open in place from their preview
 * route; `opinionFiles` is shared with the appraisal workbench. */
import { api } from "../api.js";
import { t, when } from "../i18n.js";
import { agencyName, has, period } from "../state.js";
import { busy, button, confirmDialog, errorBox, field, flash, h, heading, uid } from "../ui.js";
import { FILE_ACCEPT, preview } from "./evidence.js";

const FILES = "/api/v1/opinion-files/";
const kb = (n) => Math.max(1, Math.ceil(n / 1024)) + " KB";

/* The files of an answer: a download link each, PDFs and images also in place; with
 * canRemove, a "Xoá" button (after a confirmation); after() redraws. */
export function opinionFiles(o, canRemove, after) {
  const files = o.files || [];
  if (!files.length) return null;
  const err = errorBox(uid("op-" + o.id + "-files-err"));
  const item = (f) => {
    const kids = [h("a", { href: FILES + f.id + "/download", target: "_blank", rel: "noopener" }, f.file_name),
      h("span", { class: "muted small" }, " " + kb(f.file_size || 0))];
    if (canRemove) {
      const b = button(t("remove"), { class: "small", id: uid("op-file-" + f.id + "-remove"), "aria-label": t("remove_named", { name: f.file_name }) });
      b.addEventListener("click", async () => {
        if (!(await confirmDialog(t("remove_confirm", { name: f.file_name }), []))) return;
        await busy(b, async () => {
          await api("DELETE", FILES + f.id);
          await after();
          flash("evidence_removed", { name: f.file_name });
        }, err);
      });
      kids.push(" ", b);
    }
    kids.push(preview(f, FILES));
    return h("li", { "data-opinion-file": f.id }, ...kids);
  };
  return h("div", { class: "opinion-files" }, h("p", { class: "small" }, h("strong", {}, t("opinion_files") + ":")),
    h("ul", { class: "evidence" }, ...files.map(item)), err);
}

async function upload(o, f) {
  await api("POST", "/api/v1/opinions/" + o.id + "/files?file_name=" + encodeURIComponent(f.name), null,
    { raw: f, type: "application/octet-stream" });
}

/* Files chosen for an answer, listed (name, size, "Bỏ") and kept here until they are sent. */
function filePicker(o) {
  const chosen = [];
  const pick = h("input", { type: "file", id: "answer-" + o.id + "-files", multiple: true, accept: FILE_ACCEPT });
  const list = h("ul", { class: "evidence", id: "answer-" + o.id + "-chosen", "aria-live": "polite" });
  const draw = () => {
    list.replaceChildren(...chosen.map((f, i) => {
      const b = button(t("file_unpick"), { class: "small", "aria-label": t("file_unpick_named", { name: f.name }), "data-unpick": f.name });
      b.addEventListener("click", () => { chosen.splice(i, 1); draw(); pick.focus(); });
      return h("li", {}, h("span", {}, f.name), h("span", { class: "muted small" }, " " + kb(f.size) + " "), b);
    }));
  };
  pick.addEventListener("change", () => {
    for (const f of pick.files) if (!chosen.some((c) => c.name === f.name && c.size === f.size)) chosen.push(f);
    pick.value = "";
    draw();
  });
  return { chosen, node: h("div", {}, field(t("opinion_files_of", { id: o.id }), pick, t("opinion_files_hint")), list) };
}

/* Send the chosen files one by one; a refused one (too large, wrong type) stops there with
 * its name beside the server's message. */
async function sendFiles(o, chosen) {
  while (chosen.length) {
    const f = chosen[0];
    try {
      await upload(o, f);
    } catch (e) {
      if (e.api) e.api = Object.assign({}, e.api, { message_vi: "«" + f.name + "»: " + e.api.message_vi, message_en: "\"" + f.name + "\": " + e.api.message_en });
      throw e;
    }
    chosen.shift();
  }
}

function answerForm(ctx, o, dirty) {
  const a = h("textarea", { id: "answer-" + o.id, rows: 3 });
  const picker = filePicker(o);
  const err = errorBox("answer-" + o.id + "-err");
  const b = button(t("answer"), { id: "answer-" + o.id + "-send", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    const n = picker.chosen.length;
    await api("PUT", "/api/v1/opinions/" + o.id + "/answer", { answer: a.value.trim() });
    await sendFiles(o, picker.chosen);
    await ctx.refresh();
    flash(n ? "answer_saved_files" : "answer_saved", { n });
  }, err));
  dirty.push(() => a.value.trim() !== "" || picker.chosen.length > 0);
  return [field(t("answer_of", { id: o.id }), a), picker.node, h("div", { class: "actions" }, b), err];
}

/* After the answer: more files, sent at once. */
function moreFiles(ctx, o, dirty) {
  const picker = filePicker(o);
  dirty.push(() => picker.chosen.length > 0);
  const err = errorBox("answer-" + o.id + "-more-err");
  const b = button(t("opinion_files_send"), { id: "answer-" + o.id + "-files-send" });
  b.addEventListener("click", () => busy(b, async () => {
    if (!picker.chosen.length) { picker.node.querySelector("input").focus(); return; }
    const n = picker.chosen.length;
    await sendFiles(o, picker.chosen);
    await ctx.refresh();
    flash("opinion_files_sent", { n });
  }, err));
  return h("details", { class: "leaf-more" }, h("summary", {}, t("opinion_files_add")), picker.node, h("div", { class: "actions" }, b), err);
}

export default async function opinions(ctx) {
  const out = [heading(t("opinions_title"))];
  const p = period();
  const list = (await api("GET", "/api/v1/opinions" + (p ? "?period_id=" + p.id : ""))).opinions || [];
  if (!list.length) return out.concat(h("p", {}, t("none")));
  list.sort((a, b) => (!!a.answered_at - !!b.answered_at) || b.asked_at - a.asked_at);
  const mine = has("specialist");
  const dirty = [];
  ctx.dirty = () => dirty.some((d) => d());
  for (const o of list) {
    const kids = [h("h2", { class: "h4" }, agencyName(o.agency_id) + " · " + t("leaf") + " " + o.leaf_code),
      h("p", { class: "muted small" }, t("asked_at") + " " + when(o.asked_at) + " · " + t("opinion_agency", { code: o.leaf_code }) + ": " + agencyName(o.specialist_agency_id)),
      h("p", {}, h("strong", {}, t("question") + ": "), o.question || "")];
    if (o.answered_at) kids.push(h("p", {}, h("strong", {}, t("answered", { t: when(o.answered_at) }) + ": "), o.answer || ""));
    kids.push(opinionFiles(o, mine, ctx.refresh));
    if (mine && !o.answered_at) kids.push(...answerForm(ctx, o, dirty));
    else if (mine) kids.push(moreFiles(ctx, o, dirty));
    else if (!o.answered_at) kids.push(h("p", { class: "warn" }, t("waiting")));
    out.push(h("section", { class: "card", "data-opinion": o.id }, ...kids));
  }
  return out;
}
