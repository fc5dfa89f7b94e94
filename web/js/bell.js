/* The bell in the header: how many of the caller's reminders are unread; it opens the list
 * (screens/notifications.js). */
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $ } from "./ui.js";

export async function refreshBell() {
  const bell = $("#bell");
  let n = 0;
  try {
    n = (await api("GET", "/api/v1/notifications?unread_only=true&limit=1")).unread || 0;
  } catch (e) {
    return;     /* the bell is a convenience: a failure shows on the screens that matter */
  }
  bell.hidden = false;
  $("#bell-count").textContent = n ? String(n) : "";
  bell.setAttribute("aria-label", t("bell_label", { n }));
  bell.classList.toggle("has-unread", n > 0);
}
