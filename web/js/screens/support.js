/* Support access (SPEC §1), under the users: the province admin lets the installation's
 * sysadmins act inside the province for 1 to 168 hours with a reason, sees every grant and
 * revokes a live one; what a sysadmin does under it is in the audit trail as support:<login>. */
import { api } from "../api.js";
import { t, when } from "../i18n.js";
import { busy, button, errorBox, field, flash, h, heading, input, table, td } from "../ui.js";

export default async function supportSection(ctx) {
  const out = [heading(t("support_title"), "h2"), h("p", { class: "muted" }, t("support_help"))];
  const items = (await api("GET", "/api/v1/support-grants")).items || [];
  const reason = input({ id: "sg-reason" }), hours = input({ id: "sg-hours", type: "number", min: "1", max: "168", value: "24" });
  const err = errorBox("sg-error");
  const grant = button(t("support_grant"), { id: "sg-create", class: "primary" }, (ev) => busy(ev.target, async () => {
    await api("POST", "/api/v1/support-grants", { reason: reason.value.trim(), hours: Number(hours.value) });
    await ctx.refresh();
    flash("support_granted");
  }, err));
  out.push(h("div", { class: "row" }, field(t("reason"), reason), field(t("support_hours"), hours), h("div", { class: "field end" }, grant)), err);
  const e2 = errorBox("sg-list-error");
  out.push(table([t("reason"), t("support_by"), t("support_until"), t("status"), t("actions")], items.map((g) => h("tr", { "data-grant": g.id },
    td(t("reason"), g.reason || ""), td(t("support_by"), g.granted_by_login || ""), td(t("support_until"), when(g.expires_at)),
    td(t("status"), g.live ? t("support_live") : g.revoked_at ? t("support_revoked", { who: g.revoked_by_login || "" }) : t("support_expired")),
    td(t("actions"), g.live ? button(t("support_revoke"), { id: "sg-revoke-" + g.id }, (ev) => busy(ev.target, async () => {
      await api("POST", "/api/v1/support-grants/" + g.id + "/revoke", {});
      await ctx.refresh();
      flash("support_revoked_flash");
    }, e2)) : ""))), { stack: true, id: "support-grants" }), e2);
  return out;
}
