/* Users of the province: create (login, name, password, roles, agency, e-mail), change
 * roles, agency and e-mail, reset the password, deactivate. */
import { api } from "../api.js";
import { t, tmap } from "../i18n.js";
import { S, agencyName } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, select, table, td, uid } from "../ui.js";
import supportSection from "./support.js";

const ROLES = ["province_admin", "agency_editor", "agency_head", "appraiser", "specialist", "leader", "surveyor", "viewer"];

function roleChecks(prefix, chosen) {
  const boxes = ROLES.map((r) => h("input", { type: "checkbox", id: uid(prefix + "-role-" + r), value: r, checked: (chosen || []).includes(r) }));
  const el = h("fieldset", { class: "box" }, h("legend", {}, t("roles_label")),
    h("div", { class: "checks" }, ...boxes.map((b) => h("label", { for: b.id }, b, tmap("roles", b.value)))));
  el.value = () => boxes.filter((b) => b.checked).map((b) => b.value);
  return el;
}

const agencyOptions = () => [...S.agencies.values()].map((a) => [a.id, a.name]);

export default async function users(ctx) {
  const out = [heading(t("users_title"))];
  const list = (await api("GET", "/api/v1/users")).items || [];
  const login = input({ id: "u-login" }), name = input({ id: "u-name" }), pw = input({ id: "u-password", type: "password", autocomplete: "new-password" });
  const mail = input({ id: "u-email", type: "email" });
  const roles = roleChecks("u", []);
  const ag = select({ id: "u-agency" }, agencyOptions(), "", t("no_agency_opt"));
  const err = errorBox("u-error");
  const b = button(t("create"), { id: "u-create", class: "primary" });
  b.addEventListener("click", () => busy(b, async () => {
    await api("POST", "/api/v1/users", { login: login.value.trim(), full_name: name.value.trim(), password: pw.value, roles: roles.value(),
      agency_id: Number(ag.value) || undefined, email: mail.value.trim() || undefined });
    await ctx.refresh();
    flash("user_created", { login: login.value.trim() });
  }, err));
  out.push(h("details", { class: "box", id: "u-new" }, h("summary", {}, t("user_new")),
    h("div", { class: "row" }, field(t("login_name"), login), field(t("full_name"), name), field(t("password"), pw), field(t("agency"), ag),
      field(t("email"), mail)),
    roles, h("div", { class: "actions" }, b), err));
  out.push(table([t("login_name"), t("full_name"), t("roles_label"), t("agency"), t("email"), t("status"), t("actions")], list.map((u) => {
    const rc = roleChecks("ue-" + u.id, u.roles);
    const uag = select({ id: "ue-" + u.id + "-agency" }, agencyOptions(), u.agency_id || "", t("no_agency_opt"));
    const npw = input({ id: "ue-" + u.id + "-pw", type: "password", autocomplete: "new-password" });
    const umail = input({ id: "ue-" + u.id + "-email", type: "email", value: u.email || "" });
    const e2 = errorBox("ue-" + u.id + "-err");
    const save = button(t("save"), { id: "ue-" + u.id + "-save", class: "primary" });
    save.addEventListener("click", () => busy(save, async () => {
      const body = { roles: rc.value() };
      if (Number(uag.value)) body.agency_id = Number(uag.value);
      if (npw.value) body.password = npw.value;
      if (umail.value.trim() !== (u.email || "")) body.email = umail.value.trim();
      await api("PATCH", "/api/v1/users/" + u.id, body);
      await ctx.refresh();
      flash("user_saved", { login: u.login });
    }, e2));
    const toggle = button(t(u.active === false ? "activate" : "deactivate"), { id: "ue-" + u.id + "-active" }, (ev) => busy(ev.target, async () => {
      await api("PATCH", "/api/v1/users/" + u.id, { active: u.active === false });
      await ctx.refresh();
      flash("user_saved", { login: u.login });
    }, e2));
    return h("tr", { "data-user": u.login },
      td(t("login_name"), u.login), td(t("full_name"), u.full_name || ""),
      td(t("roles_label"), (u.roles || []).map((r) => tmap("roles", r)).join(", ")),
      td(t("agency"), u.agency_id ? agencyName(u.agency_id) : ""),
      td(t("email"), u.email || ""),
      td(t("status"), t(u.active === false ? "inactive" : "active")),
      td(t("actions"), u.roles && u.roles.includes("sysadmin") ? "" : h("details", { id: "ue-" + u.id }, h("summary", {}, t("edit")),
        rc, field(t("agency"), uag), field(t("email"), umail), field(t("reset_password"), npw), h("div", { class: "actions" }, save, toggle), e2)));
  }), { stack: true, id: "users" }));
  out.push(...(await supportSection(ctx)));
  return out;
}
