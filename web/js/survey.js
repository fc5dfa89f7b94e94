/* The public survey page, opened from an invitation link /survey.html#t=<token> (the token
 * stays in the fragment, so it is never sent in a Referer or kept in a server log). No
 * sign-in; phone first; one submit; a clear thank-you and a clear "already used". */
import { api, errText } from "./api.js";
import { getLang, setLang, t, tmap } from "./i18n.js";
import { $, $$, errorBox, h } from "./ui.js";

const token = new URLSearchParams(location.hash.slice(1)).get("t") || "";
let form = null;     // the questionnaire, once read
let state = "load";  // load | form | thanks | used | error
let lastErr = null;

function message(kind, title, body) {
  return [h("section", { class: "card survey-msg " + kind, id: "survey-" + kind },
    h("h1", { tabindex: "-1" }, title), body ? h("p", {}, body) : null)];
}

function draw() {
  document.documentElement.lang = getLang();
  document.title = t("survey_title");
  for (const el of $$("[data-t]")) el.textContent = t(el.dataset.t);
  $("#lang").textContent = t("lang_toggle");
  $("#lang").lang = getLang() === "vi" ? "en" : "vi";
  const view = $("#view");
  let nodes;
  if (state === "thanks") nodes = message("thanks", t("survey_thanks"), t("survey_thanks_body"));
  else if (state === "used") nodes = message("used", t("survey_used"), t("survey_used_body"));
  else if (state === "error") nodes = message("error", lastErr ? errText(lastErr) : t("survey_no_token"));
  else if (state === "form") nodes = formView();
  else nodes = [h("p", {}, t("loading"))];
  view.replaceChildren(...nodes);
  view.removeAttribute("aria-busy");
}

function formView() {
  const err = errorBox("survey-error");
  const f = h("form", { id: "survey-form", novalidate: true });
  f.appendChild(h("h1", { tabindex: "-1" }, form.title || t("survey_title")));
  f.appendChild(h("p", { class: "muted" }, t("survey_about", { agency: form.agency_name || "", group: tmap("groups_resp", form.respondent_group) })));
  f.appendChild(h("p", {}, t("survey_help")));
  (form.questions || []).forEach((q, i) => {
    const name = "q" + q.id;
    f.appendChild(h("fieldset", { class: "likert", "data-question": q.id },
      h("legend", {}, (i + 1) + ". " + q.text),
      h("div", { class: "likert-options" }, ...[1, 2, 3, 4, 5].map((v) => {
        const id = name + "-" + v;
        return h("label", { for: id, class: "likert-option" },
          h("input", { type: "radio", name, id, value: v, required: true }),
          h("span", { class: "likert-value" }, String(v)), h("span", { class: "likert-text" }, tmap("likert", v)));
      }))));
  });
  const send = h("button", { type: "submit", class: "primary big", id: "survey-send" }, t("survey_send"));
  f.appendChild(err);
  f.appendChild(h("div", { class: "actions" }, send));
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.clear();
    const answers = [];
    let missing = 0;
    for (const q of form.questions || []) {
      const c = f.querySelector('input[name="q' + q.id + '"]:checked');
      if (c) answers.push({ question_id: q.id, value: Number(c.value) }); else missing++;
    }
    if (missing) { err.show({ key: "survey_missing", vars: { n: missing } }); return; }
    send.disabled = true;
    try {
      await api("POST", "/api/v1/survey/" + encodeURIComponent(token), { answers }, { public: true });
      state = "thanks";
      draw();
      $("#view h1").focus();
    } catch (e) {
      if (e.api && e.api.code === "survey_token_used") { state = "used"; draw(); return; }
      err.show(e);
    } finally {
      send.disabled = false;
    }
  });
  return [f];
}

$("#lang").addEventListener("click", () => {
  setLang(getLang() === "vi" ? "en" : "vi");
  /* keep the answers chosen so far across the redraw */
  const chosen = $$("#survey-form input:checked").map((x) => x.id);
  draw();
  for (const id of chosen) { const x = document.getElementById(id); if (x) x.checked = true; }
});

(async function start() {
  if (!token) { state = "error"; draw(); return; }
  try {
    form = await api("GET", "/api/v1/survey/" + encodeURIComponent(token), undefined, { public: true });
    state = "form";
  } catch (e) {
    state = e.api && e.api.code === "survey_token_used" ? "used" : "error";
    lastErr = e;
  }
  draw();
})();
