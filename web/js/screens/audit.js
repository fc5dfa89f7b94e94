/* The audit trail of the province, newest first, filtered by entity (server side) and by
 * user, agency and date (on the entries read). */
import { api } from "../api.js";
import { dayOf, t, when } from "../i18n.js";
import { busy, button, errorBox, field, h, heading, input, table, td } from "../ui.js";

export default async function audit(ctx) {
  const q = ctx.query;
  const out = [heading(t("audit_title"))];
  const entity = input({ id: "au-entity", value: q.get("entity") || "" });
  const user = input({ id: "au-user", value: q.get("user") || "" });
  const from = input({ id: "au-from", type: "date", value: q.get("from") || "" });
  const to = input({ id: "au-to", type: "date", value: q.get("to") || "" });
  const err = errorBox("au-error");
  const b = button(t("filter"), { id: "au-filter", class: "primary" }, (ev) => busy(ev.target, async () => {
    const extra = {};
    for (const [k, el] of [["entity", entity], ["user", user], ["from", from], ["to", to]]) if (el.value.trim()) extra[k] = el.value.trim();
    ctx.go("audit", [], extra);
  }, err));
  out.push(h("div", { class: "row" }, field(t("filter_entity"), entity), field(t("filter_user"), user), field(t("filter_from"), from), field(t("filter_to"), to),
    h("div", { class: "field end" }, b)), err);
  const path = "/api/v1/audit?limit=1000" + (q.get("entity") ? "&entity=" + encodeURIComponent(q.get("entity")) : "");
  let items = (await api("GET", path)).items || [];
  const fu = (q.get("user") || "").toLowerCase();
  if (fu) items = items.filter((x) => (x.login || "").toLowerCase().includes(fu));
  if (q.get("from")) items = items.filter((x) => dayOf(x.at) >= q.get("from"));
  if (q.get("to")) items = items.filter((x) => dayOf(x.at) <= q.get("to"));
  out.push(h("p", { id: "au-count" }, t("entries", { n: items.length })));
  const short = (s) => (s && s.length > 160 ? s.slice(0, 157) + "…" : s || "");
  out.push(table([t("at"), t("user"), t("entity"), t("action"), t("change")], items.slice(0, 300).map((x) => h("tr", {},
    td(t("at"), when(x.at)), td(t("user"), x.login || ""), td(t("entity"), x.entity + (x.entity_id ? " #" + x.entity_id : "")),
    td(t("action"), x.action), td(t("change"), h("code", { class: "small" }, short(x.old_value) + (x.old_value ? " → " : "") + short(x.new_value))))), { stack: true, id: "audit" }));
  return out;
}
