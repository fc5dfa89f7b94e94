/* The provincial leader: content-4 scores for the assigned agencies (with the other leaders'
 * scores, the mean and the heads' discipline as context), and the pending ties of the results
 * to put in order, with a reason. */
import { AG, P, api, getOrNull } from "../api.js";
import { numIn, parseNum, pts, t, tmap, when } from "../i18n.js";
import { S, agencyName, groupName, period, phaseInfo } from "../state.js";
import { busy, button, errorBox, field, flash, h, heading, input, table, td } from "../ui.js";

export default async function leader(ctx) {
  const p = period();
  if (!p) return [heading(t("leader_title")), h("p", {}, t("no_period"))];
  if (ctx.args[0]) return agencyScores(ctx, p, Number(ctx.args[0]));
  const out = [heading(t("leader_title"))];
  const ph = phaseInfo("leadership");
  out.push(h("p", { class: ph.open ? "ok" : "muted" }, tmap("phases", "leadership") + ": " +
    (ph.opens_at ? when(ph.opens_at) + " – " + when(ph.closes_at) : t("not_scheduled"))));
  const asg = await api("GET", P(p.id) + "/leaders/" + S.user.id + "/agencies");
  out.push(h("h2", { id: "assigned-h" }, t("assigned_agencies")));
  const ids = asg.agency_ids || [];
  if (!ids.length) out.push(h("p", {}, t("none")));
  else out.push(h("ul", { class: "agency-list", id: "assigned", "aria-labelledby": "assigned-h" }, ...ids.map((id) =>
    h("li", {}, h("a", { href: "#/leader/" + id + "?period=" + p.id, "data-agency-link": (S.agencies.get(id) || {}).code || id }, agencyName(id))))));
  out.push(...(await ties(ctx, p)));
  return out;
}

async function agencyScores(ctx, p, agencyId) {
  const out = [heading(t("leader_title") + ": " + agencyName(agencyId)),
    h("p", {}, h("a", { href: "#/leader?period=" + p.id, id: "back-list" }, "← " + t("back")), " · ",
      h("a", { href: "#/scorecard/" + agencyId + "?period=" + p.id }, t("nav_scorecard")))];
  const sl = await api("GET", AG(p.id, agencyId) + "/leader-scores");
  if (sl.disciplined) {
    out.push(h("h2", {}, t("disciplined_heads")), h("ul", {}, ...(sl.discipline || []).map((d) =>
      h("li", {}, d.full_name + " (" + tmap("positions", d.position) + "): " + d.form + " — " + (d.decision_no || "") + " " + (d.decided_on || "")))));
  }
  const rows = (sl.leaves || []).map((l) => {
    const slug = l.leaf_code.replace(/[^0-9a-zA-Z]+/g, "-");
    const mine = (l.scores || []).find((s) => s.leader_id === S.user.id);
    const inp = input({ id: "ls-" + slug, class: "score", inputmode: "decimal", "data-leader-leaf": l.leaf_code, value: mine ? numIn(mine.score) : "" });
    const err = errorBox("ls-" + slug + "-err");
    const b = button(t("save"), { id: "ls-" + slug + "-save", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      const v = parseNum(inp.value);
      if (v === null || Number.isNaN(v)) throw { key: "bad_number" };
      await api("PUT", AG(p.id, agencyId) + "/leader-score", { leaf_code: l.leaf_code, score: v });
      await ctx.refresh();
      flash("saved", { n: 1 });
    }, err));
    const others = (l.scores || []).map((s) => (s.leader_name || "#" + s.leader_id) + ": " + pts(s.score)).join("; ");
    return h("tr", { "data-leaf": l.leaf_code },
      td(t("leaf"), { class: "code" }, l.leaf_code),
      td(t("name"), l.title || ""),
      td(t("max_points"), { class: "num" }, pts(l.max_points), l.step ? h("span", { class: "muted small" }, " (" + t("step_hint", { s: numIn(l.step) }) + ")") : null),
      td(t("scored_by"), others || "—"),
      td(t("mean"), { class: "num" }, pts(l.mean)),
      td(t("leader_score_of", { code: l.leaf_code }), h("div", { class: "row" }, h("label", { for: inp.id, class: "sr-only" }, t("leader_score_of", { code: l.leaf_code })), inp, b), err));
  });
  out.push(table([t("leaf"), t("name"), [t("max_points"), "num"], t("scored_by"), [t("mean"), "num"], t("score")], rows, { stack: true, id: "leader-scores" }));
  return out;
}

