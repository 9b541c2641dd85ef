// /reset#token=…: the link from the password-reset email. The token rides in the fragment, which the
// browser never sends to a server; it is moved to this tab's sessionStorage and the address bar is
// cleaned at once. After a new password every session has ended: this phone logs in again, keeping
// anything still queued (store.sessionEnded), and the login screen says why.
import { store } from "../store.js";
import * as api from "../api.js";
import { h, clear, field, showErrors, notice, say } from "../ui.js";
import { AFTER_RESET, AUTH_NOTE } from "./auth.js";
import { t } from "../i18n.js";
import { PASSWORD_MIN } from "../limits.js";

const TOKEN = "hearth-reset-token";

function takeToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const token = fragment.get("token") || query.get("token");
  if (token) sessionStorage.setItem(TOKEN, token);
  if (location.hash || location.search) history.replaceState(null, "", "/reset");
  return sessionStorage.getItem(TOKEN);
}

export function mount(root, { navigate }) {
  const token = takeToken();
  const form = h("form", { class: "card", novalidate: true });
  root.append(h("div", { class: "auth" }, h("div", { class: "hero" }, h("h1", {}, t("app.name"))), form));

  function askAgain(text) {
    clear(
      form,
      h("h2", {}, t("reset.cant_use")),
      h("p", { class: "notice notice-error", role: "alert" }, text),
      h(
        "a",
        {
          href: "/forgot",
          class: "btn primary wide",
          "data-link": true,
          onclick: () => sessionStorage.removeItem(TOKEN),
        },
        t("reset.new_link"),
      ),
    );
  }

  if (!token) {
    askAgain(t("reset.missing"));
    return;
  }
  const password = h("input", {
    name: "new_password",
    type: "password",
    required: true,
    minlength: String(PASSWORD_MIN),
    autocomplete: "new-password",
  });
  password.addEventListener("input", () => showErrors(form, {}));
  const show = h("input", {
    type: "checkbox",
    onchange: () => {
      password.type = show.checked ? "text" : "password";
    },
  });
  const message = notice();
  const submit = h("button", { type: "submit", class: "btn primary wide" }, t("reset.save"));
  clear(
    form,
    h("h2", {}, t("reset.title")),
    h("p", { class: "small muted" }, t("reset.lead")),
    field(t("reset.new_password"), password, t("auth.password_hint", { count: PASSWORD_MIN })),
    h("label", { class: "check" }, show, t("reset.show")),
    message,
    submit,
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (password.value.length < PASSWORD_MIN) {
      showErrors(form, { new_password: t("auth.need_length", { count: PASSWORD_MIN }) });
      return;
    }
    showErrors(form, {});
    submit.disabled = true;
    say(message, "");
    try {
      const done = await api.post("/api/auth/password-reset/confirm", { token, new_password: password.value });
      sessionStorage.removeItem(TOKEN);
      // The account's words are end-to-end encrypted: the reset kept them, locked. The login screen says so, and
      // a phone without the keys is then sent to /keys/unlock, which says why (crypto/sync-keys.js).
      if (done?.locked) localStorage.setItem(AFTER_RESET, "1");
      // A key: the note reads in the language of the moment.
      sessionStorage.setItem(AUTH_NOTE, done?.locked ? "reset.saved_note_locked" : "reset.saved_note");
      if (store.user) await store.sessionEnded(); // this phone's session ended with the others
      navigate("/", { replace: true });
    } catch (err) {
      if (err.status === 404 || err.status === 410) {
        askAgain(api.explain(err));
        return;
      }
      const rest = showErrors(form, api.fieldErrors(err));
      say(
        message,
        Object.keys(rest).length || !Object.keys(api.fieldErrors(err)).length
          ? api.explain(err, { 0: t("reset.offline") })
          : "",
      );
      submit.disabled = false;
    }
  };
}
