/* The menu on a phone (up to 640 px, see app.css): one labelled <select> in place of the row
 * of links, so the bar keeps to one row however many screens a role has (the admin's eleven
 * would wrap into five) and the page never scrolls sideways. Choosing a screen goes there, as
 * the link would; the links stay for wider screens. */
import { t } from "./i18n.js";
import { h } from "./ui.js";

/* items: [[route id, text]]; cur: the route shown now. */
export function compactNav(items, cur) {
  const sel = h("select", { id: "nav-compact" },
    ...items.map(([id, text]) => h("option", { value: id, selected: id === cur }, text)));
  sel.addEventListener("change", () => { location.hash = "#/" + sel.value; });
  return h("div", { class: "nav-compact" }, h("label", { for: "nav-compact" }, t("nav_label")), sel);
}
