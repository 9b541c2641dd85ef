// Leaving the couple, asked once more in the page: what happens, in kind words, and an optional short
// note to the partner. The server keeps the undo for 24 hours (screens/parting.js offers it).
import { store } from "../store.js";
import * as api from "../api.js";
import * as sync from "../sync.js";
import { bdi, h, field, notice, say, showErrors } from "../ui.js";
import { t, tp } from "../i18n.js";
import { PARTING_NOTE_MAX, UNDO_LEAVING_HOURS } from "../limits.js";

export function mount(root, { navigate }) {
  if (!store.couple) {
    navigate("/", { replace: true });
    return;
  }
  const partner = store.partner;
  const name = () => bdi(partner ? partner.display_name : t("common.your_partner"));
  const note = h("textarea", { name: "note", rows: "3", maxlength: String(PARTING_NOTE_MAX) });
  const message = notice();
  const go = h("button", { type: "submit", class: "btn danger wide" }, t("leave.go"));
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("leave.title") },
    partner ? field(tp("leave.note_label", { name: name() }), note, t("leave.note_hint")) : null,
    message,
    h(
      "div",
      { class: "stack" },
      go,
      h("a", { class: "btn ghost wide", href: "/more", "data-link": true }, t("leave.stay")),
    ),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (go.disabled) return; // one tap, one leaving
    go.disabled = true;
    go.setAttribute("aria-busy", "true");
    say(message, "");
    try {
      await sync.flush(); // what was written for the couple still reaches it, not "not sent"
      await api.post("/api/couple/leave", { note: note.value.trim() });
      await sync.unpaired();
      await store.refreshMe();
      navigate("/", { replace: true });
    } catch (err) {
      go.disabled = false;
      go.removeAttribute("aria-busy");
      const rest = showErrors(form, api.fieldErrors(err));
      const quiet = err.status === 422 && !Object.keys(rest).length; // told beside the note
      say(message, quiet ? "" : api.explain(err, { 0: t("leave.need_online") }));
      if (err.status === 404) store.refreshMe();
    }
  };
  root.append(
    h("div", { class: "page-head" }, h("h1", {}, t("leave.title")), h("p", {}, t("leave.lead"))),
    h(
      "section",
      { class: "card", "aria-label": t("leave.what_happens") },
      h(
        "ul",
        { class: "leave-list" },
        partner ? h("li", {}, tp("leave.told", { name: name() })) : null,
        h("li", {}, t("leave.keep")),
        partner ? h("li", {}, tp("leave.apart", { name: name() })) : null,
        h("li", {}, t("leave.undo", { count: UNDO_LEAVING_HOURS })),
      ),
    ),
    form,
  );
}
