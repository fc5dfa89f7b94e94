/* Opinion requests: a specialist agency's inbox (answer with text), and the appraisers' view
 * of what they asked. */
import { api } from "../api.js";
import { t, when } from "../i18n.js";
import { agencyName, has, period } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading } from "../ui.js";

export default async function opinions(ctx) {
  const out = [heading(t("opinions_title"))];
  const p = period();
  const list = (await api("GET", "/api/v1/opinions" + (p ? "?period_id=" + p.id : ""))).opinions || [];
  if (!list.length) return out.concat(h("p", {}, t("none")));
  list.sort((a, b) => (!!a.answered_at - !!b.answered_at) || b.asked_at - a.asked_at);
  for (const o of list) {
    const kids = [h("h2", { class: "h4" }, agencyName(o.agency_id) + " · " + t("leaf") + " " + o.leaf_code),
      h("p", { class: "muted small" }, t("asked_at") + " " + when(o.asked_at) + " · " + t("opinion_agency", { code: o.leaf_code }) + ": " + agencyName(o.specialist_agency_id)),
      h("p", {}, h("strong", {}, t("question") + ": "), o.question || "")];
    if (o.answered_at) kids.push(h("p", {}, h("strong", {}, t("answered", { t: when(o.answered_at) }) + ": "), o.answer || ""));
    if (has("specialist") && !o.answered_at) {
      const a = h("textarea", { id: "answer-" + o.id, rows: 3 });
      const err = errorBox("answer-" + o.id + "-err");
      const b = button(t("answer"), { id: "answer-" + o.id + "-send", class: "primary" });
      b.addEventListener("click", () => busy(b, async () => {
        await api("PUT", "/api/v1/opinions/" + o.id + "/answer", { answer: a.value.trim() });
        await ctx.refresh();
        flash("answer_saved");
      }, err));
      kids.push(field(t("answer_of", { id: o.id }), a), h("div", { class: "actions" }, b), err);
    } else if (!o.answered_at) kids.push(h("p", { class: "warn" }, t("waiting")));
    out.push(h("section", { class: "card", "data-opinion": o.id }, ...kids));
  }
  return out;
}