/* Dragging a row of ol (its <li data-pos>) onto another moves it there in order and redraws;
 * the ↑/↓ buttons do the same from the keyboard. */
function dragToOrder(ol, order, draw) {
  let from = -1;
  const row = (ev) => ev.target.closest && ev.target.closest("li[data-pos]");
  ol.addEventListener("dragstart", (ev) => {
    const li = row(ev);
    if (!li) return;
    from = Number(li.dataset.pos);
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", li.dataset.agency || "");
    li.classList.add("dragging");
  });
  ol.addEventListener("dragover", (ev) => {
    const li = row(ev);
    if (from < 0 || !li) return;
    ev.preventDefault();
    ol.querySelectorAll(".drop-target").forEach((x) => x.classList.remove("drop-target"));
    li.classList.add("drop-target");
  });
  ol.addEventListener("drop", (ev) => {
    const li = row(ev);
    if (from < 0 || !li) return;
    ev.preventDefault();
    const to = Number(li.dataset.pos);
    const [moved] = order.splice(from, 1);
    order.splice(to, 0, moved);
    from = -1;
    draw();
  });
  ol.addEventListener("dragend", () => {
    from = -1;
    ol.querySelectorAll(".dragging, .drop-target").forEach((x) => x.classList.remove("dragging", "drop-target"));
  });
}

/* Pending ties: agencies of one group sharing a rank with tie_pending. */
async function ties(ctx, p) {
  const out = [h("h2", { id: "ties-h" }, t("ties_title"))];
  const res = await getOrNull(P(p.id) + "/results");
  const sets = [];
  for (const g of (res && res.groups) || []) {
    const byRank = new Map();
    for (const a of g.agencies || []) if (a.tie_pending) {
      if (!byRank.has(a.rank)) byRank.set(a.rank, []);
      byRank.get(a.rank).push(a);
    }
    for (const list of byRank.values()) if (list.length > 1) sets.push({ group: g.group_code, list });
  }
  if (!sets.length) return out.concat(h("p", { id: "ties-none" }, t("ties_none")));
  sets.forEach((set, i) => {
    const order = set.list.slice();
    const ol = h("ol", { class: "order", id: "tie-" + i });
    const draw = () => ol.replaceChildren(...order.map((a, k) => h("li", { "data-agency": a.code, draggable: "true", "data-pos": k },
      h("span", { class: "grip", "aria-hidden": "true" }, "⠿"),
      h("span", { class: "name" }, (k + 1) + ". " + a.name + " — " + pts(a.total)),
      button("↑", { class: "small", "aria-label": t("move_up", { name: a.name }), disabled: k === 0, id: "tie-" + i + "-up-" + k }, () => { [order[k - 1], order[k]] = [order[k], order[k - 1]]; draw(); ol.querySelectorAll("button")[Math.max(0, 2 * (k - 1))].focus(); }),
      button("↓", { class: "small", "aria-label": t("move_down", { name: a.name }), disabled: k === order.length - 1, id: "tie-" + i + "-down-" + k }, () => { [order[k + 1], order[k]] = [order[k], order[k + 1]]; draw(); ol.querySelectorAll("button")[Math.min(2 * order.length - 1, 2 * (k + 1) + 1)].focus(); }))));
    draw();
    dragToOrder(ol, order, draw);
    const reason = h("textarea", { id: "tie-" + i + "-reason", rows: 2 });
    const err = errorBox("tie-" + i + "-err");
    const b = button(t("tie_save"), { id: "tie-" + i + "-save", class: "primary" });
    b.addEventListener("click", () => busy(b, async () => {
      await api("POST", P(p.id) + "/tiebreaks", { group_code: set.group, agency_ids: order.map((a) => a.agency_id), reason: reason.value.trim() });
      flash("tie_saved", { group: set.group });
    }, err));
    out.push(h("section", { class: "card", "data-tie-group": set.group },
      h("h3", {}, t("group_of", { code: set.group, name: groupName(set.group) })),
      h("p", { class: "muted small" }, t("tie_drag_hint")), ol,
      field(t("tie_reason", { group: set.group }), reason), h("div", { class: "actions" }, b), err));
  });
  return out;
}
