/* Agencies of the province: list by group, create, edit (name, group, active), CSV import
 * with the line-numbered error; one agency's heads and deputies and their discipline
 * (#/agencies/<id>). Viewers read only. */
import { api } from "../api.js";
import { t, tmap } from "../i18n.js";
import { S, groupName, has, loadAgencies } from "../state.js";
import { busy, button, csvImport, errorBox, field, flash, h, heading, input, select, table, td } from "../ui.js";

const groupOptions = () => [...S.groups].map(([c, n]) => [c, c + " — " + n]);

export default async function agencies(ctx) {
  if (ctx.args[0]) return agencyView(ctx, Number(ctx.args[0]));
  await loadAgencies();
  const admin = has("province_admin");
  const items = [...S.agencies.values()];
  const out = [heading(t("agencies_title")), h("p", {}, t("agencies_count", { n: items.length }))];
  if (admin) {
    const code = input({ id: "ag-code" }), name = input({ id: "ag-name" });
    const grp = select({ id: "ag-group" }, groupOptions());
    const err = errorBox("ag-error");
    const b = button(t("create"), { id: "ag-create", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      await api("POST", "/api/v1/agencies", { code: code.value.trim(), name: name.value.trim(), group_code: grp.value });
      await ctx.refresh();
      flash("agency_created", { name: name.value.trim() });
    }, err));
    out.push(h("details", { class: "box", id: "ag-new" }, h("summary", {}, t("agency_new")),
      h("div", { class: "row" }, field(t("code"), code), field(t("name"), name), field(t("group"), grp)), h("div", { class: "actions" }, b), err));
    out.push(h("details", { class: "box", id: "ag-import-box" }, h("summary", {}, t("import_csv")),
      csvImport({ id: "ag-import", title: t("import_csv"), help: t("csv_agencies_help"), send: async (csv) => {
        const r = await api("POST", "/api/v1/agencies/import", null, { raw: csv });
        await ctx.refresh();
        flash("agencies_imported", { c: r.created || 0, u: r.updated || 0 });
      } })));
  }
  const listErr = errorBox("ag-list-error");
  out.push(listErr);
  const byGroup = new Map();
  for (const a of items) {
    if (!byGroup.has(a.group_code)) byGroup.set(a.group_code, []);
    byGroup.get(a.group_code).push(a);
  }
  for (const [g, list] of [...byGroup].sort()) {
    out.push(h("h2", {}, t("group_of", { code: g, name: groupName(g) })));
    out.push(table([t("code"), t("name"), t("status"), t("actions")], list.map((a) => h("tr", { "data-agency": a.code },
      td(t("code"), a.code), td(t("name"), h("a", { href: "#/agencies/" + a.id }, a.name)),
      td(t("status"), t(a.active === false ? "inactive" : "active")),
      td(t("actions"), admin ? button(t(a.active === false ? "activate" : "deactivate"), { class: "small", id: "ag-toggle-" + a.id },
        (ev) => busy(ev.target, async () => {
          await api("PATCH", "/api/v1/agencies/" + a.id, { active: a.active === false });
          await ctx.refresh();
          flash("agency_saved", { name: a.name });
        }, listErr)) : ""))), { stack: true, id: "agencies-" + g }));
  }
  return out;
}

async function agencyView(ctx, id) {
  const a = await api("GET", "/api/v1/agencies/" + id);
  const admin = has("province_admin");
  const out = [heading(a.name), h("p", {}, h("a", { href: "#/agencies", id: "back-list" }, "← " + t("back")))];
  if (admin) {
    const name = input({ id: "age-name", value: a.name });
    const grp = select({ id: "age-group" }, groupOptions(), a.group_code);
    const err = errorBox("age-error");
    const b = button(t("save"), { id: "age-save", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      await api("PATCH", "/api/v1/agencies/" + id, { name: name.value.trim(), group_code: grp.value });
      await loadAgencies();
      await ctx.refresh();
      flash("agency_saved", { name: name.value.trim() });
    }, err));
    out.push(h("section", { class: "box" }, h("div", { class: "row" }, field(t("code"), input({ id: "age-code", value: a.code, disabled: true })),
      field(t("name"), name), field(t("group"), grp), h("div", { class: "field end" }, b)), err));
  }
  out.push(h("h2", { id: "people-h" }, t("people")));
  const people = (await api("GET", "/api/v1/agencies/" + id + "/people")).items || [];
  for (const p of people) {
    const disc = (await api("GET", "/api/v1/people/" + p.id + "/discipline")).items || [];
    const kids = [h("h3", {}, p.full_name + " — " + tmap("positions", p.position) + (p.from_date ? " (" + p.from_date + (p.to_date ? " – " + p.to_date : "") + ")" : ""))];
    if (disc.length) kids.push(table([t("decided_on"), t("form"), t("decision_no"), t("note")], disc.map((d) => h("tr", {},
      td(t("decided_on"), d.decided_on || ""), td(t("form"), d.form || ""), td(t("decision_no"), d.decision_no || ""), td(t("note"), d.note || ""))), { stack: true }));
    if (admin) {
      const on = input({ id: "disc-" + p.id + "-date", type: "date" }), form = input({ id: "disc-" + p.id + "-form" }), no = input({ id: "disc-" + p.id + "-no" });
      const err = errorBox("disc-" + p.id + "-err");
      const b = button(t("add"), { id: "disc-" + p.id + "-add" });
      b.addEventListener("click", () => busy(b, async () => {
        await api("POST", "/api/v1/people/" + p.id + "/discipline", { decided_on: on.value, form: form.value.trim(), decision_no: no.value.trim() });
        await ctx.refresh();
        flash("discipline_added");
      }, err));
      kids.push(h("details", { class: "box" }, h("summary", {}, t("discipline_of", { name: p.full_name })),
        h("div", { class: "row" }, field(t("decided_on"), on), field(t("form"), form), field(t("decision_no"), no), h("div", { class: "field end" }, b)), err));
    }
    out.push(h("section", { class: "card", "data-person": p.id }, ...kids));
  }
  if (!people.length) out.push(h("p", {}, t("none")));
  if (admin) {
    const name = input({ id: "pp-name" }), pos = select({ id: "pp-pos" }, [["head", tmap("positions", "head")], ["deputy", tmap("positions", "deputy")]]);
    const from = input({ id: "pp-from", type: "date" });
    const err = errorBox("pp-error");
    const b = button(t("add"), { id: "pp-add", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      await api("POST", "/api/v1/agencies/" + id + "/people", { full_name: name.value.trim(), position: pos.value, from_date: from.value || undefined });
      await ctx.refresh();
      flash("person_added", { name: name.value.trim() });
    }, err));
    out.push(h("fieldset", { class: "box" }, h("legend", {}, t("people") + ": " + t("add")),
      h("div", { class: "row" }, field(t("person_name"), name), field(t("position"), pos), field(t("from_date"), from), h("div", { class: "field end" }, b)), err));
  }
  return out;
}
