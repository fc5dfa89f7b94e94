/* The appraisal council of the period: each appraiser's scopes (leaf-code prefix x group). */
import { P, api } from "../api.js";
import { t } from "../i18n.js";
import { agencyName, period } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, table, td } from "../ui.js";

export default async function council(ctx) {
  const out = [heading(t("council_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  const [c, users] = await Promise.all([api("GET", P(p.id) + "/council"), api("GET", "/api/v1/users")]);
  const members = new Map((c.members || []).map((m) => [m.user_id, m]));
  const appraisers = (users.items || []).filter((u) => (u.roles || []).includes("appraiser") && u.active !== false);
  out.push(h("p", { class: "muted" }, t("scopes_help")));
  out.push(table([t("member"), t("agency"), t("scopes")], appraisers.map((u) => {
    const m = members.get(u.id);
    const text = h("textarea", { id: "sc-" + u.id, rows: 2, spellcheck: "false" });
    text.value = ((m && m.scopes) || []).map((s) => (s.prefix || "") + " | " + s.group_code).join("\n");
    const err = errorBox("sc-" + u.id + "-err");
    const b = button(t("save"), { id: "sc-" + u.id + "-save", class: "small" }, (ev) => busy(ev.target, async () => {
      const scopes = text.value.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
        const [prefix, group] = l.split("|").map((x) => (x || "").trim());
        return { prefix, group_code: group };
      });
      await api("PUT", P(p.id) + "/council/" + u.id, { scopes });
      flash("council_saved", { name: u.full_name || u.login });
    }, err));
    return h("tr", { "data-user": u.login }, td(t("member"), u.full_name || u.login), td(t("agency"), u.agency_id ? agencyName(u.agency_id) : ""),
      td(t("scopes"), field(t("scopes_of", { name: u.full_name || u.login }), text), b, err));
  }), { stack: true, id: "council" }));
  return out;
}
