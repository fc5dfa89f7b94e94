/* Leader assignments of the period: which agencies each provincial leader scores. */
import { P, api } from "../api.js";
import { t } from "../i18n.js";
import { S, groupName, period } from "../state.js";
import { busy, button, errorBox, flash, h, heading } from "../ui.js";

export default async function leaders() {
  const out = [heading(t("leaders_title"))];
  const p = period();
  if (!p) return out.concat(h("p", {}, t("no_period")));
  const users = ((await api("GET", "/api/v1/users")).items || []).filter((u) => (u.roles || []).includes("leader") && u.active !== false);
  if (!users.length) return out.concat(h("p", {}, t("none")));
  const byGroup = new Map();
  for (const a of S.agencies.values()) {
    if (!byGroup.has(a.group_code)) byGroup.set(a.group_code, []);
    byGroup.get(a.group_code).push(a);
  }
  for (const u of users) {
    const asg = await api("GET", P(p.id) + "/leaders/" + u.id + "/agencies");
    const mine = new Set(asg.agency_ids || []);
    const boxes = [];
    const groups = [...byGroup].sort().map(([g, list]) => h("details", { open: list.some((a) => mine.has(a.id)) },
      h("summary", {}, t("group_of", { code: g, name: groupName(g) }) + " (" + list.filter((a) => mine.has(a.id)).length + "/" + list.length + ")"),
      h("div", { class: "checks" }, ...list.map((a) => {
        const b = h("input", { type: "checkbox", id: "la-" + u.id + "-" + a.id, value: a.id, checked: mine.has(a.id), "data-agency": a.code });
        boxes.push(b);
        return h("label", { for: b.id }, b, a.name);
      }))));
    const err = errorBox("la-" + u.id + "-err");
    const save = button(t("save"), { id: "la-" + u.id + "-save", class: "primary" }, (ev) => busy(ev.target, async () => {
      await api("PUT", P(p.id) + "/leaders/" + u.id + "/agencies", { agency_ids: boxes.filter((b) => b.checked).map((b) => Number(b.value)) });
      flash("assign_saved", { name: u.full_name || u.login });
    }, err));
    out.push(h("section", { class: "card", "data-leader": u.login, "aria-label": u.full_name || u.login },
      h("h2", {}, u.full_name || u.login), ...groups, h("div", { class: "actions" }, save), err));
  }
  return out;
}
