/* The sysadmin's list of provinces. */
import { api } from "../api.js";
import { t } from "../i18n.js";
import { h, heading, table, td } from "../ui.js";

export default async function provinces() {
  const list = (await api("GET", "/api/v1/provinces")).items || [];
  return [heading(t("provinces_title")), table([t("code"), t("name"), "TZ"], list.map((p) =>
    h("tr", {}, td(t("code"), p.code), td(t("name"), p.name), td("TZ", p.time_zone || ""))), { stack: true })];
}
