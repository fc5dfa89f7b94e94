/* The printable invitation sheet: one card per invitation with the server-drawn QR code of its
 * link (an SVG from the surveys service, shown as an <img>: an image cannot run anything) and
 * the link written out for those who type it. Printing shows only the sheet, cards kept whole,
 * six to an A4 page (print CSS in app.css). */
import { t } from "../i18n.js";
import { button, h } from "../ui.js";

/* links: [{token, link, qr_svg}] from CreateInvitations with link_base. */
export function invitationSheet(agency, title, links) {
  const n = links.length;
  const cards = links.map((l, i) => h("li", { class: "inv-card" },
    h("p", { class: "inv-head" }, t("inv_card", { i: i + 1, n }) + " · " + agency),
    h("p", { class: "inv-title" }, title),
    h("img", { class: "qr", src: "data:image/svg+xml;base64," + btoa(l.qr_svg), alt: t("inv_qr_alt", { i: i + 1 }), width: 164, height: 164 }),
    h("p", { class: "small" }, t("inv_how")),
    h("p", { class: "inv-link" }, h("a", { href: l.link, target: "_blank", rel: "noopener" }, l.link))));
  const print = button(t("print"), { id: "inv-print" }, () => {
    document.body.classList.add("print-sheet");
    window.print();
  });
  return [h("h3", {}, t("inv_sheet", { agency })), h("p", { class: "no-print" }, title),
    h("ol", { class: "inv-cards", id: "inv-links" }, ...cards),
    h("div", { class: "actions no-print" }, print)];
}

/* Printing done (or cancelled): the page prints whole again. */
window.addEventListener("afterprint", () => document.body.classList.remove("print-sheet"));
