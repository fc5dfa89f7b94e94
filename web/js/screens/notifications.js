/* The caller's reminders before a phase closes (issue 8 item 5), newest first: the phase,
 * when it closes (the province's time), what is left; mark read. And the caller's own e-mail
 * address, where the same reminders are sent when the data center has a mail relay. */
import { api } from "../api.js";
import { t, when } from "../i18n.js";
import { S } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input } from "../ui.js";
import { refreshBell } from "../bell.js";

export default async function notifications(ctx) {
  const out = [heading(t("notifications_title"))];
  const list = await api("GET", "/api/v1/notifications?limit=200");
  const items = list.items || [];
  out.push(h("p", { id: "nt-count" }, t("notifications_unread", { n: list.unread || 0 })));
  if (!items.length) out.push(h("p", { id: "nt-empty" }, t("notifications_none")));
  const err = errorBox("nt-error");
  out.push(h("ul", { class: "notes", id: "nt-list" }, ...items.map((n) => {
    const read = !!n.read_at;
    const mark = read ? null : button(t("mark_read"), { id: "nt-" + n.id + "-read" }, (ev) => busy(ev.target, async () => {
      await api("POST", "/api/v1/notifications/" + n.id + "/read", {});
      await refreshBell();
      await ctx.refresh();
    }, err));
    return h("li", { class: "note" + (read ? " read" : " unread"), id: "nt-" + n.id, "data-phase": n.phase },
      h("h2", {}, n.title),
      h("p", { class: "meta" }, t("notification_meta", { phase: n.phase_name, closes: n.closes_local, made: when(n.created_at) })),
      h("p", {}, n.body),
      read ? h("p", { class: "hint" }, t("read_at", { at: when(n.read_at) })) : mark);
  })), err);
  /* The caller's own e-mail address (validated by the server). */
  if (S.user && S.user.province_id) {
    const me = await api("GET", "/api/v1/auth/me");
    const mail = input({ id: "nt-email", type: "email", value: me.email || "" });
    const e2 = errorBox("nt-email-error");
    const save = button(t("save"), { id: "nt-email-save", class: "primary" }, (ev) => busy(ev.target, async () => {
      await api("PATCH", "/api/v1/users/" + me.id, { email: mail.value.trim() });
      flash("email_saved");
    }, e2));
    out.push(h("section", { class: "box", "aria-labelledby": "nt-email-h" }, h("h2", { id: "nt-email-h" }, t("my_email")),
      field(t("email"), mail, t("my_email_hint")), h("div", { class: "actions" }, save), e2));
  }
  return out;
}
